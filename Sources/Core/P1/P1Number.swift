/// A decimal number exactly as the meter sent it (`000301.548` = mantissa 301548, scale 3), so
/// it can be printed back without rounding and compared exactly; `double` for arithmetic.
public struct P1Number: Hashable, Sendable, CustomStringConvertible {
    public var mantissa: Int64
    /// Digits after the decimal point (0...18).
    public var scale: Int8

    public init(mantissa: Int64, scale: Int8) { self.mantissa = mantissa; self.scale = scale }

    static let pow10: [Double] = (0...18).map { e in (0..<e).reduce(1.0) { acc, _ in acc * 10 } }

    /// Correctly rounded: mantissa (< 2^53 for up to 15 digits) and 10^scale are exact doubles.
    public var double: Double { Double(mantissa) / P1Number.pow10[Int(scale)] }

    /// Plain decimal text: no leading zeros, the sent number of decimals ("0.27", "999.9", "0").
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        append(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the decimal text (a valid JSON number) to a byte buffer.
    public func append(to out: inout [UInt8]) {
        var m = mantissa
        if m < 0 { out.append(UInt8(ascii: "-")); m = -m }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat { d[n] = UInt8(m % 10) + 48; m /= 10; n += 1 } while m > 0
            let s = Int(scale)
            while n <= s { d[n] = 48; n += 1 }          // at least one digit before the point
            var k = n - 1
            while k >= 0 {
                out.append(d[k])
                if k == s && s > 0 { out.append(UInt8(ascii: ".")) }
                k -= 1
            }
        }
    }

    /// Parses `-?digits(.digits)?` (at most 18 digits) in p[from..<to]; nil otherwise.
    static func parse(_ p: UnsafeRawBufferPointer, from: Int, to: Int) -> P1Number? {
        var i = from
        guard i < to else { return nil }
        var negative = false
        if p[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var m: Int64 = 0
        var digits = 0
        var scale = -1
        while i < to {
            let ch = p[i]
            if ch >= 48 && ch <= 57 {
                if digits == 0 && ch == 48 && scale < 0 {
                    // leading zeros do not count against the digit budget
                } else {
                    digits += 1
                    if digits > 18 { return nil }
                }
                m = m &* 10 &+ Int64(ch &- 48)
                if scale >= 0 { scale += 1 }
            } else if ch == UInt8(ascii: ".") && scale < 0 {
                scale = 0
            } else {
                return nil
            }
            i += 1
        }
        let hasDigit = (to - from) > (negative ? 1 : 0) + (scale >= 0 ? 1 : 0)
        guard hasDigit, scale != 0, scale <= 18 else { return nil }
        return P1Number(mantissa: negative ? -m : m, scale: Int8(max(scale, 0)))
    }
}

/// Units as meters send them; values are normalised to kWh / kW / V / A / m3 in `P1Reading`.
public enum P1Unit: Hashable, Sendable, CustomStringConvertible {
    case kWh, Wh, kW, W, V, A, m3, GJ, s, kvarh, varh, kvar, `var`, Hz
    case other(String)

    public var description: String {
        switch self {
        case .kWh: return "kWh"
        case .Wh: return "Wh"
        case .kW: return "kW"
        case .W: return "W"
        case .V: return "V"
        case .A: return "A"
        case .m3: return "m3"
        case .GJ: return "GJ"
        case .s: return "s"
        case .kvarh: return "kvarh"
        case .varh: return "varh"
        case .kvar: return "kvar"
        case .var: return "var"
        case .Hz: return "Hz"
        case .other(let u): return u
        }
    }

    /// Matches the common units on their bytes; anything else becomes `.other`.
    static func parse(_ p: UnsafeRawBufferPointer, from: Int, to: Int) -> P1Unit {
        let n = to - from
        @inline(__always) func at(_ k: Int) -> UInt8 { p[from + k] }
        switch n {
        case 1:
            switch at(0) {
            case 0x57: return .W          // W
            case 0x56: return .V          // V
            case 0x41: return .A          // A
            case 0x73: return .s          // s
            default: break
            }
        case 2:
            if at(0) == 0x6B && at(1) == 0x57 { return .kW }
            if at(0) == 0x57 && at(1) == 0x68 { return .Wh }
            if at(0) == 0x6D && at(1) == 0x33 { return .m3 }
            if at(0) == 0x47 && at(1) == 0x4A { return .GJ }
            if at(0) == 0x48 && at(1) == 0x7A { return .Hz }
        case 3:
            if at(0) == 0x6B && at(1) == 0x57 && at(2) == 0x68 { return .kWh }
            if at(0) == 0x76 && at(1) == 0x61 && at(2) == 0x72 { return .var }
        case 4:
            if at(0) == 0x6B && at(1) == 0x76 && at(2) == 0x61 && at(3) == 0x72 { return .kvar }
            if at(0) == 0x76 && at(1) == 0x61 && at(2) == 0x72 && at(3) == 0x68 { return .varh }
        case 5:
            if at(0) == 0x6B && at(1) == 0x76 && at(2) == 0x61 && at(3) == 0x72 && at(4) == 0x68 { return .kvarh }
        default: break
        }
        return .other(String(decoding: UnsafeRawBufferPointer(rebasing: p[from..<to]), as: UTF8.self))
    }
}
