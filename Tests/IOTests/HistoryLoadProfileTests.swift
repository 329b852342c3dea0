import XCTest
import KwartierCore
@testable import KwartierIO

/// The house-load profile read back from a history written as the hub writes it.
final class HistoryLoadProfileTests: XCTestCase {
    func testProfileFromRecordedQuartersAndPoints() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kw-prof-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = try HistoryStore.open(dataDir: dir)
        let tz = TimeZone(identifier: "Europe/Brussels")!
        let iso = ISO8601DateFormatter()
        // Mondays 08:00 local (06:00 UTC): 0.5 kWh import + 0.25 PV − 0.25 car = 2 kW; 1 kWh import = 4 kW.
        let m1 = iso.date(from: "2026-06-01T06:00:00Z")!, m2 = iso.date(from: "2026-06-08T06:00:00Z")!
        try h.record(ClosedQuarter(start: m1, averageKW: 2, importKWh: 0.5, exportKWh: 0))
        try h.addEnergy(quarter: m1, day: "2026-06-01", kwh: ["grid.import": 0.5, "pv": 0.25, "cp1": 0.25])
        try h.record(ClosedQuarter(start: m2, averageKW: 4, importKWh: 1))
        // Tuesday 12:00 local: exporting 0.5 kWh of 1 kWh PV while 0.25 kWh goes into the battery = 1 kW.
        let tu = iso.date(from: "2026-06-09T10:00:00Z")!
        try h.record(ClosedQuarter(start: tu, averageKW: 0, importKWh: 0, exportKWh: 0.5))
        try h.addEnergy(quarter: tu, day: "2026-06-09", kwh: ["grid.export": 0.5, "pv": 1, "battery.charge": 0.25])

        let now = iso.date(from: "2026-06-15T00:00:00Z")!
        XCTAssertEqual(try h.houseLoad(from: m1, to: now, carIds: ["cp1"]).map(\.kw), [2, 4, 1])
        XCTAssertEqual(try h.houseLoad(from: m1, to: now, carIds: []).map(\.kw), [3, 4, 1])  // cp1 not a car: house load
        let p = try h.loadProfile(now: now, timeZone: tz, carIds: ["cp1"])
        XCTAssertEqual(p.samples, 3)
        XCTAssertEqual(p.loadKW(at: iso.date(from: "2026-06-15T06:00:00Z")!), 3)  // median of 2 and 4
        XCTAssertEqual(p.loadKW(at: iso.date(from: "2026-06-16T10:00:00Z")!), 1)  // one Tuesday: every day's 12:00
        XCTAssertNil(p.loadKW(at: iso.date(from: "2026-06-16T11:00:00Z")!))
    }
}
