import Foundation
import GRDB
import KwartierCore

/// The site's history in SQLite (`data_dir/history.sqlite`): every closed quarter, the energy of
/// every measuring point per quarter and per day, every charging session, gas and water per day.
///
/// WAL journal with full sync: each record is one transaction, durable when it returns, so a
/// power cut loses at most what was not yet handed over (the quarter in progress). The schema
/// grows through GRDB's migrator; docs/HISTORY.md describes it. One owner writes (the runtime's
/// file queue); readers (`kwartier history`) may read at the same time.
public final class HistoryStore: Sendable {
    let db: DatabaseQueue
    public let path: String
    /// What happened at open (a corrupt file moved aside …), for the caller's log.
    public let notes: [String]
    /// Per-quarter energy of the measuring points is kept this long; days, quarters and sessions for ever.
    public static let quarterEnergyRetentionDays = 400

    /// The v1 view of a quarter (kept for the callers of v1).
    public struct Quarter: Equatable, Sendable {
        public var start: Date
        public var averageKW: Double
        public var importKWh: Double
        public init(start: Date, averageKW: Double, importKWh: Double) { self.start = start; self.averageKW = averageKW; self.importKWh = importKWh }
    }

    /// Opens (or creates) the store. A file SQLite cannot read is moved aside as
    /// `history.sqlite.corrupt-<time>` and a new one started; `notes` says so.
    public init(path: String) throws {
        self.path = path
        if path != ":memory:" {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
        }
        do {
            db = try Self.openChecked(path)
            notes = []
        } catch {
            guard path != ":memory:", FileManager.default.fileExists(atPath: path) else { throw error }
            let aside = Self.moveAside(path)
            notes = ["history database \(path) is unreadable (\(Self.describe(error))); moved aside to \(aside), a new one is started"]
            db = try Self.openChecked(path)
        }
    }

    public static func open(dataDir: String) throws -> HistoryStore {
        try HistoryStore(path: filePath(dataDir: dataDir))
    }

    public static func filePath(dataDir: String) -> String { (dataDir as NSString).appendingPathComponent("history.sqlite") }

    static func openChecked(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(5)
        let q: DatabaseQueue
        if path == ":memory:" {
            q = try DatabaseQueue(configuration: config)
        } else {
            config.journalMode = .wal
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            q = try DatabaseQueue(path: path, configuration: config)
        }
        try q.read { db in
            let r = try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "?"
            if r != "ok" { throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "quick_check: \(r)") }
        }
        try migrator.migrate(q)
        return q
    }

    static func moveAside(_ path: String) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd-HHmmss"
        f.timeZone = TimeZone(identifier: "UTC")
        let aside = path + ".corrupt-" + f.string(from: Date())
        let fm = FileManager.default
        try? fm.moveItem(atPath: path, toPath: aside)
        for ext in ["-wal", "-shm"] {
            try? fm.removeItem(atPath: aside + ext)
            try? fm.moveItem(atPath: path + ext, toPath: aside + ext)
        }
        return aside
    }

    static func describe(_ e: Error) -> String {
        if let d = e as? DatabaseError { return d.message ?? "\(d.resultCode)" }
        return "\(e)"
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
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
        m.registerMigration("v2-quarters-sessions-meters") { db in
            try db.alter(table: "quarter") { t in
                t.add(column: "export_kwh", .double)
                t.add(column: "slider_kw", .double)
                t.add(column: "meter_avg_kw", .double)
                t.add(column: "month_peak_kw", .double)
                t.add(column: "month_peak_start", .integer)
            }
            try db.create(table: "energy_quarter", options: [.withoutRowID]) { t in
                t.column("start", .integer).notNull()
                t.column("id", .text).notNull()
                t.column("kwh", .double).notNull()
                t.primaryKey(["start", "id"])
            }
            try db.create(table: "session") { t in
                t.column("point", .text).notNull()
                t.column("start", .integer).notNull()
                t.column("end", .integer)
                t.column("kwh", .double).notNull()
                t.column("phases", .integer).notNull()
                t.column("peak_a", .double).notNull()
                t.column("start_a", .double)
                t.column("end_reason", .text)
                t.column("start_register_kwh", .double)
                t.column("last_seen", .integer).notNull()
                t.uniqueKey(["point", "start"])
            }
            try db.create(index: "session_start", on: "session", columns: ["start"])
            try db.create(table: "meter_day", options: [.withoutRowID]) { t in
                t.column("day", .text).notNull()
                t.column("id", .text).notNull()
                t.column("first", .double).notNull()
                t.column("first_time", .integer).notNull()
                t.column("last", .double).notNull()
                t.column("last_time", .integer).notNull()
                t.primaryKey(["day", "id"])
            }
            try db.create(table: "meta", options: [.withoutRowID]) { t in
                t.column("key", .text).primaryKey()
                t.column("value", .text).notNull()
            }
        }
        return m
    }

    // MARK: writing

    /// Remembers the site's time zone: `kwartier history --data-dir` reads days in it.
    public func setTimeZone(_ id: String) throws {
        try db.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('time_zone', ?)", arguments: [id])
        }
    }

    public func timeZone() throws -> String? {
        try db.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'time_zone'") }
    }

    public func recordQuarter(_ q: Quarter) throws {
        try record(ClosedQuarter(start: q.start, averageKW: q.averageKW, importKWh: q.importKWh))
    }

    public func record(_ q: ClosedQuarter) throws {
        try db.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO quarter(start, avg_kw, import_kwh, export_kwh, slider_kw, meter_avg_kw, month_peak_kw, month_peak_start)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Self.secs(q.start), q.averageKW, q.importKWh, q.exportKWh, q.sliderKW, q.meterAverageKW,
                                 q.monthPeakKW, q.monthPeakStart.map(Self.secs)])
        }
    }

    /// Adds a quarter's energy per measuring point, to the quarter and to its local day.
    public func addEnergy(quarter: Date, day: String, kwh: [String: Double]) throws {
        try db.write { db in
            for (id, v) in kwh.sorted(by: { $0.key < $1.key }) where v > 0 && v.isFinite {
                try db.execute(sql: """
                    INSERT INTO energy_quarter(start, id, kwh) VALUES (?, ?, ?)
                    ON CONFLICT(start, id) DO UPDATE SET kwh = kwh + excluded.kwh
                    """, arguments: [Self.secs(quarter), id, v])
                try db.execute(sql: """
                    INSERT INTO energy(day, id, kwh) VALUES (?, ?, ?)
                    ON CONFLICT(day, id) DO UPDATE SET kwh = kwh + excluded.kwh
                    """, arguments: [day, id, v])
            }
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

    /// Inserts or updates a session (identified by point and start).
    public func record(_ s: ChargingSession) throws {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO session(point, start, end, kwh, phases, peak_a, start_a, end_reason, start_register_kwh, last_seen)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(point, start) DO UPDATE SET end = excluded.end, kwh = excluded.kwh, phases = excluded.phases,
                  peak_a = excluded.peak_a, start_a = excluded.start_a, end_reason = excluded.end_reason,
                  start_register_kwh = excluded.start_register_kwh, last_seen = excluded.last_seen
                """, arguments: [s.point, Self.secs(s.start), s.end.map(Self.secs), s.kwh, s.phases, s.peakA, s.startA,
                                 s.endReason?.rawValue, s.startRegisterKWh, Self.secs(s.lastSeen)])
        }
    }

    /// Keeps the first and the latest reading of each meter per day.
    public func record(_ r: GasWaterReading) throws {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO meter_day(day, id, first, first_time, last, last_time) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(day, id) DO UPDATE SET last = excluded.last, last_time = excluded.last_time
                  WHERE excluded.last_time >= meter_day.last_time
                """, arguments: [r.day, r.id, r.value, Self.secs(r.time), r.value, Self.secs(r.time)])
        }
    }

    /// Drops per-quarter energy older than the retention (days and quarters stay).
    public func prune(now: Date = Date()) throws {
        let limit = Self.secs(now) - Int64(Self.quarterEnergyRetentionDays) * 86_400
        try db.write { db in try db.execute(sql: "DELETE FROM energy_quarter WHERE start < ?", arguments: [limit]) }
    }

    static func secs(_ d: Date) -> Int64 { Int64(d.timeIntervalSince1970.rounded()) }
    static func date(_ s: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(s)) }
}

extension HistoryStore {
    /// Removes everything recorded from `start` on (its local day's energy and gas and water
    /// too): a simulation that replays its days (the demo, `simulate --history`) starts them over.
    public func forget(from start: Date) throws {
        let day = try dayKey(start)
        try db.write { db in
            let s = Self.secs(start)
            try db.execute(sql: "DELETE FROM quarter WHERE start >= ?", arguments: [s])
            try db.execute(sql: "DELETE FROM energy_quarter WHERE start >= ?", arguments: [s])
            try db.execute(sql: "DELETE FROM energy WHERE day >= ?", arguments: [day])
            try db.execute(sql: "DELETE FROM session WHERE start >= ? OR end IS NULL", arguments: [s])
            try db.execute(sql: "DELETE FROM meter_day WHERE day >= ?", arguments: [day])
        }
    }

    /// The local day of `t` in the stored time zone (UTC when none is stored).
    func dayKey(_ t: Date) throws -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = (try timeZone()).flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day], from: t)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}

extension HistoryStore {
    /// Many records in one transaction (imports, the benchmark's generated year).
    public func recordBatch(quarters: [ClosedQuarter], energy: [(quarter: Date, day: String, kwh: [String: Double])],
                            sessions: [ChargingSession]) throws {
        try db.write { db in
            for q in quarters {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO quarter(start, avg_kw, import_kwh, export_kwh, slider_kw, meter_avg_kw, month_peak_kw, month_peak_start)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [Self.secs(q.start), q.averageKW, q.importKWh, q.exportKWh, q.sliderKW, q.meterAverageKW,
                                     q.monthPeakKW, q.monthPeakStart.map(Self.secs)])
            }
            for e in energy {
                for (id, v) in e.kwh where v > 0 && v.isFinite {
                    try db.execute(sql: "INSERT INTO energy_quarter(start, id, kwh) VALUES (?, ?, ?) ON CONFLICT(start, id) DO UPDATE SET kwh = kwh + excluded.kwh",
                                   arguments: [Self.secs(e.quarter), id, v])
                    try db.execute(sql: "INSERT INTO energy(day, id, kwh) VALUES (?, ?, ?) ON CONFLICT(day, id) DO UPDATE SET kwh = kwh + excluded.kwh",
                                   arguments: [e.day, id, v])
                }
            }
            for s in sessions {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO session(point, start, end, kwh, phases, peak_a, start_a, end_reason, start_register_kwh, last_seen)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [s.point, Self.secs(s.start), s.end.map(Self.secs), s.kwh, s.phases, s.peakA, s.startA,
                                     s.endReason?.rawValue, s.startRegisterKWh, Self.secs(s.lastSeen)])
            }
        }
    }
}
