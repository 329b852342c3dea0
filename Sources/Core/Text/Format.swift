import Foundation

/// Number and duration texts, one of each for the whole hub: the dashboard, the explanations,
/// the relay reasons and the simulation report all format through here, so one value reads the
/// same everywhere.
///
/// The free functions (`fmt1`, `fmtTenths`, `fmtLimit`, `fmtDuration`, `secs`) are the
/// explanations' hot path: one decimal without Foundation's String(format:), rounding half away
/// from zero. `TextFormat` is the general form, `%.Nf` without a minus on zero.
public enum TextFormat {
    /// `%.Nf` without the minus on a value that rounds to zero: a meter's -0.04 A reads "0.0",
    /// not "-0.0" (a sign that flickers with noise and means nothing).
    public static func fixed(_ v: Double, _ decimals: Int) -> String {
        let s = String(format: "%.\(decimals)f", v)
        if s.hasPrefix("-") && s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(s.dropFirst()) }
        return s
    }

    /// Watts as kilowatts with one decimal and the unit, for reason texts: 1540 → "1.5 kW",
    /// -20 → "0.0 kW".
    public static func kW(watts: Double) -> String { fmt1(watts / 1000) + " kW" }

    /// An age for a status line (rounded down, at most three columns of digits): "3 s", "12 min", "2 h";
    /// "never" for none.
    public static func age(_ s: Double?) -> String {
        guard let s else { return "never" }
        if s < 100 { return "\(Int(s.rounded(.down))) s" }
        if s < 6000 { return "\(Int(s / 60)) min" }
        return "\(Int(s / 3600)) h"
    }

    /// A time left, compact for reason texts (rounded up): "45s", "4m10s", "1h00m".
    public static func compactDuration(_ s: Double) -> String {
        let t = s.isFinite ? Int(min(max(0, s), 1e9).rounded(.up)) : 0
        if t < 60 { return "\(t)s" }
        if t < 3600 { return "\(t / 60)m" + twoDigits(t % 60) + "s" }
        return "\(t / 3600)h" + twoDigits((t % 3600) / 60) + "m"
    }

    /// A simulated span: "1 day", "7 days", "6 h", "1.5 h".
    public static func span(hours: Double) -> String {
        if hours >= 24, (hours / 24).rounded() == hours / 24 {
            let d = Int(hours / 24)
            return "\(d) day\(d == 1 ? "" : "s")"
        }
        return fixed(hours, hours.rounded() == hours ? 0 : 1) + " h"
    }

    /// A number as a person reads a setting or a register: whole numbers plain ("16", "-1020"),
    /// others with at most `maxDecimals` decimals, trailing zeros dropped ("230.1", "0.013").
    public static func plain(_ v: Double, maxDecimals: Int = 3) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        guard v.isFinite else { return String(v) }
        var s = fixed(v, maxDecimals)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// 0...99 as two digits: 5 → "05".
    public static func twoDigits(_ v: Int) -> String { v < 10 && v >= 0 ? "0\(v)" : "\(v)" }
}

/// One decimal: 7 → "7.0", 31.64 → "31.6", -0.04 → "0.0".
@inline(__always)
func fmt1(_ x: Double) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
    guard abs(x) < 1e15 else { return String(x) }
    return fmtTenths(Int((x * 10).rounded()))
}

/// A whole number of tenths with one decimal: 316 → "31.6", -5 → "-0.5", 0 → "0.0".
/// The text `fmt1` gives for every finite x with |x| < 1e15, from r = (x * 10).rounded(); built
/// in one small buffer (explanations are made for every point on every decision).
func fmtTenths(_ r: Int) -> String {
    if r == 0 { return "0.0" }
    var a = r.magnitude
    // 20 digits for UInt64, a sign and a point.
    return String(unsafeUninitializedCapacity: 22) { buf in
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &tmp) { rev in
            var n = 0
            rev[n] = UInt8(ascii: "0") &+ UInt8(a % 10); n += 1; a /= 10
            rev[n] = UInt8(ascii: "."); n += 1
            repeat { rev[n] = UInt8(ascii: "0") &+ UInt8(a % 10); n += 1; a /= 10 } while a > 0
            if r < 0 { rev[n] = UInt8(ascii: "-"); n += 1 }
            for j in 0..<n { buf[j] = rev[n - 1 - j] }
            return n
        }
    }
}

/// A limit as configured: whole numbers without decimals ("32"), else one decimal ("31.5").
@inline(__always)
func fmtLimit(_ x: Double) -> String {
    if x.isFinite, x == x.rounded(), abs(x) < 1e9 { return String(Int(x)) }
    return fmt1(x)
}

/// A wait for explanations (rounded up), whole seconds or minutes: 45 → "45 s", 720 → "12 min".
func fmtDuration(_ s: Double) -> String {
    let v = s.isFinite ? min(max(0, s), 1e9) : 0
    if v < 120 { return String(Int(v.rounded(.up))) + " s" }
    return String(Int((v / 60).rounded(.up))) + " min"
}

/// Whole seconds for texts, safe for any input (never traps on inf/NaN).
@inline(__always)
func secs(_ s: Double) -> Int { s.isFinite ? Int(min(max(s, 0), 1e9).rounded()) : 0 }
