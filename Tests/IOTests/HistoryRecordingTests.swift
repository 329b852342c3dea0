import XCTest
import GRDB
@testable import KwartierIO
@testable import KwartierCore

/// The history the simulated shell records, against the simulation's own report and meter;
/// the store's migration from v1 and its recovery from a corrupt file.
final class HistoryRecordingTests: XCTestCase {
    func tempDir() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("kw-hist-\(UUID())").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: d) }
        return d
    }

    /// Half a simulated demo day (8 points, PV, heat pump, boiler), recorded like `simulate --history`.
    func testSimulatedDayMatchesTheReportAndTheVirtualMeter() throws {
        let config = try ConfigLoader(knownDrivers: KnownDrivers.names).load(yaml: DemoSite.yaml, file: "demo").0
        var sc = SimScenario.demo
        sc.hours = 12
        let backtest = Backtest(config: config, scenario: sc)
        let store = try HistoryStore.open(dataDir: tempDir())
        try store.setTimeZone(backtest.config.site.timeZone)
        let sink = HistorySink(store: store)
        let (runner, brain) = try backtest.kwartierRunner(outbox: { sink.carryOut($0) })
        let report = runner.run()
        brain.stop()
        XCTAssertNil(sink.drain())

        let cal = HistoryCalendar(timeZone: TimeZone(identifier: backtest.config.site.timeZone)!)
        let day = cal.dayKey(runner.start)
        let energy = try store.energy(day: day)
        // Per point: the chargers' registers against what the cars received.
        var delivered: [String: Double] = [:]
        for c in report.per_car ?? [] { delivered[c.point, default: 0] += c.delivered_kwh }
        XCTAssertFalse(delivered.isEmpty)
        for (p, kwh) in delivered {
            XCTAssertEqual(energy[p] ?? 0, kwh, accuracy: 0.002, "\(p)")
        }
        // Grid from the meter's registers (1 Wh resolution, the first second before the first telegram).
        XCTAssertEqual(energy[HistoryPoint.gridImport] ?? 0, report.import_kwh, accuracy: 0.01)
        XCTAssertEqual(energy[HistoryPoint.gridExport] ?? 0, report.export_kwh, accuracy: 0.01)
        XCTAssertEqual(energy[HistoryPoint.pv] ?? 0, report.pv_kwh, accuracy: 0.01)
        // The month peak: the highest recorded quarter is the virtual meter's 1-0:1.6.0.
        let month = cal.monthOf(runner.start)
        let peak = try XCTUnwrap(store.peak(from: month.start, to: month.end))
        XCTAssertEqual(peak.averageKW, runner.meter.monthPeakKW, accuracy: 0.005)
        XCTAssertEqual(try store.quarters(from: month.start, to: month.end).count, 48)
        // One session per car visit, with the car's energy.
        let sessions = try store.sessions(from: runner.start, to: runner.end.addingTimeInterval(1))
        let cars = (report.per_car ?? []).filter { $0.arrival.map { $0 < runner.now } ?? true }
        XCTAssertEqual(sessions.count, cars.count)
        for c in cars {
            let s = sessions.filter { $0.point == c.point && abs($0.start.timeIntervalSince(c.arrival!)) <= 2 }
            XCTAssertEqual(s.count, 1, "\(c.name)")
            XCTAssertEqual(s.first?.kwh ?? -1, c.delivered_kwh, accuracy: 0.002, "\(c.name)")
        }
    }

    func testAVersion1DatabaseIsMigratedAndStaysReadable() throws {
        let dir = tempDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = HistoryStore.filePath(dataDir: dir)
        do {
            // The v1 schema and rows as the previous release wrote them.
            let q = try DatabaseQueue(path: path)
            try q.write { db in
                try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v1')")
                try db.execute(sql: "CREATE TABLE quarter (start INTEGER PRIMARY KEY, avg_kw DOUBLE NOT NULL, import_kwh DOUBLE NOT NULL)")
                try db.execute(sql: "CREATE TABLE energy (day TEXT NOT NULL, id TEXT NOT NULL, kwh DOUBLE NOT NULL, PRIMARY KEY (day, id))")
                try db.execute(sql: "INSERT INTO quarter VALUES (1780000200, 7.9, 1.975)")
                try db.execute(sql: "INSERT INTO energy VALUES ('2026-05-28', 'cp1', 3.75)")
            }
        }
        let h = try HistoryStore(path: path)
        XCTAssertTrue(h.notes.isEmpty)
        let q = try h.quarters(from: Date(timeIntervalSince1970: 1_780_000_000), to: Date(timeIntervalSince1970: 1_780_010_000))
        XCTAssertEqual(q, [ClosedQuarter(start: Date(timeIntervalSince1970: 1_780_000_200), averageKW: 7.9, importKWh: 1.975)])
        XCTAssertEqual(try h.energy(day: "2026-05-28"), ["cp1": 3.75])
        try h.addEnergy(quarter: Date(timeIntervalSince1970: 1_780_000_200), day: "2026-05-28", kwh: ["cp1": 0.25])
        XCTAssertEqual(try h.energy(day: "2026-05-28"), ["cp1": 4.0])
    }

    func testACorruptDatabaseIsMovedAsideAndANewOneStarted() throws {
        let dir = tempDir()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = HistoryStore.filePath(dataDir: dir)
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))
        let h = try HistoryStore(path: path)
        XCTAssertEqual(h.notes.count, 1)
        XCTAssertTrue(h.notes[0].contains("moved aside to \(path).corrupt-"), h.notes[0])
        let aside = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("history.sqlite.corrupt-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }
        XCTAssertEqual(aside.count, 1)
        XCTAssertEqual(FileManager.default.contents(atPath: dir + "/" + aside[0]), garbage, "the old file is kept as it was, never emptied")
        try h.record(ClosedQuarter(start: Date(timeIntervalSince1970: 1_780_000_200), averageKW: 2, importKWh: 0.5))
        XCTAssertEqual(try h.recentQuarters(5).map(\.averageKW), [2])
    }

    func testSessionsUpsertByPointAndStartAndOpenOnesAreFound() throws {
        let h = try HistoryStore.open(dataDir: tempDir())
        let t = Date(timeIntervalSince1970: 1_780_000_000)
        var s = ChargingSession(point: "cp1", start: t, kwh: 1, phases: 1, peakA: 10, startRegisterKWh: 5, lastSeen: t)
        try h.record(s)
        s.kwh = 4.5; s.phases = 3; s.lastSeen = t.addingTimeInterval(900)
        try h.record(s)
        XCTAssertEqual(try h.openSessions(), [s])
        s.end = t.addingTimeInterval(1000); s.endReason = .full
        try h.record(s)
        XCTAssertEqual(try h.openSessions(), [])
        XCTAssertEqual(try h.sessions(from: t, to: t.addingTimeInterval(1), point: "cp1"), [s])
        XCTAssertEqual(try h.sessions(from: t, to: t.addingTimeInterval(1), point: "cp2"), [])
    }

    /// Gas per day: the day's use runs from the previous day's last reading.
    func testGasPerDayFromThePreviousDaysLastReading() throws {
        let h = try HistoryStore.open(dataDir: tempDir())
        let t = Date(timeIntervalSince1970: 1_780_000_000)
        try h.record(GasWaterReading(id: "gas", day: "2026-05-27", time: t, value: 100.0))
        try h.record(GasWaterReading(id: "gas", day: "2026-05-27", time: t + 3600, value: 101.5))
        try h.record(GasWaterReading(id: "gas", day: "2026-05-28", time: t + 86_400, value: 102.25))
        try h.record(GasWaterReading(id: "gas", day: "2026-05-28", time: t + 90_000, value: 103.0))
        let days = try h.meterDays(fromDay: "2026-05-27", toDay: "2026-05-28")
        XCTAssertEqual(days.map(\.used), [1.5, 1.5])
    }
}
