import Foundation
import KwartierCore

/// Number formatting shared by every screen, so the same value reads the same everywhere (and
/// tests can format the preview's state the same way). Fixed widths avoid jitter: a value that
/// changes keeps its columns, so a redraw costs only the changed digits.
public enum Fmt {
    /// kW with one decimal from watts: 5123 → "5.1".
    public static func kW(_ watts: Double) -> String { fixed(watts / 1000, 1) }
    /// kW with one decimal from kW.
    public static func kWv(_ kw: Double) -> String { fixed(kw, 1) }
    /// Amperes with one decimal.
    public static func amps(_ a: Double) -> String { fixed(a, 1) }
    /// Whole amperes ("16").
    public static func ampsInt(_ a: Double) -> String { fixed(a, 0) }
    public static func kWh(_ v: Double) -> String { fixed(v, 1) }

    /// `%.Nf` without the minus on zero (Core's TextFormat.fixed: one formatter for the hub).
    public static func fixed(_ v: Double, _ decimals: Int) -> String { TextFormat.fixed(v, decimals) }
    public static func ms(_ v: Double?) -> String { v.map { $0 < 100 ? String(format: "%.1f", $0) : String(format: "%.0f", $0) } ?? "-" }
    /// A byte counter in B/k/M.
    public static func bytes(_ v: UInt64) -> String {
        if v < 10_000 { return "\(v)" }
        if v < 10_000_000 { return "\(v / 1000)k" }
        return "\(v / 1_000_000)M"
    }
    /// Pads on the left to `n` columns (right-aligned numbers).
    public static func lpad(_ s: String, _ n: Int) -> String {
        let c = s.count
        return c >= n ? s : String(repeating: " ", count: n - c) + s
    }
    /// Pads on the right to `n` columns.
    public static func rpad(_ s: String, _ n: Int) -> String {
        let c = s.count
        return c >= n ? s : s + String(repeating: " ", count: n - c)
    }

    nonisolated(unsafe) private static var calendarCache: Calendar = {
        var c = Calendar(identifier: .gregorian); c.timeZone = .current; return c
    }()
    /// Shows times on the site's clock (the meter's time zone) rather than the host's.
    public static func useTimeZone(_ tz: TimeZone) { calendarCache.timeZone = tz }
    public static var timeZone: TimeZone { calendarCache.timeZone }

    /// "14:03:27" in local time.
    public static func clock(_ d: Date) -> String {
        let c = calendarCache.dateComponents([.hour, .minute, .second], from: d)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
    /// "14:15" in local time.
    public static func hm(_ d: Date) -> String {
        let c = calendarCache.dateComponents([.hour, .minute], from: d)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }
    /// "03-12 18:15" (month-day hour:minute) in local time.
    public static func dayHM(_ d: Date) -> String {
        let c = calendarCache.dateComponents([.month, .day, .hour, .minute], from: d)
        return String(format: "%02d-%02d %02d:%02d", c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}
