import XCTest
@testable import KwartierCore

extension Array where Element == SiteEffect {
    var sessionRecords: [ChargingSession] { compactMap { if case .recordSession(let s) = $0 { return s }; return nil } }
    var closedQuarters: [ClosedQuarter] { compactMap { if case .recordQuarter(let q) = $0 { return q }; return nil } }
    var energyRecords: [(Date, String, [String: Double])] {
        compactMap { if case let .recordEnergy(q, d, k) = $0 { return (q, d, k) }; return nil }
    }
}

/// The loop's history bookkeeping under a manual clock: sessions, energy per quarter, closed
/// quarters, with exact values.
final class HistoryLoopTests: XCTestCase {
    let t0 = brussels(2026, 3, 10, 10, 0, 0)

    func shell(_ resume: [ChargingSession] = []) -> TestShell {
        var b = SiteBuilder(gridA: 25, sliderKW: 50)
        b.point("cp1")
        let s = TestShell(b.config, start: t0)
        s.loop.resumeSessions(resume)
        return s
    }

    func status(_ state: ChargeState, amps: Double, kwh: Double?) -> ChargePointStatus {
        ChargePointStatus(state: state, currents: .all(amps), powerW: amps * 3 * 230, energyKWh: kwh)
    }

    func testOneSessionPerVisitWithRegisterEnergyPhasesAndPeak() {
        let s = shell()
        var fx = s.send(.point(0, .success(status(.connected, amps: 0, kwh: 100))))
        XCTAssertEqual(fx.sessionRecords.map(\.start), [t0], "plug-in opens a session")
        XCTAssertEqual(fx.sessionRecords.first?.startRegisterKWh, 100)
        s.clock.advance(60)
        fx = s.send(.point(0, .success(status(.charging, amps: 10, kwh: 100.2))))
        XCTAssertTrue(fx.sessionRecords.isEmpty, "no second session while the car stays")
        s.clock.advance(60)
        _ = s.send(.point(0, .success(status(.charging, amps: 16, kwh: 101.5))))
        s.clock.advance(60)
        fx = s.send(.point(0, .success(status(.noCar, amps: 0, kwh: 101.5))))
        let end = fx.sessionRecords
        XCTAssertEqual(end.count, 1)
        XCTAssertEqual(end[0].start, t0)
        XCTAssertEqual(end[0].end, t0.addingTimeInterval(180))
        XCTAssertEqual(end[0].kwh, 1.5, accuracy: 1e-9)
        XCTAssertEqual(end[0].phases, 3)
        XCTAssertEqual(end[0].peakA, 16)
        XCTAssertEqual(end[0].endReason, .carLeft)
        XCTAssertTrue(s.loop.openSessions.isEmpty)
        // A new plug-in is a new session.
        s.clock.advance(60)
        fx = s.send(.point(0, .success(status(.connected, amps: 0, kwh: 101.5))))
        XCTAssertEqual(fx.sessionRecords.map(\.start), [t0.addingTimeInterval(240)])
    }

    func testWithoutARegisterTheSessionIntegratesPower() {
        let s = shell()
        _ = s.send(.point(0, .success(status(.charging, amps: 10, kwh: nil))))
        for _ in 0..<60 {
            s.clock.advance(60)
            _ = s.send(.point(0, .success(status(.charging, amps: 10, kwh: nil))))
        }
        // 60 minutes at 3 x 10 A x 230 V = 6.9 kWh.
        XCTAssertEqual(s.loop.openSessions.first?.kwh ?? 0, 6.9, accuracy: 1e-9)
    }

    func testACarThatStoppedDrawingWhileOfferedCurrentLeftFull() {
        let s = shell()
        _ = s.send(.point(0, .success(status(.charging, amps: 10, kwh: 50))))
        s.send(.grid(gridReading(at: s.clock.now, site: s.loop.site.controller.site, nonManagedA: .all(2), nonManagedW: 1380,
                                 points: ["cp1": status(.charging, amps: 10, kwh: 50)])))
        s.answerAll(status(.charging, amps: 10, kwh: 50.1))
        XCTAssertGreaterThanOrEqual(s.loop.site.state.points["cp1"]?.lastSentA ?? 0, 6, "the hub offers current")
        for k in 1...3 {
            s.clock.advance(60)
            _ = s.send(.point(0, .success(status(.connected, amps: 0, kwh: 50.1 + (k == 1 ? 0.1 : 0.1)))))
        }
        let fx = s.send(.point(0, .success(status(.noCar, amps: 0, kwh: 50.2))))
        XCTAssertEqual(fx.sessionRecords.last?.endReason, .full)
    }

    func testASessionOpenAtARestartIsResumedNotDuplicated() {
        let open = ChargingSession(point: "cp1", start: t0.addingTimeInterval(-3600), kwh: 4, phases: 3, peakA: 16, startA: 16,
                                   startRegisterKWh: 200, lastSeen: t0.addingTimeInterval(-60))
        let s = shell([open])
        var fx = s.send(.point(0, .success(status(.charging, amps: 16, kwh: 205.5))))
        XCTAssertTrue(fx.sessionRecords.isEmpty, "the car is still there: the same session goes on")
        XCTAssertEqual(s.loop.openSessions.map(\.start), [open.start])
        XCTAssertEqual(s.loop.openSessions.first?.kwh ?? 0, 5.5, accuracy: 1e-9, "counted from the register at its start")
        s.clock.advance(30)
        fx = s.send(.point(0, .success(status(.noCar, amps: 0, kwh: 205.6))))
        XCTAssertEqual(fx.sessionRecords.map(\.start), [open.start])
        XCTAssertEqual(fx.sessionRecords.first?.end, t0.addingTimeInterval(30))
    }

    func testACarThatLeftWhileTheHubWasDownEndsWhenLastSeen() {
        let open = ChargingSession(point: "cp1", start: t0.addingTimeInterval(-3600), kwh: 4, startRegisterKWh: 200,
                                   lastSeen: t0.addingTimeInterval(-600))
        let s = shell([open])
        let fx = s.send(.point(0, .success(status(.noCar, amps: 0, kwh: 204))))
        XCTAssertEqual(fx.sessionRecords.count, 1)
        XCTAssertEqual(fx.sessionRecords[0].end, t0.addingTimeInterval(-600))
        XCTAssertEqual(fx.sessionRecords[0].endReason, .carLeft)
        XCTAssertTrue(s.loop.openSessions.isEmpty)
    }

    /// Energy registers split at a quarter's end in proportion to time; the closed quarter
    /// carries import, export, the slider and the meter's 1-0:1.4.0.
    func testQuarterRecordAndEnergyPerQuarter() {
        let start = brussels(2026, 3, 10, 10, 14, 0)
        var b = SiteBuilder(gridA: 25, sliderKW: 7)
        b.point("cp1")
        let s = TestShell(b.config, start: start)
        _ = s.send(.start)
        var imp = 1000.0, exp = 50.0
        var all: [SiteEffect] = []
        for k in 0...180 {   // 10:14:00 … 10:17:00, one telegram every second
            if k > 0 { s.clock.advance(1) }
            // 3.6 kW import (1 Wh a second) until 10:15:30, then 1.8 kW export (0.5 Wh a second).
            if k > 0 { if k <= 90 { imp += 0.001 } else { exp += 0.0005 } }
            let g = GridMeasurement(meterTime: s.clock.now,
                                    meter: MeterMeasurement(currents: .zero, powerW: k <= 90 ? 3600 : -1800, importKWh: imp, exportKWh: exp),
                                    quarterAverageKW: k < 60 ? 3.2 : 0.4)
            all += s.send(.grid(g))
            all += s.answerAll(noCar)
        }
        let q = all.closedQuarters
        XCTAssertEqual(q.count, 1)
        XCTAssertEqual(q[0].start, brussels(2026, 3, 10, 10, 0, 0))
        XCTAssertEqual(q[0].sliderKW, 7)
        XCTAssertEqual(q[0].meterAverageKW, 3.2, "the last 1-0:1.4.0 sent in the quarter")
        XCTAssertEqual(q[0].exportKWh ?? -1, 0, accuracy: 1e-9)
        // 60 s at 1 Wh/s seen in the quarter 10:00.
        XCTAssertEqual(q[0].importKWh, 0.060, accuracy: 1e-9)
        let e = all.energyRecords
        XCTAssertEqual(e.map(\.0), [brussels(2026, 3, 10, 10, 0, 0)])
        XCTAssertEqual(e[0].1, "2026-03-10")
        XCTAssertEqual(e[0].2[HistoryPoint.gridImport] ?? 0, 0.060, accuracy: 1e-9)
        // At stop the quarter in progress goes out too: 30 Wh import, 90 s x 0.5 Wh export.
        let stop = s.send(.stop).energyRecords
        XCTAssertEqual(stop.map(\.0), [brussels(2026, 3, 10, 10, 15, 0)])
        XCTAssertEqual(stop[0].2[HistoryPoint.gridImport] ?? 0, 0.030, accuracy: 1e-9)
        XCTAssertEqual(stop[0].2[HistoryPoint.gridExport] ?? 0, 0.045, accuracy: 1e-9)
    }

    /// The autumn change (Brussels, 2026-10-25): 100 quarters, two of them starting at 02:45
    /// local; energy buckets keep them apart and on the same local day.
    func testDSTDayQuartersStayApart() {
        let clock = QuarterClock(identifier: "Europe/Brussels")
        var q = QuarterBuckets(clock: clock)
        let day = brussels(2026, 10, 25, 0, 0, 0)
        let next = brussels(2026, 10, 26, 0, 0, 0)
        XCTAssertEqual(next.timeIntervalSince(day), 25 * 3600)
        // 1 kWh per hour, sampled every minute, over the whole local day.
        var t = day
        while t < next { q.add("x", 1.0 / 60, from: t, to: t.addingTimeInterval(60)); t = t.addingTimeInterval(60) }
        let all = q.take(before: nil)
        XCTAssertEqual(all.count, 100)
        XCTAssertEqual(all.reduce(0) { $0 + $1.1["x"]! }, 25, accuracy: 1e-9)
        let cal = HistoryCalendar(timeZone: TimeZone(identifier: "Europe/Brussels")!)
        XCTAssertEqual(Set(all.map { cal.dayKey($0.0) }), ["2026-10-25"])
        XCTAssertEqual(all.filter { cal.clock($0.0) == "02:45" }.count, 2)
        XCTAssertEqual(cal.iso(all[11].0), "2026-10-25T02:45:00+02:00")
        XCTAssertEqual(cal.iso(all[15].0), "2026-10-25T02:45:00+01:00")
        // The spring change has 92.
        let spring = brussels(2026, 3, 29, 0, 0, 0)
        XCTAssertEqual(cal.nextDay(spring).timeIntervalSince(spring), 23 * 3600)
    }

    func testCounterIgnoresResetsAndLongGaps() {
        var c = EnergyCounter()
        let t = Date(timeIntervalSince1970: 1_000_000)
        XCTAssertNil(c.sample(at: t, registerKWh: 10, powerW: nil, maxGapS: 120))
        XCTAssertEqual(c.sample(at: t + 10, registerKWh: 10.5, powerW: nil, maxGapS: 120)?.kwh, 0.5)
        XCTAssertNil(c.sample(at: t + 20, registerKWh: 3, powerW: nil, maxGapS: 120), "a register that went back is a reset")
        XCTAssertEqual(c.sample(at: t + 30, registerKWh: 3.25, powerW: nil, maxGapS: 120)?.kwh, 0.25)
        var p = EnergyCounter()
        _ = p.sample(at: t, registerKWh: nil, powerW: 3600, maxGapS: 120)
        XCTAssertEqual(p.sample(at: t + 60, registerKWh: nil, powerW: 3600, maxGapS: 120)?.kwh ?? 0, 0.06, accuracy: 1e-12)
        XCTAssertNil(p.sample(at: t + 600, registerKWh: nil, powerW: 3600, maxGapS: 120), "a gap is not guessed")
    }

    func testCSVIsRFC4180() {
        let t = TextTable(header: ["a", "b"], rows: [["x,y", "say \"hi\""], ["line\nbreak", "plain"]])
        XCTAssertEqual(t.csv(), "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",plain\r\n")
    }
}
