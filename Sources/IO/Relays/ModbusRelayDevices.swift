import KwartierCore

/// A relay that is one coil of a Modbus relay module, driven through its own `CoilBus`
/// (the hidden `kwartier relay` tools). The runtime uses `ModbusCoilOutput` on the shared worker.
public final class CoilBusOutput: RelayOutputDevice {
    public let bus: CoilBus
    public let unit: Int
    public let coil: Int
    public init(bus: CoilBus, unit: Int, coil: Int) { self.bus = bus; self.unit = unit; self.coil = coil }
    public func set(_ on: Bool) throws { try bus.writeCoil(unit: unit, address: coil, on: on) }
}

/// An S0 pulse counter kept by a Modbus digital-input module: one register (16-bit, wraps) or
/// two (32-bit, high word first), read as input (function 4) or holding (function 3) registers.
public final class ModbusCounterInput: PulseCounterDevice {
    public enum Function: String, Sendable { case input, holding }
    public let bus: CoilBus
    public let unit: Int
    public let register: Int
    public let words: Int
    public let function: Function
    public init(bus: CoilBus, unit: Int, register: Int, words: Int = 2, function: Function = .input) {
        self.bus = bus; self.unit = unit; self.register = register
        self.words = words == 1 ? 1 : 2; self.function = function
    }
    public func readCount() throws -> UInt64 {
        let r = function == .input
            ? try bus.readInputRegisters(unit: unit, address: register, count: words)
            : try bus.readHoldingRegisters(unit: unit, address: register, count: words)
        guard r.count == words else { throw DeviceError.io("counter register \(register): got \(r.count) of \(words) words") }
        return words == 1 ? UInt64(r[0]) : UInt64(r[0]) << 16 | UInt64(r[1])
    }
}
