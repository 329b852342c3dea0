import Foundation
import KwartierCore

/// A decoded register value.
public enum RegisterValue: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case text(String)
    /// The device says "no value" (a NaN sentinel such as 0xFFFFFFFF, or a float NaN).
    case unavailable

    public var number: Double? { if case .number(let v) = self { return v } else { return nil } }
    public var text: String? {
        switch self {
        case .text(let s): return s
        case .number(let v): return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        case .unavailable: return nil
        }
    }
    public var description: String {
        switch self {
        case .number(let v): return TextFormat.plain(v)
        case .text(let s): return "\"\(s)\""
        case .unavailable: return "n/a"
        }
    }
}

public enum RegisterCodecError: Error, Equatable, CustomStringConvertible {
    case wrongLength(expected: Int, got: Int)
    case outOfRange(value: Double, type: RegisterType)
    case notANumber
    case textTooLong(String, registers: Int)

    public var description: String {
        switch self {
        case let .wrongLength(e, g): return "expected \(e) registers, got \(g)"
        case let .outOfRange(v, t): return "\(TextFormat.plain(v)) does not fit in \(t)"
        case .notANumber: return "the value is not a finite number"
        case let .textTooLong(s, n): return "'\(s)' does not fit in \(n) registers"
        }
    }
}

/// Pure conversions between 16-bit registers and engineering values (no I/O).
public enum RegisterCodec {
    /// The raw integer of the registers, words put in most-significant-first order.
    public static func raw(_ words: [UInt16], order: WordOrder) -> UInt64 {
        let ordered = order == .big ? words : words.reversed()
        return ordered.reduce(UInt64(0)) { ($0 << 16) | UInt64($1) }
    }

    /// Splits a raw integer of `count` words into registers in the given word order.
    public static func words(_ raw: UInt64, count: Int, order: WordOrder) -> [UInt16] {
        var out: [UInt16] = []
        for i in (0..<count).reversed() { out.append(UInt16(truncatingIfNeeded: raw >> (16 * UInt64(i)))) }
        return order == .big ? out : out.reversed()
    }

    public static func decode(_ words: [UInt16], as spec: RegisterSpec) throws -> RegisterValue {
        guard words.count == spec.length else { throw RegisterCodecError.wrongLength(expected: spec.length, got: words.count) }
        if spec.type == .string { return .text(text(words)) }
        let raw = self.raw(words, order: spec.wordOrder)
        if spec.nan.contains(raw) { return .unavailable }
        let value: Double
        switch spec.type {
        case .float32:
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: raw))
            guard !f.isNaN else { return .unavailable }
            value = Double(f)
        case .float64:
            let d = Double(bitPattern: raw)
            guard !d.isNaN else { return .unavailable }
            value = d
        default:
            if spec.shift != 0 || spec.mask != nil {
                var v = raw >> UInt64(spec.shift)
                if let m = spec.mask { v &= m }
                value = Double(v)
            } else {
                value = integer(raw, type: spec.type)
            }
        }
        return .number(value * spec.scale)
    }

    /// The registers that carry `value` (engineering units) for a write.
    public static func encode(_ value: Double, as spec: RegisterSpec) throws -> [UInt16] {
        guard value.isFinite else { throw RegisterCodecError.notANumber }
        let scaled = spec.scale == 0 ? value : value / spec.scale
        let n = spec.type.registers
        switch spec.type {
        case .float32:
            let f = Float(scaled)
            guard f.isFinite else { throw RegisterCodecError.outOfRange(value: value, type: spec.type) }
            return words(UInt64(f.bitPattern), count: n, order: spec.wordOrder)
        case .float64:
            return words(scaled.bitPattern, count: n, order: spec.wordOrder)
        case .string:
            throw RegisterCodecError.notANumber
        case .bit:
            return [scaled != 0 ? 1 : 0]
        default:
            let r = scaled.rounded()
            let bits = 16 * n
            if spec.type.isSigned {
                let lo = -pow(2.0, Double(bits - 1)), hi = pow(2.0, Double(bits - 1)) - 1
                guard r >= lo, r <= hi else { throw RegisterCodecError.outOfRange(value: value, type: spec.type) }
                var raw = UInt64(bitPattern: Int64(r))
                if bits < 64 { raw &= (UInt64(1) << UInt64(bits)) - 1 }
                return words(raw << UInt64(spec.shift), count: n, order: spec.wordOrder)
            } else {
                let hi = bits == 64 ? 18446744073709549568.0 : pow(2.0, Double(bits)) - 1
                guard r >= 0, r <= hi else { throw RegisterCodecError.outOfRange(value: value, type: spec.type) }
                return words(UInt64(r) << UInt64(spec.shift), count: n, order: spec.wordOrder)
            }
        }
    }

    /// ASCII text of registers: high byte first, NULs dropped, trimmed.
    public static func text(_ words: [UInt16]) -> String {
        var bytes: [UInt8] = []
        for w in words { bytes.append(UInt8(w >> 8)); bytes.append(UInt8(w & 0xFF)) }
        let chars = bytes.filter { $0 != 0 }.map { $0 < 0x80 && $0 >= 0x20 ? Character(UnicodeScalar($0)) : "?" }
        return String(chars).trimmingCharacters(in: .whitespaces)
    }

    /// Registers for text, padded with NULs.
    public static func encodeText(_ s: String, registers: Int) throws -> [UInt16] {
        let bytes = Array(s.utf8)
        guard bytes.count <= registers * 2 else { throw RegisterCodecError.textTooLong(s, registers: registers) }
        let padded = bytes + Array(repeating: 0, count: registers * 2 - bytes.count)
        return (0..<registers).map { UInt16(padded[2 * $0]) << 8 | UInt16(padded[2 * $0 + 1]) }
    }

    static func integer(_ raw: UInt64, type: RegisterType) -> Double {
        switch type {
        case .s16: return Double(Int16(truncatingIfNeeded: raw))
        case .s32: return Double(Int32(truncatingIfNeeded: raw))
        case .s64: return Double(Int64(bitPattern: raw))
        case .u16: return Double(UInt16(truncatingIfNeeded: raw))
        case .u32: return Double(UInt32(truncatingIfNeeded: raw))
        default: return Double(raw)
        }
    }
}
