/// Number formatting for explanations, without Foundation's String(format:) on the hot path.

/// One decimal: 7 → "7.0", 31.64 → "31.6", -0.04 → "0.0".
@inline(__always)
func fmt1(_ x: Double) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
    guard abs(x) < 1e15 else { return String(x) }
    let r = Int((x * 10).rounded())
    if r == 0 { return "0.0" }
    let a = abs(r)
    return (r < 0 ? "-" : "") + String(a / 10) + "." + String(a % 10)
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
