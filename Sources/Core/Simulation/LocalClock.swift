import Foundation

/// Local wall-clock arithmetic for a simulation stepping every second, without a Calendar call
/// per step: the zone's UTC offset is looked up once per 15 minutes of UTC time (every zone
/// changes its offset on a quarter-hour boundary), the rest is integer arithmetic.
struct LocalClock: Sendable {
    let timeZone: TimeZone
    private var slot = Int.min
    private var offsetS = 0

    init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// Seconds east of UTC at `t`.
    mutating func offset(at t: Date) -> Int {
        let s = Int((t.timeIntervalSince1970 / 900).rounded(.down))
        if s != slot {
            slot = s
            offsetS = timeZone.secondsFromGMT(for: t)
        }
        return offsetS
    }

    /// Whole local seconds since 1970-01-01 00:00 local (the wall clock read as if it were UTC).
    mutating func localSeconds(_ t: Date) -> Int {
        Int(t.timeIntervalSince1970.rounded(.down)) + offset(at: t)
    }

    /// Whole seconds since local midnight.
    mutating func secondsOfDay(_ t: Date) -> Int {
        let l = localSeconds(t)
        return l - Self.floorDiv(l, 86_400) * 86_400
    }

    /// Local weekday as Calendar counts it: 1 = Sunday … 7 = Saturday (1970-01-01 was a Thursday).
    mutating func weekday(_ t: Date) -> Int {
        let days = Self.floorDiv(localSeconds(t), 86_400)
        return (days + 4) - Self.floorDiv(days + 4, 7) * 7 + 1
    }

    /// Local hour of day, fractional (whole seconds), e.g. 13.5 at 13:30:00.
    mutating func hour(_ t: Date) -> Double { Double(secondsOfDay(t)) / 3600 }

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : (a - b + 1) / b }
}
