import Foundation

/// What a real Belgian/Dutch smart meter keeps: energy registers per tariff, the running
/// quarter-hour demand (1-0:1.4.0), this month's peak (1-0:1.6.0) and the 13-month history
/// (0-0:98.1.0). The simulated site's virtual P1 meter encodes these into real telegrams.
public struct VirtualMeterState: Sendable, Equatable {
    public struct MonthPeak: Sendable, Equatable {
        public var monthStart: Date
        public var peakTime: Date?
        public var kw: Double
    }
    public var importKWh: [Double] = [1234.567, 2345.678]   // tariff 1 (day), 2 (night)
    public var exportKWh: [Double] = [456.789, 123.456]
    public var tariff: Int = 1
    public var quarterStart: Date?
    public var quarterImportKWh: Double = 0
    public var monthStart: Date?
    public var monthPeakKW: Double = 0
    public var monthPeakTime: Date?
    public var history: [MonthPeak] = []
    /// Quarter averages completed (kW), newest last — the site's ground truth for reports.
    public var completedQuarters: [(start: Date, kw: Double)] = []
    public let timeZone: TimeZone
    // Per-step work without Calendar calls: the local clock, the month in progress [start, end).
    private var clock: LocalClock
    private var monthRange: (start: Date, end: Date)?
    /// Quarters are whole multiples of 15 min of UTC time when the zone's offset is (all zones today).
    private let quartersOnUTC: Bool

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        clock = LocalClock(timeZone: timeZone)
        quartersOnUTC = timeZone.secondsFromGMT() % 900 == 0
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.importKWh == b.importKWh && a.exportKWh == b.exportKWh && a.quarterImportKWh == b.quarterImportKWh
            && a.monthPeakKW == b.monthPeakKW && a.history == b.history
    }

    /// e-MUCS 1-0:1.4.0: energy imported so far this quarter as an average over the full
    /// quarter (it climbs from 0 and ends at the quarter's average demand).
    public var currentAverageKW: Double { quarterImportKWh / 0.25 }

    /// The power the site may still import for the rest of the running quarter without the
    /// quarter's average going over `sliderKW` (kW); nil before the first sample.
    public func allowedKW(sliderKW: Double, at t: Date) -> Double? {
        guard let qs = quarterStart else { return nil }
        let left = qs.timeIntervalSince(t) + 900
        guard left > 0 else { return nil }
        return max(0, sliderKW * 0.25 - quarterImportKWh) * 3600 / left
    }

    var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        return c
    }

    /// Start of the quarter holding `t` (local wall clock :00/:15/:30/:45): `t` less the
    /// minutes past the quarter and the seconds (right in the repeated autumn hour too).
    public func quarterStart(of t: Date) -> Date {
        let c = calendar.dateComponents([.minute, .second], from: t)
        let into = Double((c.minute ?? 0) % 15 * 60 + (c.second ?? 0))
        let whole = t.timeIntervalSince1970.rounded(.down)
        return Date(timeIntervalSince1970: whole - into)
    }

    func monthStart(of t: Date) -> Date {
        calendar.date(from: calendar.dateComponents([.year, .month], from: t)) ?? t
    }

    /// Integrates `gridW` (+ import) over `dt` seconds ending at `t`.
    public mutating func integrate(gridW: Double, dt: Double, at t: Date) {
        let qs = fastQuarterStart(of: t.addingTimeInterval(-0.001))
        if quarterStart == nil { quarterStart = qs }
        if monthStart == nil { monthStart = cachedMonthStart(of: t.addingTimeInterval(-0.001)) }
        let weekday = clock.weekday(t)
        let hour = clock.secondsOfDay(t) / 3600
        tariff = (weekday == 1 || weekday == 7 || hour < 7 || hour >= 22) ? 2 : 1
        let kwh = abs(gridW) * dt / 3_600_000
        if gridW > 0 { importKWh[tariff - 1] += kwh; quarterImportKWh += kwh } else { exportKWh[tariff - 1] += kwh }
        // Close the quarter when the next sample belongs to a new one.
        let nextQ = fastQuarterStart(of: t)
        if let cur = quarterStart, nextQ != cur {
            closeQuarter(start: cur, end: t)
            quarterStart = nextQ
            quarterImportKWh = 0
        }
    }

    /// `quarterStart(of:)` without a Calendar: a whole multiple of 900 s since the epoch.
    func fastQuarterStart(of t: Date) -> Date {
        guard quartersOnUTC else { return quarterStart(of: t) }
        return Date(timeIntervalSince1970: (t.timeIntervalSince1970 / 900).rounded(.down) * 900)
    }

    /// `monthStart(of:)`, asking the Calendar only when `t` leaves the month last seen.
    mutating func cachedMonthStart(of t: Date) -> Date {
        if let r = monthRange, t >= r.start, t < r.end { return r.start }
        let s = monthStart(of: t)
        let e = calendar.date(byAdding: .month, value: 1, to: s) ?? t.addingTimeInterval(86_400)
        monthRange = (s, e)
        return s
    }

    mutating func closeQuarter(start: Date, end: Date) {
        let kw = quarterImportKWh / 0.25
        completedQuarters.append((start, kw))
        if completedQuarters.count > 20_000 { completedQuarters.removeFirst(10_000) }
        let ms = cachedMonthStart(of: start)
        if let cur = monthStart, ms != cur {
            history.append(MonthPeak(monthStart: cur, peakTime: monthPeakTime, kw: monthPeakKW))
            if history.count > 13 { history.removeFirst(history.count - 13) }
            monthStart = ms
            monthPeakKW = 0
            monthPeakTime = nil
        }
        if kw > monthPeakKW { monthPeakKW = kw; monthPeakTime = end }
    }
}
