import Foundation
import KwartierCore

/// A failed Modbus transaction, told the way a technician needs it:
/// "cp3 (Alfen 192.168.1.50 unit 1): illegal data address 1210 — is 'Active Load Balancing' enabled?"
public struct ModbusFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The device answered with a Modbus exception (code 1…11).
        case exception(Int)
        /// No (complete) answer within the response timeout.
        case timeout
        /// The TCP connection or the serial port could not be opened.
        case connect
        /// A broken answer (CRC, wrong length, wrong transaction) or a socket error.
        case io
        /// Not tried: the job's deadline had passed, or the device is lost and waits for its next probe.
        case skipped
        /// A value could not be encoded/decoded, or the request is impossible.
        case invalid
    }

    public var kind: Kind
    /// Who: "cp3 (Alfen 192.168.1.50 unit 1)".
    public var device: String
    /// What was asked: "read holding 1210", "write holding 1210".
    public var operation: String
    public var address: Int?
    /// Technical detail (errno text, retry time …).
    public var detail: String?
    /// The profile's hint for this failure.
    public var hint: String?

    public init(kind: Kind, device: String, operation: String, address: Int? = nil, detail: String? = nil, hint: String? = nil) {
        self.kind = kind; self.device = device; self.operation = operation; self.address = address
        self.detail = detail; self.hint = hint
    }

    /// Names usable as hint keys in a profile (`hints: { illegal-data-address@1210: "…" }`).
    public static let hintKeys = ["illegal-function", "illegal-data-address", "illegal-data-value", "server-failure",
                                  "acknowledge", "server-busy", "gateway-path", "gateway-target", "timeout", "connect"]

    public static func exceptionName(_ code: Int) -> String {
        switch code {
        case 1: return "illegal function"
        case 2: return "illegal data address"
        case 3: return "illegal data value"
        case 4: return "server failure"
        case 5: return "acknowledge"
        case 6: return "server busy"
        case 8: return "memory parity error"
        case 10: return "gateway path unavailable"
        case 11: return "gateway target did not respond"
        default: return "exception \(code)"
        }
    }

    /// The key under which a profile gives a hint for this failure.
    public var hintKey: String? {
        switch kind {
        case .exception(let c):
            switch c {
            case 1: return "illegal-function"
            case 2: return "illegal-data-address"
            case 3: return "illegal-data-value"
            case 4: return "server-failure"
            case 5: return "acknowledge"
            case 6: return "server-busy"
            case 10: return "gateway-path"
            case 11: return "gateway-target"
            default: return nil
            }
        case .timeout: return "timeout"
        case .connect: return "connect"
        default: return nil
        }
    }

    public var description: String {
        var s = "\(device): "
        switch kind {
        case .exception(let c):
            let name = Self.exceptionName(c)
            if c == 2, let a = address { s += "\(name) \(a)" } else { s += "\(name) (\(operation))" }
        case .timeout: s += "no answer to \(operation)"
        case .connect: s += "cannot connect"
        case .io: s += "bad answer to \(operation)"
        case .skipped: s += "\(operation) not sent"
        case .invalid: s += "\(operation) impossible"
        }
        if let d = detail, !d.isEmpty { s += ": \(d)" }
        if let h = hint, !h.isEmpty { s += " — \(h)" }
        return s
    }

    /// The same failure in the Core's vocabulary (for callers that only know `DeviceError`).
    public var deviceError: DeviceError {
        switch kind {
        case .timeout, .skipped: return .timeout(description)
        case .exception: return .exception(description)
        default: return .io(description)
        }
    }

    /// The device did not answer at all (counts toward `lost`).
    public var isSilence: Bool { kind == .timeout || kind == .connect || kind == .skipped }
}
