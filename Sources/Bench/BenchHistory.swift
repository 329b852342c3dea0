import Foundation
import KwartierCore
import KwartierIO

/// The history's queries over a generated year (35 040 quarters, 14 measuring points per
/// quarter, 8 charge points with a session each per working day): the month's peaks, a year of
/// energy by month, a year of sessions, and the dashboard's History view. Goal: each under
/// 100 ms. Also prints the file's size for the year (docs/HISTORY.md).
func benchHistory() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kwartier-bench-history-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try HistoryStore.open(dataDir: dir)
    let tzName = "Europe/Brussels"
    try store.setTimeZone(tzName)
    let tz = TimeZone(identifier: tzName)!
    let cal = HistoryCalendar(timeZone: tz)
    let start = cal.day("2025-01-01")!, end = cal.day("2026-01-01")!
    var rng = SimRandom(seed: 1)
    var quarters: [ClosedQuarter] = []
    var energy: [(quarter: Date, day: String, kwh: [String: Double])] = []
    var sessions: [ChargingSession] = []
    let points = (1...8).map { "cp\($0)" }
    let generated = Monotonic.now
    var t = start
    while t < end {
        let kw = 2 + Double.random(in: 0..<1, using: &rng) * 8
        quarters.append(ClosedQuarter(start: t, averageKW: kw, importKWh: kw / 4, exportKWh: Double.random(in: 0..<1, using: &rng), sliderKW: 9,
                                      meterAverageKW: kw, monthPeakKW: 10, monthPeakStart: t))
        var e: [String: Double] = [HistoryPoint.gridImport: kw / 4, HistoryPoint.gridExport: Double.random(in: 0..<1, using: &rng) * 0.3,
                                   HistoryPoint.pv: Double.random(in: 0..<1, using: &rng), "heatpump": 0.3, "boiler": 0.2, "board-a": kw / 8]
        for p in points { e[p] = Double.random(in: 0..<1, using: &rng) * 0.5 }
        energy.append((t, cal.dayKey(t), e))
        t = t.addingTimeInterval(900)
    }
    for d in cal.days(from: start, through: end.addingTimeInterval(-1)) {
        for p in points {
            let s = d.addingTimeInterval(8 * 3600 + Double.random(in: 0..<1, using: &rng) * 3600)
            sessions.append(ChargingSession(point: p, start: s, end: s.addingTimeInterval(4 * 3600), kwh: 20 * Double.random(in: 0..<1, using: &rng), phases: 3,
                                            peakA: 16, startA: 16, endReason: .carLeft, lastSeen: s.addingTimeInterval(4 * 3600)))
        }
    }
    try store.recordBatch(quarters: quarters, energy: energy, sessions: sessions)
    let size = ((try? FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int) ?? 0)
        + ((try? FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int) ?? 0)
    print(String(format: "history: generated year (%d quarters, %d energy rows, %d sessions) written in %.1f s, %.1f MB",
                 quarters.count, energy.count * 14, sessions.count, Monotonic.now - generated, Double(size) / 1_048_576))

    func time(_ name: String, _ body: () throws -> Int) rethrows {
        var ms: [Double] = []
        var n = 0
        for _ in 0..<20 {
            let t0 = Monotonic.now
            n = try body()
            ms.append((Monotonic.now - t0) * 1000)
        }
        ms.sort()
        print(String(format: "history: %@ p50 %.1f ms, max %.1f ms (%d rows; goal < 100 ms)", name, ms[ms.count / 2], ms.last!, n))
    }
    try time("peaks of a month") { try HistoryReports.peaks(store, month: "2025-11", cal: cal)!.days.count }
    try time("energy of the year by month") {
        try HistoryReports.energy(store, from: "2025-01-01", to: "2025-12-31", byMonth: true, ids: nil, timeZone: tzName).rows.count
    }
    try time("sessions of the year") {
        try HistoryReports.sessions(store, from: start, to: end, point: nil, cal: cal, fromKey: "2025-01-01", toKey: "2025-12-31").sessions.count
    }
    try time("dashboard view") { try store.view(now: cal.day("2025-12-31")!.addingTimeInterval(43_200), timeZone: tz).days.count }
}
