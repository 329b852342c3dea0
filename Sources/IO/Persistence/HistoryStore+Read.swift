import Foundation
import GRDB
import KwartierCore

/// The history's queries (`kwartier history`, the dashboard's History screen). Ranges are
/// half-open: `from` included, `to` not; days are local days "yyyy-MM-dd" as recorded.
extension HistoryStore {
    /// Every quarter in the range, oldest first.
    public func quarters(from: Date, to: Date) throws -> [ClosedQuarter] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT start, avg_kw, import_kwh, export_kwh, slider_kw, meter_avg_kw, month_peak_kw, month_peak_start
                FROM quarter WHERE start >= ? AND start < ? ORDER BY start
                """, arguments: [Self.secs(from), Self.secs(to)]).map(Self.quarter)
        }
    }

    /// The `count` highest quarters in the range, highest first (ties: earliest first).
    public func highestQuarters(from: Date, to: Date, count: Int) throws -> [ClosedQuarter] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT start, avg_kw, import_kwh, export_kwh, slider_kw, meter_avg_kw, month_peak_kw, month_peak_start
                FROM quarter WHERE start >= ? AND start < ? ORDER BY avg_kw DESC, start LIMIT ?
                """, arguments: [Self.secs(from), Self.secs(to), count]).map(Self.quarter)
        }
    }

    static func quarter(_ r: Row) -> ClosedQuarter {
        ClosedQuarter(start: date(r["start"]), averageKW: r["avg_kw"], importKWh: r["import_kwh"], exportKWh: r["export_kwh"],
                      sliderKW: r["slider_kw"], meterAverageKW: r["meter_avg_kw"], monthPeakKW: r["month_peak_kw"],
                      monthPeakStart: (r["month_peak_start"] as Int64?).map(date))
    }

    /// The latest `count` quarters, oldest first.
    public func recentQuarters(_ count: Int) throws -> [Quarter] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT start, avg_kw, import_kwh FROM quarter ORDER BY start DESC LIMIT ?", arguments: [count])
                .map { Quarter(start: Self.date($0["start"]), averageKW: $0["avg_kw"], importKWh: $0["import_kwh"]) }
                .reversed()
        }
    }

    /// The highest quarter between two instants (the billed peak of a month).
    public func peak(from: Date, to: Date) throws -> Quarter? {
        try highestQuarters(from: from, to: to, count: 1).first.map { Quarter(start: $0.start, averageKW: $0.averageKW, importKWh: $0.importKWh) }
    }

    /// Energy per device for a day.
    public func energy(day: String) throws -> [String: Double] {
        var out: [String: Double] = [:]
        for r in try energyByDay(fromDay: day, toDay: day) { out[r.id] = r.kwh }
        return out
    }

    public struct DayEnergy: Equatable, Sendable {
        public var day: String
        public var id: String
        public var kwh: Double
    }

    /// Energy per local day and measuring point, days `fromDay...toDay` (inclusive), by day then id.
    public func energyByDay(fromDay: String, toDay: String, ids: [String]? = nil) throws -> [DayEnergy] {
        try db.read { db in
            var sql = "SELECT day, id, kwh FROM energy WHERE day >= ? AND day <= ?"
            var args: [DatabaseValueConvertible] = [fromDay, toDay]
            if let ids, !ids.isEmpty {
                sql += " AND id IN (" + ids.map { _ in "?" }.joined(separator: ",") + ")"
                args += ids as [DatabaseValueConvertible]
            }
            sql += " ORDER BY day, id"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map {
                DayEnergy(day: $0["day"], id: $0["id"], kwh: $0["kwh"])
            }
        }
    }

    /// Energy per quarter and measuring point in the range (kept `quarterEnergyRetentionDays`).
    public func energyByQuarter(from: Date, to: Date) throws -> [(start: Date, id: String, kwh: Double)] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT start, id, kwh FROM energy_quarter WHERE start >= ? AND start < ? ORDER BY start, id",
                             arguments: [Self.secs(from), Self.secs(to)]).map { (Self.date($0["start"]), $0["id"], $0["kwh"]) }
        }
    }

    /// Sessions that started in the range, oldest first.
    public func sessions(from: Date, to: Date, point: String? = nil) throws -> [ChargingSession] {
        try db.read { db in
            var sql = "SELECT * FROM session WHERE start >= ? AND start < ?"
            var args: [DatabaseValueConvertible] = [Self.secs(from), Self.secs(to)]
            if let point { sql += " AND point = ?"; args.append(point) }
            sql += " ORDER BY start, point"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(Self.session)
        }
    }

    /// The latest `count` sessions, newest first.
    public func latestSessions(_ count: Int) throws -> [ChargingSession] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM session ORDER BY start DESC, point LIMIT ?", arguments: [count]).map(Self.session)
        }
    }

    /// Sessions still open (the hub stopped while their cars were plugged in).
    public func openSessions() throws -> [ChargingSession] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM session WHERE end IS NULL ORDER BY point, start").map(Self.session)
        }
    }

    static func session(_ r: Row) -> ChargingSession {
        ChargingSession(point: r["point"], start: date(r["start"]), end: (r["end"] as Int64?).map(date), kwh: r["kwh"],
                        phases: r["phases"], peakA: r["peak_a"], startA: r["start_a"],
                        endReason: (r["end_reason"] as String?).flatMap(SessionEnd.init(rawValue:)),
                        startRegisterKWh: r["start_register_kwh"], lastSeen: date(r["last_seen"]))
    }

    public struct MeterDay: Equatable, Sendable {
        public var day: String
        public var id: String
        public var first: Double
        public var last: Double
        /// Used that day: from the previous day's last reading when there is one, else the day's first.
        public var used: Double
    }

    /// Gas and water per day, `fromDay...toDay` inclusive.
    public func meterDays(fromDay: String, toDay: String) throws -> [MeterDay] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.day, m.id, m.first, m.last,
                  (SELECT p.last FROM meter_day p WHERE p.id = m.id AND p.day < m.day ORDER BY p.day DESC LIMIT 1) AS prev
                FROM meter_day m WHERE m.day >= ? AND m.day <= ? ORDER BY m.day, m.id
                """, arguments: [fromDay, toDay]).map { r in
                let first: Double = r["first"], last: Double = r["last"]
                let prev: Double? = r["prev"]
                return MeterDay(day: r["day"], id: r["id"], first: first, last: last, used: max(0, last - (prev ?? first)))
            }
        }
    }
}
