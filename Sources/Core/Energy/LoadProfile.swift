import Foundation

/// One recorded quarter's house load (kW: without PV, battery and cars).
public struct HouseLoadQuarter: Equatable, Sendable {
    public var start: Date
    public var kw: Double
    public init(start: Date, kw: Double) { self.start = start; self.kw = kw }
}

/// The house's load per weekday and local quarter of the day, from the history's recorded
/// quarters of the last weeks: the median per (weekday, quarter), else — a weekday with too few
/// samples in that quarter — the median of every day's same quarter, else nothing (the caller's
/// flat load). The median, not the mean: one unusual evening (a party, a sauna) must not move
/// the forecast of every such evening.
public struct LoadProfile: Equatable, Sendable {
    public static let defaultWeeks = 4
    /// Samples a (weekday, quarter) needs before its own median is trusted.
    public static let minWeekdaySamples = 2
    public let weeks: Int
    public let timeZone: TimeZone
    /// kW per weekday (0 = Sunday … 6 = Saturday) and local quarter of the day (0…95); nil with too few samples.
    public let byWeekday: [[Double?]]
    /// kW per local quarter of the day over all days; nil with none.
    public let byQuarter: [Double?]
    /// Recorded quarters the profile was made of.
    public let samples: Int

    /// The profile of the quarters that started in the `weeks` weeks before `now`.
    public init(quarters: [HouseLoadQuarter], now: Date, weeks: Int = defaultWeeks, timeZone: TimeZone) {
        self.weeks = weeks; self.timeZone = timeZone
        let from = Self.windowStart(now: now, weeks: weeks)
        var day = Array(repeating: Array(repeating: [Double](), count: 96), count: 7)
        var all = Array(repeating: [Double](), count: 96)
        var n = 0
        for q in quarters where q.start >= from && q.start < now && q.kw.isFinite {
            let (w, k) = Self.slot(q.start, timeZone)
            day[w][k].append(q.kw); all[k].append(q.kw); n += 1
        }
        byWeekday = day.map { $0.map { $0.count >= Self.minWeekdaySamples ? Self.median($0) : nil } }
        byQuarter = all.map { $0.isEmpty ? nil : Self.median($0) }
        samples = n
    }

    /// The forecast load (kW) of the quarter starting at `start`, nil when the history has none.
    public func loadKW(at start: Date) -> Double? {
        let (w, k) = Self.slot(start, timeZone)
        return byWeekday[w][k] ?? byQuarter[k]
    }

    public var isEmpty: Bool { samples == 0 }

    /// The first instant of the quarters a profile of `weeks` weeks before `now` is made of.
    public static func windowStart(now: Date, weeks: Int) -> Date { now.addingTimeInterval(-Double(weeks) * 7 * 86_400) }

    /// The local weekday (0 = Sunday) and quarter of the day (a DST day's repeated hour shares its quarters).
    static func slot(_ t: Date, _ tz: TimeZone) -> (weekday: Int, quarter: Int) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        let c = cal.dateComponents([.weekday, .hour, .minute], from: t)
        return ((c.weekday ?? 1) - 1, (c.hour ?? 0) * 4 + (c.minute ?? 0) / 15)
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted(), m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }

    /// A quarter's house load (kW) from what the history records of it: grid import − export +
    /// PV + battery discharge − battery charge − the cars (kWh per measuring point id, the
    /// charge points' ids in `carIds`). Measuring points not recorded count as 0. Never
    /// negative: meters read at different instants can make a small quarter's sum dip below 0.
    public static func houseLoadKW(importKWh: Double, exportKWh: Double, energy: [String: Double], carIds: Set<String>) -> Double {
        var kwh = importKWh - exportKWh + (energy["pv"] ?? 0) + (energy["battery.discharge"] ?? 0) - (energy["battery.charge"] ?? 0)
        for (id, v) in energy where carIds.contains(id) { kwh -= v }
        return max(0, kwh * 4)
    }
}
