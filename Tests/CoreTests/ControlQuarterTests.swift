import XCTest
@testable import KwartierCore

/// The energy slider on the meter's clock (SPEC §3.2), with a simulated clock.
final class ControlQuarterTests: XCTestCase {
    /// Feeds main-meter samples with an import register, like a DSMR 5 meter every second.
    struct Meter {
        var registerKWh = 12_345.0
        var last: Date?
        var powerW = 0.0
        /// Advances to `t` at `powerW` (import) and returns the reading.
        mutating func sample(at t: Date, powerW w: Double, registers: Bool = true, quarterKW: Double? = nil) -> GridMeasurement {
            if let l = last { registerKWh += max(0, powerW) * t.timeIntervalSince(l) / 3_600_000 }
            last = t; powerW = w
            let a = w / 690
            return GridMeasurement(meterTime: t, meter: MeterMeasurement(currents: .all(a), powerW: w, importKWh: registers ? registerKWh : nil),
                                   quarterAverageKW: quarterKW)
        }
    }

    func site(slider: Double, follow: Bool = false, points: Int = 0, buffer: Double = 2,
              rampS: Double = ChargePointConfig.defaultRampS) -> Controller {
        var b = SiteBuilder(gridA: 63, sliderKW: slider, bufferA: buffer)
        b.config.site.followMonthPeak = follow
        for i in 0..<points { b.point("cp\(i + 1)") }
        for i in b.config.chargepoints.indices { b.config.chargepoints[i].rampS = rampS }
        return Controller(config: b.config)
    }

    /// Runs the meter at `powerW` from `from` (inclusive) to `to` (exclusive), one decision per second.
    func run(_ c: Controller, _ m: inout Meter, from: Date, to: Date, powerW: Double, step: Double = 1, registers: Bool = true) {
        var t = from
        var input = ControlInput.empty(for: c.site)
        for i in 0..<c.site.pointCount { input.points[i] = PointReading(status: noCar) }
        while t < to {
            input.grid = m.sample(at: t, powerW: powerW, registers: registers); input.gridAgeS = 0
            _ = c.decide(input, now: t)
            t = t.addingTimeInterval(step)
        }
    }

    func decideWithCars(_ c: Controller, _ m: inout Meter, at t: Date, houseW: Double, cars: [String: ChargePointStatus]) -> Decision {
        var w = houseW
        for (_, st) in cars { w += st.powerW ?? 0 }
        var input = ControlInput.make(site: c.site, grid: m.sample(at: t, powerW: w), gridAgeS: 0,
                                      points: cars.mapValues { PointReading(status: $0) })
        input.grid!.meter.currents = .all(houseW / 690) + .all(cars.values.map { $0.currents.l1 }.reduce(0, +))
        return c.decide(input, now: t)
    }

    /// Five minutes at 15 kW under a 9 kW slider: 1.25 of 2.25 kWh used, 1.0 kWh left for 600 s:
    /// 6.0 kW allowed for the rest of the quarter.
    func testQuarterThatStartsHeavy() {
        let c = site(slider: 9, points: 1, buffer: 0)
        var m = Meter()
        let t0 = brussels(2025, 5, 6, 10, 0)
        run(c, &m, from: t0, to: t0.addingTimeInterval(300), powerW: 15_000)
        let d = decideWithCars(c, &m, at: t0.addingTimeInterval(300), houseW: 500, cars: ["cp1": car(0, state: .connected)])
        let q = d.quarter!
        XCTAssertEqual(q.start, t0)
        XCTAssertEqual(q.importedKWh, 1.25, accuracy: 1e-6)
        XCTAssertEqual(q.allowedKW, 6.0, accuracy: 1e-6)
        XCTAssertEqual(q.averageKW, 15.0, accuracy: 1e-4)
        // Forecast at the present 0.5 kW: (1.25 + 0.5 * 600 / 3600) / 0.25 = 5.33 kW.
        XCTAssertEqual(q.forecastKW, (1.25 + 0.5 / 6) / 0.25, accuracy: 1e-6)
        // 6.0 - 0.5 kW for the car: 5500 / 690 = 7.97 A.
        XCTAssertEqual(d.point("cp1")!.setpointA, 7.9, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp1")!.line, "cp1 7.9 A: slider 9.0 kW (6.0 kW allowed now)")
    }

    /// Five minutes at 3 kW: 0.25 kWh used, 2.0 kWh left for 600 s: 12 kW allowed.
    func testQuarterThatStartsLight() {
        let c = site(slider: 9, points: 2)
        var m = Meter()
        let t0 = brussels(2025, 5, 6, 10, 15)
        run(c, &m, from: t0, to: t0.addingTimeInterval(300), powerW: 3000)
        let d = decideWithCars(c, &m, at: t0.addingTimeInterval(300), houseW: 500,
                               cars: ["cp1": car(0, state: .connected), "cp2": car(0, state: .connected)])
        XCTAssertEqual(d.quarter!.allowedKW, 12.0, accuracy: 1e-6)
        // 11.5 kW over two 3-phase cars: 8.33 A each.
        XCTAssertEqual(d.point("cp1")!.setpointA, 8.3, accuracy: 1e-9)
        XCTAssertEqual(d.point("cp2")!.line, "cp2 8.3 A: slider 9.0 kW (12.0 kW allowed now)")
    }

    /// A quarter run exactly at the slider keeps the slider's power to its last second (it used to
    /// collapse toward 0 in the last 30 s and cut every car at every quarter's end); a quarter
    /// ahead of its budget still gets less, spread over the 30 s floor, not over the seconds left.
    func testLastSecondsOfAQuarterOnTarget() {
        let c = site(slider: 9, points: 1, buffer: 0)
        var m = Meter()
        let t0 = brussels(2025, 5, 6, 11, 0)
        run(c, &m, from: t0, to: t0.addingTimeInterval(890), powerW: 9000)
        let d = decideWithCars(c, &m, at: t0.addingTimeInterval(890), houseW: 9000, cars: ["cp1": car(0, state: .connected)])
        XCTAssertEqual(d.quarter!.allowedKW, 9.0, accuracy: 1e-6)
        // 890 s at 12 kW: 2.9667 kWh of 2.25 allowed, none left when the last 30 s (and the 10 s
        // ramp before them) began (pace 0); 10 s left, all of them the ramp's at 12 kW:
        // (2.25 - 2.9667 - 12 × 10 / 3600 + 0 × 30 / 3600) × 3600 / 30 = -90 kW.
        let c2 = site(slider: 9, points: 1, buffer: 0)
        var m2 = Meter()
        run(c2, &m2, from: t0, to: t0.addingTimeInterval(890), powerW: 12_000)
        let d2 = decideWithCars(c2, &m2, at: t0.addingTimeInterval(890), houseW: 12_000, cars: ["cp1": car(0, state: .connected)])
        XCTAssertEqual(d2.quarter!.allowedKW, (2.25 - 12.0 * 900 / 3600) * 3600 / 30, accuracy: 1e-6)
    }

    /// A quarter a little ahead of its budget when its last 30 s begin (870 s at 9.1 kW: 0.0508
    /// kWh left for 30 s, a pace of 6.1 kW) keeps that pace to the end: after 10 s at 6.1 kW the
    /// allowed power is still 6.1 kW. Counting the seconds no longer left at the 9 kW target
    /// would allow 6.1 + (9 - 6.1) × 10 / 30 = 7.07 kW and close the quarter up to 3 Wh over.
    /// (The pace alone: without a ramp, which starts the 30 s a ramp earlier, see ControlRampTests.)
    func testLastSecondsOfAQuarterAheadOfItsBudgetKeepItsPace() {
        let c = site(slider: 9, points: 1, buffer: 0, rampS: 0)
        var m = Meter()
        let t0 = brussels(2025, 5, 6, 11, 0)
        run(c, &m, from: t0, to: t0.addingTimeInterval(870), powerW: 9100)
        run(c, &m, from: t0.addingTimeInterval(870), to: t0.addingTimeInterval(880), powerW: 6100)
        let d = decideWithCars(c, &m, at: t0.addingTimeInterval(880), houseW: 6100, cars: ["cp1": car(0, state: .connected)])
        XCTAssertEqual(d.quarter!.allowedKW, 6.1, accuracy: 1e-6)
    }

    /// The autumn DST day in Brussels has 100 quarters, the spring day 92, each 900 s long and
    /// starting at :00/:15/:30/:45 on the wall clock; the hour repeated at 02:00 is two sets.
    func testDSTDays() {
        for (day, expected) in [((2025, 10, 26), 100), ((2025, 3, 30), 92), ((2025, 6, 1), 96)] {
            let clock = QuarterClock(identifier: "Europe/Brussels")
            var tr = QuarterTracker(clock: clock, tunables: ControlTunables())
            let start = brussels(day.0, day.1, day.2, 0, 0)
            var cal = Calendar(identifier: .gregorian); cal.timeZone = clock.timeZone
            let end = cal.date(byAdding: .day, value: 1, to: start)!
            var m = Meter()
            var t = start
            var starts: [Date] = []
            while t <= end {
                tr.ingest(m.sample(at: t, powerW: 4000))
                if tr.state.start != starts.last { starts.append(tr.state.start!) }
                t = t.addingTimeInterval(30)
            }
            XCTAssertEqual(starts.count - 1, expected, "quarters on \(day)")
            for (a, b) in zip(starts, starts.dropFirst()) { XCTAssertEqual(b.timeIntervalSince(a), 900) }
            for s in starts {
                let c = cal.dateComponents([.minute, .second], from: s)
                XCTAssertTrue([0, 15, 30, 45].contains(c.minute!) && c.second == 0)
            }
            // Every closed quarter averaged the constant 4 kW: none stretched or shortened.
            for r in tr.state.history { XCTAssertEqual(r.averageKW, 4.0, accuracy: 1e-6) }
        }
        let clock = QuarterClock(identifier: "Europe/Brussels")
        let utc = { (h: Int, m: Int) in Date(timeIntervalSince1970: 1_761_436_800 + Double(h * 3600 + m * 60)) } // 2025-10-26 00:00Z
        XCTAssertEqual(clock.quarterStart(utc(0, 50)), utc(0, 45))   // 02:50 CEST -> 02:45 CEST
        XCTAssertEqual(clock.quarterStart(utc(1, 10)), utc(1, 0))    // 02:10 CET  -> 02:00 CET
        // A half-hour zone: quarters still on the local :00/:15/:30/:45.
        let ist = QuarterClock(identifier: "Asia/Kathmandu")   // UTC+5:45
        let t = Date(timeIntervalSince1970: 1_750_000_000)     // 2025-06-15 15:06:40Z = 20:51:40 local
        XCTAssertEqual(ist.quarterStart(t).timeIntervalSince1970, 1_750_000_000 - 400)   // 20:45 local
    }

    /// The month's peak is the highest closed quarter of the month on the wall clock; a new month
    /// starts from zero. With follow_month_peak the target rises to a peak the month already has.
    func testMonthChangeAndFollowMonthPeak() {
        let c = site(slider: 4, follow: true)
        var m = Meter()
        let t0 = brussels(2025, 1, 31, 23, 0)
        run(c, &m, from: t0, to: brussels(2025, 1, 31, 23, 30), powerW: 3000)
        run(c, &m, from: brussels(2025, 1, 31, 23, 30), to: brussels(2025, 1, 31, 23, 45), powerW: 7000)
        run(c, &m, from: brussels(2025, 1, 31, 23, 45), to: brussels(2025, 1, 31, 23, 50), powerW: 3000)
        XCTAssertEqual(c.quarterState.monthPeakKW, 7.0, accuracy: 1e-6)
        XCTAssertEqual(c.quarterState.monthPeakTime, brussels(2025, 1, 31, 23, 30))
        var input = ControlInput.empty(for: c.site)
        input.grid = m.sample(at: brussels(2025, 1, 31, 23, 50), powerW: 3000); input.gridAgeS = 0
        var d = c.decide(input, now: brussels(2025, 1, 31, 23, 50))
        XCTAssertEqual(d.quarter!.targetKW, 7.0, accuracy: 1e-9)
        run(c, &m, from: brussels(2025, 1, 31, 23, 50, 1), to: brussels(2025, 2, 1, 0, 5), powerW: 3000)
        XCTAssertEqual(c.quarterState.monthPeakKW, 0)
        input.grid = m.sample(at: brussels(2025, 2, 1, 0, 5), powerW: 3000)
        d = c.decide(input, now: brussels(2025, 2, 1, 0, 5))
        XCTAssertEqual(d.quarter!.targetKW, 4.0, accuracy: 1e-9)
        XCTAssertEqual(d.quarter!.monthPeakKW, 0)
        // The last January quarter went to January's history, not to February's peak.
        XCTAssertEqual(c.quarterState.history.last!.start, brussels(2025, 1, 31, 23, 45))
        run(c, &m, from: brussels(2025, 2, 1, 0, 5, 1), to: brussels(2025, 2, 1, 0, 16), powerW: 3000)
        XCTAssertEqual(c.quarterState.monthPeakKW, 3.0, accuracy: 1e-6)
    }

    /// A restart mid-quarter with the persisted state gives the same quarter as no restart.
    func testRestartMidQuarterRestoresState() throws {
        let t0 = brussels(2025, 5, 6, 11, 0)
        for registers in [true, false] {
            let plain = site(slider: 9, points: 1)
            var m1 = Meter()
            run(plain, &m1, from: t0, to: t0.addingTimeInterval(600), powerW: 8000, registers: registers)

            let before = site(slider: 9, points: 1)
            var m2 = Meter()
            run(before, &m2, from: t0, to: t0.addingTimeInterval(400), powerW: 8000, registers: registers)
            let saved = try JSONEncoder().encode(before.state)
            // 20 s without the hub, then a new process restores the state.
            let after = site(slider: 9, points: 1)
            after.restore(try JSONDecoder().decode(ControllerState.self, from: saved))
            var m3 = m2
            run(after, &m3, from: t0.addingTimeInterval(420), to: t0.addingTimeInterval(600), powerW: 8000, registers: registers)
            XCTAssertEqual(after.quarterState.energyKWh, plain.quarterState.energyKWh, accuracy: 1e-9)
            XCTAssertEqual(after.quarterState.energyKWh, 8.0 * 599 / 3600, accuracy: 1e-6)   // samples 0…599 s
            XCTAssertEqual(after.quarterState.unknownS, 0)
        }
        // Without persisted state the seen part is exact and the unseen part assumed at the target.
        let fresh = site(slider: 9)
        var m = Meter()
        run(fresh, &m, from: t0.addingTimeInterval(420), to: t0.addingTimeInterval(600), powerW: 8000)
        var input = ControlInput.empty(for: fresh.site)
        input.grid = m.sample(at: t0.addingTimeInterval(600), powerW: 8000); input.gridAgeS = 0
        let q = fresh.decide(input, now: t0.addingTimeInterval(600)).quarter!
        XCTAssertEqual(q.unknownS, 420)
        // 2.25 kWh minus 0.4 kWh seen (3 min at 8 kW) minus 1.05 kWh assumed (7 min at 9 kW), over 300 s.
        let seen: Double = 8.0 * 180 / 3600
        let assumed: Double = 9.0 * 420 / 3600
        XCTAssertEqual(q.allowedKW, (2.25 - seen - assumed) * 3600 / 300, accuracy: 1e-6)
        // The meter's own 1.4.0 replaces the assumption: 6.0 kW so far over the quarter = 1.5 kWh.
        input.grid = m.sample(at: t0.addingTimeInterval(601), powerW: 8000, quarterKW: 6.0)
        let q2 = fresh.decide(input, now: t0.addingTimeInterval(601)).quarter!
        XCTAssertEqual(q2.importedKWh, 1.5, accuracy: 1e-9)
        XCTAssertEqual(q2.allowedKW, (2.25 - 1.5) * 3600 / 299, accuracy: 1e-6)
    }

    /// A running car keeps its turn and setpoint across a restart (no restart jump, no re-send).
    func testRestartKeepsPointMemory() throws {
        let t0 = brussels(2025, 5, 6, 12, 0)
        let c1 = site(slider: 20, points: 1)
        var m = Meter()
        var d = decideWithCars(c1, &m, at: t0, houseW: 1000, cars: ["cp1": car(0, state: .connected)])
        XCTAssertEqual(d.point("cp1")!.setpointA, 16)
        d = decideWithCars(c1, &m, at: t0.addingTimeInterval(1), houseW: 1000, cars: ["cp1": car(16)])
        XCTAssertFalse(d.point("cp1")!.send)
        let c2 = site(slider: 20, points: 1)
        c2.restore(try JSONDecoder().decode(ControllerState.self, from: JSONEncoder().encode(c1.state)))
        d = decideWithCars(c2, &m, at: t0.addingTimeInterval(5), houseW: 1000, cars: ["cp1": car(16)])
        XCTAssertEqual(d.point("cp1")!.setpointA, 16)
        XCTAssertFalse(d.point("cp1")!.send)
        XCTAssertEqual(c2.state.points["cp1"]!.runningSince, t0)
    }

    /// The meter's 1.4.0 is cross-checked; a disagreement is reported, not silently used.
    func testCrossCheckWithMeterQuarterAverage() {
        let c = site(slider: 9)
        var m = Meter()
        let t0 = brussels(2025, 5, 6, 13, 0)
        run(c, &m, from: t0, to: t0.addingTimeInterval(120), powerW: 6000)
        var input = ControlInput.empty(for: c.site)
        // 2 min at 6 kW = 0.2 kWh: the meter agrees with 0.8 kW (0.2 kWh over the quarter).
        input.grid = m.sample(at: t0.addingTimeInterval(120), powerW: 6000, quarterKW: 0.8); input.gridAgeS = 0
        var d = c.decide(input, now: t0.addingTimeInterval(120))
        XCTAssertTrue(d.warnings.isEmpty, "\(d.warnings)")
        XCTAssertEqual(d.quarter!.meterAverageKW, 0.8)
        input.grid = m.sample(at: t0.addingTimeInterval(121), powerW: 6000, quarterKW: 2.0)
        d = c.decide(input, now: t0.addingTimeInterval(121))
        XCTAssertEqual(d.warnings, ["meter 1-0:1.4.0 implies 2.0 kW for the quarter so far, the core counts 0.8 kW"])
    }

    /// Flanders bills at least 2.5 kW: a lower slider is warned about.
    func testSliderBelowBilledFloorWarns() {
        let c = site(slider: 2.0)
        var m = Meter()
        var input = ControlInput.empty(for: c.site)
        input.grid = m.sample(at: brussels(2025, 5, 6, 13, 0), powerW: 500); input.gridAgeS = 0
        let d = c.decide(input, now: brussels(2025, 5, 6, 13, 0))
        XCTAssertEqual(d.warnings, ["slider 2.0 kW is below the 2.5 kW Flanders bills at least"])
    }
}
