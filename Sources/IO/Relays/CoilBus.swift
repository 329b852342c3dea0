import KwartierCore

/// The few Modbus calls relay outputs and pulse counters need, kept small so the runtime can
/// later route them through the shared Modbus worker (one owner per RS485 bus / TCP endpoint).
/// Calls block up to the response timeout: call them from an I/O thread, never the control loop.
public protocol CoilBus: AnyObject {
    /// Function 5, write single coil.
    func writeCoil(unit: Int, address: Int, on: Bool) throws
    /// Function 1, read coils.
    func readCoils(unit: Int, address: Int, count: Int) throws -> [Bool]
    /// Function 4, read input registers.
    func readInputRegisters(unit: Int, address: Int, count: Int) throws -> [UInt16]
    /// Function 3, read holding registers.
    func readHoldingRegisters(unit: Int, address: Int, count: Int) throws -> [UInt16]
}
