import Foundation
import KwartierCore

/// What `kwartier history` prints, built from the store. The JSON keys are the `--json` contract
/// (docs/HISTORY.md); times are ISO 8601 with the site's offset.
public enum HistoryReports {
    public struct QuarterRow: Codable, Equatable, Sendable {
        public var start: String
        public var kw: Double
        public var import_kwh: Double
        public var export_kwh: Double?
        public var slider_kw: Double?
        public var meter_kw: Double?
    }

    public struct DayPeak: Codable, Equatable, Sendable {
        public var day: String
        public var start: String
        public var kw: Double
        public var slider_kw: Double?
        public var quarters: Int
    }

    public struct Peaks: Codable, Equatable, Sendable {
        public var month: String
        public var time_zone: String
        /// The month's highest quarter: what the capacity tariff bills.
        public var billed_peak: QuarterRow?
        public var highest: [QuarterRow]
        public var days: [DayPeak]
    }

    public static func peaks(_ h: HistoryStore, month: String, cal: HistoryCalendar, top: Int = 5) throws -> Peaks? {
        guard let (start, end) = cal.month(month) else { return nil }
        let all = try h.quarters(from: start, to: end)
        let highest = all.sorted { ($0.averageKW, $1.start) > ($1.averageKW, $0.start) }.prefix(top).map { row($0, cal) }
        var days: [DayPeak] = []
        for (d, qs) in cal.groupByDay(all, time: \.start) {
            let top = qs.max { ($0.averageKW, $1.start) < ($1.averageKW, $0.start) }!
            days.append(DayPeak(day: d, start: cal.iso(top.start), kw: r3(top.averageKW), slider_kw: top.sliderKW, quarters: qs.count))
        }
        return Peaks(month: month, time_zone: cal.timeZone.identifier, billed_peak: highest.first, highest: Array(highest), days: days)
    }

    static func row(_ q: ClosedQuarter, _ cal: HistoryCalendar) -> QuarterRow {
        QuarterRow(start: cal.iso(q.start), kw: r3(q.averageKW), import_kwh: r3(q.importKWh), export_kwh: q.exportKWh.map(r3),
                   slider_kw: q.sliderKW, meter_kw: q.meterAverageKW.map(r3))
    }

    public struct EnergyRow: Codable, Equatable, Sendable {
        /// The day "yyyy-MM-dd" or month "yyyy-MM".
        public var period: String
        public var id: String
        public var unit: String
        public var value: Double
    }

    public struct Energy: Codable, Equatable, Sendable {
        public var from: String
        public var to: String
        public var by: String
        public var time_zone: String
        public var rows: [EnergyRow]
    }

    /// kWh per measuring point (and gas and water in m3) per day or month, days `from...to`.
    public static func energy(_ h: HistoryStore, from: String, to: String, byMonth: Bool, ids: [String]?, timeZone: String) throws -> Energy {
        var sums: [String: [String: (unit: String, value: Double)]] = [:]
        func key(_ day: String) -> String { byMonth ? String(day.prefix(7)) : day }
        for r in try h.energyByDay(fromDay: from, toDay: to, ids: ids) {
            sums[key(r.day), default: [:]][r.id, default: ("kWh", 0)].value += r.kwh
        }
        for m in try h.meterDays(fromDay: from, toDay: to) where ids == nil || ids!.contains(m.id) {
            sums[key(m.day), default: [:]][m.id, default: ("m3", 0)].value += m.used
        }
        var rows: [EnergyRow] = []
        for p in sums.keys.sorted() {
            for (id, v) in sums[p]!.sorted(by: { $0.key < $1.key }) {
                rows.append(EnergyRow(period: p, id: id, unit: v.unit, value: r3(v.value)))
            }
        }
        return Energy(from: from, to: to, by: byMonth ? "month" : "day", time_zone: timeZone, rows: rows)
    }

    public struct SessionRow: Codable, Equatable, Sendable {
        public var point: String
        public var start: String
        public var end: String?
        public var minutes: Int?
        public var kwh: Double
        public var phases: Int
        public var peak_a: Double
        public var start_a: Double?
        /// car_left, full, stopped_by_owner; nil while the car is plugged in.
        public var end_reason: String?
    }

    public struct Sessions: Codable, Equatable, Sendable {
        public var from: String
        public var to: String
        public var time_zone: String
        public var sessions: [SessionRow]
    }

    public static func sessions(_ h: HistoryStore, from: Date, to: Date, point: String?, cal: HistoryCalendar,
                                fromKey: String, toKey: String) throws -> Sessions {
        let rows = try h.sessions(from: from, to: to, point: point).map { s in
            SessionRow(point: s.point, start: cal.iso(s.start), end: s.end.map(cal.iso),
                       minutes: s.end.map { Int(($0.timeIntervalSince(s.start) / 60).rounded()) }, kwh: r3(s.kwh), phases: s.phases,
                       peak_a: r1(s.peakA), start_a: s.startA.map(r1), end_reason: s.endReason?.rawValue)
        }
        return Sessions(from: fromKey, to: toKey, time_zone: cal.timeZone.identifier, sessions: rows)
    }

    static func r3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
    static func r1(_ v: Double) -> Double { (v * 10).rounded() / 10 }
}
