import CModbus
import Dispatch
import Foundation
import KwartierCore

/// `CoilBus` over libmodbus: one context per instance, used only on its own serial queue
/// (libmodbus contexts are not thread-safe). Connects on first use and again after a
/// connection error; a Modbus exception (the device answered "no") keeps the connection.
public final class LibmodbusCoilBus: CoilBus {
    public enum Endpoint: Sendable, Equatable, CustomStringConvertible {
        case tcp(host: String, port: Int)
        case rtu(device: String, serial: SerialSettings)
        public var description: String {
            switch self {
            case let .tcp(h, p): return "tcp \(h):\(p)"
            case let .rtu(d, s): return "rtu \(d) @ \(s)"
            }
        }
    }

    public let endpoint: Endpoint
    public let timeoutS: Double
    private let queue: DispatchQueue
    private var ctx: OpaquePointer?

    public init(_ endpoint: Endpoint, timeoutS: Double = 1.0) {
        self.endpoint = endpoint; self.timeoutS = timeoutS
        queue = DispatchQueue(label: "kwartier.relays.modbus \(endpoint)")
    }

    deinit { queue.sync { closeLocked() } }

    public func writeCoil(unit: Int, address: Int, on: Bool) throws {
        try call("write coil \(address) = \(on ? 1 : 0) (unit \(unit))", unit: unit) { c in
            modbus_write_bit(c, Int32(address), on ? 1 : 0)
        }
    }

    public func readCoils(unit: Int, address: Int, count: Int) throws -> [Bool] {
        var bits = [UInt8](repeating: 0, count: max(count, 1))
        try call("read \(count) coils at \(address) (unit \(unit))", unit: unit) { c in
            modbus_read_bits(c, Int32(address), Int32(count), &bits)
        }
        return bits.prefix(count).map { $0 != 0 }
    }

    public func readInputRegisters(unit: Int, address: Int, count: Int) throws -> [UInt16] {
        var regs = [UInt16](repeating: 0, count: max(count, 1))
        try call("read \(count) input registers at \(address) (unit \(unit))", unit: unit) { c in
            modbus_read_input_registers(c, Int32(address), Int32(count), &regs)
        }
        return Array(regs.prefix(count))
    }

    public func readHoldingRegisters(unit: Int, address: Int, count: Int) throws -> [UInt16] {
        var regs = [UInt16](repeating: 0, count: max(count, 1))
        try call("read \(count) holding registers at \(address) (unit \(unit))", unit: unit) { c in
            modbus_read_registers(c, Int32(address), Int32(count), &regs)
        }
        return Array(regs.prefix(count))
    }

    /// Runs one libmodbus call on the queue; -1 becomes a readable `DeviceError`.
    private func call(_ what: String, unit: Int, _ body: (OpaquePointer) -> Int32) throws {
        try queue.sync {
            let c = try connectedLocked()
            modbus_set_slave(c, Int32(unit))
            if body(c) >= 0 { return }
            let code = errno
            let text = String(cString: modbus_strerror(code))
            let isException = code > MODBUS_ENOBASE && code <= MODBUS_ENOBASE + 11
            if isException { throw DeviceError.exception("\(endpoint): \(what): Modbus exception: \(text)") }
            // Link trouble: start from a fresh connection next time.
            closeLocked()
            if code == ETIMEDOUT { throw DeviceError.timeout("\(endpoint): \(what): no answer within \(timeoutS) s") }
            throw DeviceError.io("\(endpoint): \(what): \(text)")
        }
    }

    private func connectedLocked() throws -> OpaquePointer {
        if let c = ctx { return c }
        let made: OpaquePointer?
        switch endpoint {
        case let .tcp(host, port):
            made = modbus_new_tcp_pi(host, String(port))
        case let .rtu(device, s):
            let parity: CChar = s.parity == .even ? 69 : s.parity == .odd ? 79 : 78   // 'E' 'O' 'N'
            made = modbus_new_rtu(device, Int32(s.baud), parity, Int32(s.dataBits), Int32(s.stopBits))
        }
        guard let c = made else {
            throw DeviceError.io("\(endpoint): cannot create a Modbus context: \(String(cString: modbus_strerror(errno)))")
        }
        let whole = UInt32(timeoutS), frac = UInt32((timeoutS - Double(whole)) * 1_000_000)
        modbus_set_response_timeout(c, whole, frac)
        if modbus_connect(c) != 0 {
            let text = String(cString: modbus_strerror(errno))
            modbus_free(c)
            throw DeviceError.io("\(endpoint): cannot connect: \(text)")
        }
        ctx = c   // assigned only once connected (no half-built context to free twice)
        return c
    }

    private func closeLocked() {
        if let c = ctx { modbus_close(c); modbus_free(c); ctx = nil }
    }
}
