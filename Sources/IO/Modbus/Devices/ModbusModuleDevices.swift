import Foundation
import KwartierCore

/// A relay contact on a Modbus coil (SPEC §5 `outputs: relayN: { modbus_coil: … }`). It shares
/// the worker of its bus or TCP endpoint with the charge points there.
// unchecked: a libmodbus device, used only on its worker's thread.
public final class ModbusCoilOutput: RelayOutputDevice, @unchecked Sendable {
    public let id: String
    public let channel: ModbusChannel
    public let coil: Int
    public init(id: String, channel: ModbusChannel, coil: Int) { self.id = id; self.channel = channel; self.coil = coil }
    public func set(_ on: Bool) throws {
        try channel.worker.perform(timeout: channel.responseTimeoutS + channel.worker.options.connectTimeoutS) {
            try self.channel.writeCoil(address: self.coil, value: on)
        }
    }
}

/// An S0 pulse counter kept by a Modbus digital-input module: one register (16-bit, wraps) or
/// two (32-bit, high word first), read as input (function 4) or holding (function 3) registers.
/// Like every Modbus device it runs on the worker of its bus or TCP endpoint, so a counter on a
/// line that also carries chargers never puts a frame on the line while another is under way.
// unchecked: a libmodbus device, used only on its worker's thread.
public final class ModbusCounterInput: PulseCounterDevice, @unchecked Sendable {
    public enum Function: String, Sendable { case input, holding }
    public let id: String
    public let channel: ModbusChannel
    public let register: Int
    public let words: Int
    public let function: Function

    public init(id: String, channel: ModbusChannel, register: Int, words: Int = 2, function: Function = .input) {
        self.id = id; self.channel = channel; self.register = register
        self.words = words == 1 ? 1 : 2; self.function = function
    }

    /// Reads the counter (on the worker's thread; from another thread the call is handed over and waited for).
    public func readCount() throws -> UInt64 {
        let r = try channel.readRegisters(function == .input ? .input : .holding, address: register, count: words)
        return try Self.count(r, words: words, register: register)
    }

    /// The count in the registers read: one word, or two with the high word first.
    static func count(_ r: [UInt16], words: Int, register: Int) throws -> UInt64 {
        guard r.count == words else { throw DeviceError.io("counter register \(register): got \(r.count) of \(words) words") }
        return words == 1 ? UInt64(r[0]) : UInt64(r[0]) << 16 | UInt64(r[1])
    }
}
