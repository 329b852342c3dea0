/// Number formatting for explanations, without Foundation's String(format:) on the hot path.

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

/// Whole seconds or minutes for waiting texts: 45 → "45 s", 720 → "12 min".
func fmtDuration(_ s: Double) -> String {
    let v = s.isFinite ? min(max(0, s), 1e9) : 0
    if v < 120 { return String(Int(v.rounded(.up))) + " s" }
    return String(Int((v / 60).rounded(.up))) + " min"
}

/// Whole seconds for texts, safe for any input (never traps on inf/NaN).
@inline(__always)
func secs(_ s: Double) -> Int { s.isFinite ? Int(min(max(s, 0), 1e9).rounded()) : 0 }
