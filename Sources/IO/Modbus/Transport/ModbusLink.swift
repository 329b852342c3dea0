import CModbus
import Foundation
import KwartierCore
#if canImport(Glibc)
import Glibc
#endif

/// One libmodbus context: a TCP connection or an open serial port. Not thread-safe (libmodbus
/// contexts are not): only its `ModbusWorker`'s thread touches it. Calls block up to the timeout.
final class ModbusLink {
    enum Endpoint: Equatable, CustomStringConvertible {
        case tcp(host: String, port: Int)
        case rtu(device: String, serial: SerialSettings)
        var description: String {
            switch self {
            case let .tcp(h, p): return "\(h):\(p)"
            case let .rtu(d, s): return "\(d) @ \(s)"
            }
        }
    }

    /// What went wrong in libmodbus terms; the channel turns it into a `ModbusFailure`.
    struct LinkError: Error {
        enum Kind { case exception(Int), timeout, connect, io }
        var kind: Kind
        var text: String
    }

    private(set) var endpoint: Endpoint
    private var ctx: OpaquePointer?
    private(set) var connected = false

    init(_ endpoint: Endpoint) { self.endpoint = endpoint }
    deinit { close() }

    /// Opens the connection/port. The TCP connect waits at most `timeout` (libmodbus uses the
    /// response timeout for its non-blocking connect).
    func connect(timeout: Double) throws {
        close()
        let c: OpaquePointer?
        switch endpoint {
        case let .tcp(host, port):
            c = modbus_new_tcp_pi(host, String(port))
        case let .rtu(device, s):
            let parity: CChar = s.parity == .none ? 78 : (s.parity == .even ? 69 : 79)  // N E O
            c = modbus_new_rtu(device, Int32(s.baud), parity, Int32(s.dataBits), Int32(s.stopBits))
        }
        guard let c else {
            throw LinkError(kind: .connect, text: "libmodbus refused the settings (\(Self.lastError()))")
        }
        Self.setTimeout(c, timeout)
        if modbus_connect(c) != 0 {
            let text = Self.lastError()
            modbus_free(c)
            throw LinkError(kind: .connect, text: text)
        }
        ctx = c   // assigned only once connected: a throwing path never leaves a context to free twice
        connected = true
    }

    func close() {
        if let c = ctx {
            modbus_close(c)
            modbus_free(c)
        }
        ctx = nil
        connected = false
    }

    /// Switches a serial link to other line settings (close, new context, reopen).
    func reconfigure(_ e: Endpoint) {
        if e != endpoint { close(); endpoint = e }
    }

    /// Discards unread bytes (a late answer after a timeout must not be taken for the next one).
    func flush() { if let c = ctx { _ = modbus_flush(c) } }

    func readRegisters(input: Bool, unit: Int, address: Int, count: Int, timeout: Double) throws -> [UInt16] {
        let c = try prepared(unit: unit, timeout: timeout)
        var buf = [UInt16](repeating: 0, count: count)
        let n = buf.withUnsafeMutableBufferPointer { p in
            input ? modbus_read_input_registers(c, Int32(address), Int32(count), p.baseAddress)
                  : modbus_read_registers(c, Int32(address), Int32(count), p.baseAddress)
        }
        guard n == count else { throw failure(n) }
        return buf
    }

    func readBits(discrete: Bool, unit: Int, address: Int, count: Int, timeout: Double) throws -> [Bool] {
        let c = try prepared(unit: unit, timeout: timeout)
        var buf = [UInt8](repeating: 0, count: count)
        let n = buf.withUnsafeMutableBufferPointer { p in
            discrete ? modbus_read_input_bits(c, Int32(address), Int32(count), p.baseAddress)
                     : modbus_read_bits(c, Int32(address), Int32(count), p.baseAddress)
        }
        guard n == count else { throw failure(n) }
        return buf.map { $0 != 0 }
    }

    /// FC6 for one register unless `multiple`, FC16 otherwise.
    func writeRegisters(unit: Int, address: Int, values: [UInt16], multiple: Bool, timeout: Double) throws {
        let c = try prepared(unit: unit, timeout: timeout)
        let n: Int32
        if values.count == 1 && !multiple {
            n = modbus_write_register(c, Int32(address), values[0])
        } else {
            n = values.withUnsafeBufferPointer { modbus_write_registers(c, Int32(address), Int32(values.count), $0.baseAddress) }
        }
        guard n >= 1 else { throw failure(n) }
    }

    func writeBit(unit: Int, address: Int, value: Bool, timeout: Double) throws {
        let c = try prepared(unit: unit, timeout: timeout)
        let n = modbus_write_bit(c, Int32(address), value ? 1 : 0)
        guard n == 1 else { throw failure(n) }
    }

    private func prepared(unit: Int, timeout: Double) throws -> OpaquePointer {
        guard let c = ctx, connected else { throw LinkError(kind: .connect, text: "not connected") }
        modbus_set_slave(c, Int32(unit))
        Self.setTimeout(c, timeout)
        return c
    }

    private func failure(_ rc: Int32) -> LinkError {
        let code = errno
        let text = String(cString: modbus_strerror(code))
        let base = Int32(MODBUS_ENOBASE)
        if code > base && code <= base + 11 {
            return LinkError(kind: .exception(Int(code - base)), text: text)
        }
        if code == ETIMEDOUT { return LinkError(kind: .timeout, text: text) }
        if rc >= 0 { return LinkError(kind: .io, text: "short answer (\(rc) values)") }
        return LinkError(kind: .io, text: text)
    }

    private static func setTimeout(_ c: OpaquePointer, _ seconds: Double) {
        let t = max(0.001, seconds)
        let sec = UInt32(t.rounded(.down))
        let usec = UInt32(((t - Double(sec)) * 1_000_000).rounded())
        modbus_set_response_timeout(c, sec, min(usec, 999_999))
        // Between the bytes of one answer: half the timeout, at most 0.5 s.
        let b = min(0.5, t / 2)
        modbus_set_byte_timeout(c, 0, UInt32(b * 1_000_000))
    }

    private static func lastError() -> String { String(cString: modbus_strerror(errno)) }
}

/// Frame sizes on the wire, to count TX/RX bytes (libmodbus does not report them).
enum FrameSize {
    /// Bytes around a PDU: MBAP header 7 on TCP, address + CRC 3 on RTU.
    static func overhead(tcp: Bool) -> Int { tcp ? 7 : 3 }
    static func readRequest() -> Int { 5 }
    static func readRegistersResponse(_ n: Int) -> Int { 2 + 2 * n }
    static func readBitsResponse(_ n: Int) -> Int { 2 + (n + 7) / 8 }
    static func writeRequest(registers n: Int, multiple: Bool) -> Int { n == 1 && !multiple ? 5 : 6 + 2 * n }
    static func writeResponse() -> Int { 5 }
    static func exceptionResponse() -> Int { 2 }
}
