import Foundation
import GRDB
import KwartierCore

extension HistoryStore {
    /// The History screen's value: the last `months` months of days (peaks and kWh per point),
    /// the quarters of the last `quarterDays` days, the latest `sessionCount` sessions.
    public func view(now: Date, timeZone: TimeZone, months: Int = 13, quarterDays: Int = 35, sessionCount: Int = 20) throws -> HistoryView {
        let cal = HistoryCalendar(timeZone: timeZone)
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        let thisMonth = cal.monthOf(now).start
        let first = c.date(byAdding: .month, value: -(months - 1), to: thisMonth)!
        let end = cal.nextDay(now)
        let quarterFrom = c.date(byAdding: .day, value: -(quarterDays - 1), to: cal.startOfDay(now))!
        let qs = try quarterAverages(from: first, to: end)
        var byDay: [String: ArraySlice<QuarterAverage>] = [:]
        for (d, list) in cal.groupByDay(qs, time: \.start) { byDay[d] = list }
        var energy: [String: [String: Double]] = [:]
        for e in try energyByDay(fromDay: cal.dayKey(first), toDay: cal.dayKey(now)) { energy[e.day, default: [:]][e.id] = e.kwh }
        // From the first day with anything recorded (at most `months` back) through today.
        let known = (Array(byDay.keys) + Array(energy.keys)).min()
        var days: [HistoryView.Day] = []
        if let k = known, let startDay = cal.day(k) {
            for d in cal.days(from: startDay, through: cal.startOfDay(now)) {
                let key = cal.dayKey(d)
                let list = byDay[key] ?? []
                let top = list.max { ($0.kw, $1.start) < ($1.kw, $0.start) }
                var day = HistoryView.Day(day: key, peakKW: top?.kw, peakStart: top?.start, sliderKW: list.last?.sliderKW,
                                          energy: energy[key] ?? [:])
                if d >= quarterFrom {
                    // One slot per quarter of the local day (92 or 100 on DST days); unrecorded ones are 0.
                    let n = Int((cal.nextDay(d).timeIntervalSince(d) / 900).rounded())
                    var slots = [Double](repeating: 0, count: n)
                    for q in list {
                        let i = Int((q.start.timeIntervalSince(d) / 900).rounded(.down))
                        if i >= 0 && i < n { slots[i] = q.kw }
                    }
                    day.quarters = slots
                }
                days.append(day)
            }
        }
        return HistoryView(timeZone: timeZone.identifier, days: days, sessions: try latestSessions(sessionCount), latest: qs.last?.start)
    }
}

/// A quarter's start, average and slider: all the History screen needs of it.
struct QuarterAverage {
    var start: Date
    var kw: Double
    var sliderKW: Double?
}

extension HistoryStore {
    /// Quarters in the range, oldest first, read lean (a year is 35 040 rows).
    func quarterAverages(from: Date, to: Date) throws -> [QuarterAverage] {
        try db.read { db in
            var out: [QuarterAverage] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT start, avg_kw, slider_kw FROM quarter WHERE start >= ? AND start < ? ORDER BY start",
                                           arguments: [Self.secs(from), Self.secs(to)])
            while let r = try rows.next() {
                out.append(QuarterAverage(start: Self.date(r[0]), kw: r[1], sliderKW: r[2]))
            }
            return out
        }
    }
}
