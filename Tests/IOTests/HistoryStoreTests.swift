import XCTest
@testable import KwartierIO

final class HistoryStoreTests: XCTestCase {
    func testQuartersPeakAndEnergySurviveReopen() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kw-hist-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let h = try HistoryStore.open(dataDir: dir)
            let t0 = Date(timeIntervalSince1970: 1_780_000_200)
            for (i, kw) in [3.2, 7.9, 5.1].enumerated() {
                try h.recordQuarter(.init(start: t0.addingTimeInterval(Double(i) * 900), averageKW: kw, importKWh: kw / 4))
            }
            try h.addEnergy(day: "2026-05-28", id: "cp1", kwh: 1.5)
            try h.addEnergy(day: "2026-05-28", id: "cp1", kwh: 2.25)
            try h.addEnergy(day: "2026-05-28", id: "grid", kwh: 10)
        }
        let h = try HistoryStore.open(dataDir: dir)
        XCTAssertEqual(try h.recentQuarters(2).map(\.averageKW), [7.9, 5.1])
        let t0 = Date(timeIntervalSince1970: 1_780_000_200)
        XCTAssertEqual(try h.peak(from: t0, to: t0.addingTimeInterval(3600))?.averageKW, 7.9)
        XCTAssertEqual(try h.peak(from: t0, to: t0.addingTimeInterval(3600))?.start, t0.addingTimeInterval(900))
        XCTAssertEqual(try h.energy(day: "2026-05-28"), ["cp1": 3.75, "grid": 10])
    }
}
