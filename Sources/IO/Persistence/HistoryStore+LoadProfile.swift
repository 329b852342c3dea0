import Foundation
import GRDB
import KwartierCore

/// The house's recorded load, for the planner's consumption forecast (`LoadProfile`).
extension HistoryStore {
    /// Each recorded quarter in the range with its house load: the quarter's grid import and
    /// export (the `quarter` table) plus PV, battery and cars from `energy_quarter` (see
    /// `LoadProfile.houseLoadKW`; a site whose history holds only the grid gets the grid's import
    /// minus export).
    public func houseLoad(from: Date, to: Date, carIds: Set<String>) throws -> [HouseLoadQuarter] {
        let wanted = ["pv", "battery.charge", "battery.discharge"] + carIds.sorted()
        return try db.read { db in
            var energy: [Int64: [String: Double]] = [:]
            let marks = wanted.map { _ in "?" }.joined(separator: ",")
            for r in try Row.fetchAll(db, sql: "SELECT start, id, kwh FROM energy_quarter WHERE start >= ? AND start < ? AND id IN (\(marks))",
                                      arguments: StatementArguments([Self.secs(from), Self.secs(to)] + wanted as [DatabaseValueConvertible])) {
                energy[r["start"], default: [:]][r["id"]] = r["kwh"]
            }
            return try Row.fetchAll(db, sql: "SELECT start, import_kwh, export_kwh FROM quarter WHERE start >= ? AND start < ? ORDER BY start",
                                    arguments: [Self.secs(from), Self.secs(to)]).map { r in
                let s: Int64 = r["start"]
                return HouseLoadQuarter(start: Self.date(s),
                                        kw: LoadProfile.houseLoadKW(importKWh: r["import_kwh"], exportKWh: (r["export_kwh"] as Double?) ?? 0,
                                                                    energy: energy[s] ?? [:], carIds: carIds))
            }
        }
    }

    /// The profile of the `weeks` weeks before `now`.
    public func loadProfile(now: Date, weeks: Int = LoadProfile.defaultWeeks, timeZone: TimeZone, carIds: Set<String>) throws -> LoadProfile {
        let quarters = try houseLoad(from: LoadProfile.windowStart(now: now, weeks: weeks), to: now, carIds: carIds)
        return LoadProfile(quarters: quarters, now: now, weeks: weeks, timeZone: timeZone)
    }
}
