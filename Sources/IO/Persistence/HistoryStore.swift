import Foundation
import GRDB

/// The site's history in SQLite (`data_dir/history.sqlite`): every quarter-hour's average
/// import, and energy per day for each charge point and measuring point.
public final class HistoryStore: Sendable {
    private let db: DatabaseQueue
    public let path: String

    public struct Quarter: Equatable, Sendable {
        public var start: Date
        public var averageKW: Double
        public var importKWh: Double
    }

    public init(path: String) throws {
        self.path = path
        if path != ":memory:" {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
        }
        db = path == ":memory:" ? try DatabaseQueue() : try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "quarter") { t in
                t.column("start", .integer).primaryKey()
                t.column("avg_kw", .double).notNull()
                t.column("import_kwh", .double).notNull()
            }
            try db.create(table: "energy") { t in
                t.column("day", .text).notNull()
                t.column("id", .text).notNull()
                t.column("kwh", .double).notNull()
                t.primaryKey(["day", "id"])
            }
        }
        try migrator.migrate(db)
    }

    public static func open(dataDir: String) throws -> HistoryStore {
        try HistoryStore(path: (dataDir as NSString).appendingPathComponent("history.sqlite"))
    }

    public func recordQuarter(_ q: Quarter) throws {
        try db.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO quarter(start, avg_kw, import_kwh) VALUES (?, ?, ?)",
                           arguments: [Int64(q.start.timeIntervalSince1970), q.averageKW, q.importKWh])
        }
    }

    /// Adds energy to a device's total for a local day ("YYYY-MM-DD").
    public func addEnergy(day: String, id: String, kwh: Double) throws {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO energy(day, id, kwh) VALUES (?, ?, ?)
                ON CONFLICT(day, id) DO UPDATE SET kwh = kwh + excluded.kwh
                """, arguments: [day, id, kwh])
        }
    }

    /// The latest `count` quarters, oldest first.
    public func recentQuarters(_ count: Int) throws -> [Quarter] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT start, avg_kw, import_kwh FROM quarter ORDER BY start DESC LIMIT ?", arguments: [count])
                .map { Quarter(start: Date(timeIntervalSince1970: TimeInterval($0["start"] as Int64)), averageKW: $0["avg_kw"], importKWh: $0["import_kwh"]) }
                .reversed()
        }
    }

    /// The highest quarter between two instants (the billed peak of a month).
    public func peak(from: Date, to: Date) throws -> Quarter? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT start, avg_kw, import_kwh FROM quarter WHERE start >= ? AND start < ? ORDER BY avg_kw DESC LIMIT 1",
                             arguments: [Int64(from.timeIntervalSince1970), Int64(to.timeIntervalSince1970)])
                .map { Quarter(start: Date(timeIntervalSince1970: TimeInterval($0["start"] as Int64)), averageKW: $0["avg_kw"], importKWh: $0["import_kwh"]) }
        }
    }

    /// Energy per device for a day.
    public func energy(day: String) throws -> [String: Double] {
        try db.read { db in
            var out: [String: Double] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT id, kwh FROM energy WHERE day = ?", arguments: [day]) { out[r["id"]] = r["kwh"] }
            return out
        }
    }
}
