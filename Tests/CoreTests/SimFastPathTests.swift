import XCTest
@testable import KwartierCore

/// The simulation's shortcuts against the slow, obvious way: the e-MUCS writer against the P1
/// TelegramEncoder, the local clock and the quarter/month caches against Foundation's Calendar.
final class SimFastPathTests: XCTestCase {
    let brussels = TimeZone(identifier: "Europe/Brussels")!

    /// Byte for byte the encoder's telegram, over random states: registers wider than their
    /// field, export, empty and full histories, peaks with and without a time, both DST seasons.
    func testEMUCSWriterWritesTheEncodersBytes() {
        var rng = SimRandom(seed: 99)
        let writer = EMUCSWriter()
        let meter0 = VirtualP1Meter()
        var m = VirtualMeterState(timeZone: brussels)
        for k in 0..<3000 {
            if k % 100 == 0 {
                m.history = (0..<Int(rng.range(0, 16))).map { i in
                    VirtualMeterState.MonthPeak(monthStart: Date(timeIntervalSince1970: 1_700_000_000 + Double(i) * 2_629_800),
                                                peakTime: rng.chance(0.2) ? nil : Date(timeIntervalSince1970: 1_700_100_000 + Double(i) * 2_629_800),
                                                kw: rng.range(0, 40))
                }
            }
            m.importKWh = [rng.range(0, k % 7 == 0 ? 5_000_000 : 99_999), rng.range(0, 99_999)]
            m.exportKWh = [rng.range(0, 9_999), k % 11 == 0 ? -3 : rng.range(0, 9_999)]
            m.tariff = rng.chance(0.5) ? 1 : 2
            m.quarterImportKWh = rng.range(0, k % 13 == 0 ? 40 : 6)
            m.monthPeakKW = rng.range(0, 120)
            m.monthPeakTime = rng.chance(0.1) ? nil : Date(timeIntervalSince1970: rng.range(1.7e9, 1.8e9).rounded())
            let grid = PhaseValues(rng.range(-25_000, 40_000), rng.range(-25_000, 40_000), k % 17 == 0 ? .nan : rng.range(-25_000, 40_000))
            let voltage = k % 5 == 0 ? 400.0 : 230.0
            let now = Date(timeIntervalSince1970: rng.range(1.7e9, 1.85e9).rounded())
            let want = meter0.encoder.encode(meter0.state(gridPhaseW: grid, voltage: voltage, meter: m, at: now))
            let got = writer.telegram(gridPhaseW: grid, voltage: voltage, meter: m, at: now)
            if got != want {
                XCTFail("case \(k): \n\(String(decoding: got, as: UTF8.self))\nwanted\n\(String(decoding: want, as: UTF8.self))")
                return
            }
        }
    }

    /// The runner's maker goes through the writer and the hub decodes every telegram.
    func testMakerTelegramsDecode() throws {
        let c = try ConfigLoader().load(yaml: DemoSite.yaml, file: "demo").0
        var s = SimScenario.demo
        s.start = "2026-03-29 01:50"   // across the spring DST change
        s.hours = 0.5
        let bt = Backtest(config: c, scenario: s)
        let (r, brain) = try bt.kwartierRunner()
        let rep = r.run()
        XCTAssertEqual(rep.steps, 1800)
        XCTAssertEqual(brain.telegrams, 1800)
        XCTAssertEqual(brain.crcFailures, 0)
        XCTAssertEqual(r.lastTelegram, VirtualP1Meter().telegram(site: r.site, meter: r.meter, at: r.now))
    }

    /// Local seconds of day and weekday, as Calendar gives them, around DST changes in zones
    /// with whole-hour, half-hour and 45-minute offsets.
    func testLocalClockAgreesWithCalendar() {
        for (zone, around) in [("Europe/Brussels", 1_774_746_000.0), ("Europe/Brussels", 1_792_890_000),
                               ("America/New_York", 1_772_953_200), ("Australia/Lord_Howe", 1_775_318_400),
                               ("Asia/Kathmandu", 1_780_000_000)] {
            let tz = TimeZone(identifier: zone)!
            var clock = LocalClock(timeZone: tz)
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = tz
            var t = around - 30 * 3600
            while t < around + 30 * 3600 {
                let d = Date(timeIntervalSince1970: t)
                let c = cal.dateComponents([.hour, .minute, .second, .weekday], from: d)
                XCTAssertEqual(clock.secondsOfDay(d), c.hour! * 3600 + c.minute! * 60 + c.second!, "\(zone) \(d)")
                XCTAssertEqual(clock.weekday(d), c.weekday!, "\(zone) \(d)")
                t += 397
            }
        }
    }

    /// Quarter starts without a Calendar equal the wall clock's (t less its minutes past the
    /// quarter and its seconds, from Calendar components), through both DST changes, the
    /// repeated autumn hour included; the month cache closes months where the Calendar says.
    func testMeterQuartersAndMonthsMatchTheCalendar() {
        var m = VirtualMeterState(timeZone: brussels)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = brussels
        for around in [1_774_746_000.0, 1_792_890_000] {
            var t = around - 5 * 3600
            while t < around + 5 * 3600 {
                let d = Date(timeIntervalSince1970: t)
                let c = cal.dateComponents([.minute, .second], from: d)
                let wall = d.addingTimeInterval(-Double(c.minute! % 15 * 60 + c.second!))
                XCTAssertEqual(m.fastQuarterStart(of: d), wall, "\(d)")
                XCTAssertEqual(m.quarterStart(of: d), wall, "\(d)")
                XCTAssertEqual(m.cachedMonthStart(of: d), m.monthStart(of: d), "\(d)")
                t += 61
            }
        }
        // 2026-10-31 22:00 local to 2026-11-01 02:00: one month closes at local midnight.
        var meter = VirtualMeterState(timeZone: brussels)
        let t0 = Date(timeIntervalSince1970: 1_793_480_400)
        for s in 1...(4 * 3600) { meter.integrate(gridW: s <= 7200 ? 4000 : 8000, dt: 1, at: t0.addingTimeInterval(Double(s))) }
        XCTAssertEqual(meter.history.count, 1)
        XCTAssertEqual(meter.history[0].kw, 4, accuracy: 1e-9)
        XCTAssertEqual(meter.history[0].monthStart, meter.monthStart(of: t0))
        XCTAssertEqual(meter.completedQuarters.count, 16)
    }

    /// The tariff register follows the Belgian rule on the local clock: weekdays 07:00–22:00 day.
    func testTariffFollowsTheLocalClock() {
        var m = VirtualMeterState(timeZone: brussels)
        // Monday 2026-06-15: 06:59:59 night, 07:00:00 day (UTC+2); Saturday is night all day.
        let mon0659 = Date(timeIntervalSince1970: 1_781_499_599)
        m.integrate(gridW: 1000, dt: 1, at: mon0659)
        XCTAssertEqual(m.tariff, 2)
        m.integrate(gridW: 1000, dt: 1, at: mon0659.addingTimeInterval(1))
        XCTAssertEqual(m.tariff, 1)
        m.integrate(gridW: 1000, dt: 1, at: mon0659.addingTimeInterval(5 * 86_400 + 5 * 3600))
        XCTAssertEqual(m.tariff, 2)
    }
}

final class SimScenarioFormatTests: XCTestCase {
    func invalid(_ yaml: String) -> String? {
        do { _ = try SimScenario.load(yaml: yaml); return nil } catch { return "\(error)" }
    }

    func testUnknownKeysAreRefusedWithTheNearestKnownOne() {
        XCTAssertEqual(invalid("name: x\nsed: 3\n"), "sed: unknown key (line 2) — did you mean 'seed'?")
        XCTAssertEqual(invalid("name: x\ncars:\n  - { point: cp1, arrive: \"08:00\", leave: \"09:00\", phase: 1 }\n"),
                       "cars[1].phase: unknown key (line 3) — did you mean 'phases'?")
        XCTAssertEqual(invalid("name: x\npv: { kwp: 5, wether: [clear] }\n"), "pv.wether: unknown key (line 2) — did you mean 'weather'?")
    }

    func testBadValuesAreRefused() {
        XCTAssertEqual(invalid("name: x\ndays: 0\n"), "days: 0 is out of range (1 to 366)")
        XCTAssertEqual(invalid("name: x\ngenerate: { arrive: \"22:00-02:00\" }\n"),
                       "generate.arrive: '22:00-02:00' must be HH:MM-HH:MM within one day, e.g. 07:30-10:00")
        XCTAssertEqual(invalid("name: x\ncars:\n  - { point: cp1, arrive: \"08:00\", leave: \"09:00\", phases: 4 }\n"),
                       "cars[1].phases: 4: a car charges on 1, 2 or 3 phases")
        XCTAssertEqual(invalid("name: x\nslider_kw: 0\n"), "slider_kw: 0.0 kW is out of range (0.5 to 10000)")
        XCTAssertEqual(invalid(""), "(file): the file is empty")
        XCTAssertNotNil(invalid("name: x\ndays: many\n"))
    }

    func testDecodingErrorsSayWhichKey() {
        do { _ = try SimScenario.parse(yaml: "days: 2\n"); XCTFail("no name") } catch let e as DecodingError {
            XCTAssertEqual(SimScenario.describe(e), "missing key 'name'")
        } catch { XCTFail("\(error)") }
        do { _ = try SimScenario.parse(yaml: "name: x\ndays: many\n"); XCTFail("bad days") } catch let e as DecodingError {
            XCTAssertEqual(SimScenario.describe(e), "'days' should be a number")
        } catch { XCTFail("\(error)") }
    }

    /// A start time of day and `hours` make a window; car times stay relative to midnight.
    func testWindowStartsAtTheGivenTimeAndRunsItsHours() throws {
        let c = try ConfigLoader().load(yaml: DemoSite.yaml, file: "demo").0
        var s = SimScenario.demo
        s.start = "2026-06-15 10:00"
        s.hours = 0.25
        let r = try SimulationRunner(config: c, scenario: s, brain: BaselineBrain(.static, config: c), makeTelegram: nil)
        XCTAssertEqual(r.start, Date(timeIntervalSince1970: 1_781_510_400))   // 10:00 CEST
        let rep = r.run()
        XCTAssertEqual(rep.steps, 900)
        XCTAssertEqual(rep.hours, 0.25)
        XCTAssertEqual(r.now, r.end)
        XCTAssertEqual(rep.quarter_kw?.count, 1)
        XCTAssertEqual(rep.first_quarter, r.start)
        s.start = "2026-06-15 25:00"
        XCTAssertThrowsError(try SimSiteBuilder.startDate(s, TimeZone(identifier: "Europe/Brussels")!))
    }

    /// `--days` beyond the scenario's generates more days; the first days' cars do not change.
    func testMoreDaysKeepTheFirstDaysCars() throws {
        let c = try ConfigLoader().load(yaml: DemoSite.yaml, file: "demo").0
        var s = SimScenario.demo
        let one = try SimSiteBuilder.build(config: c, scenario: s)
        s.days = 3
        let three = try SimSiteBuilder.build(config: c, scenario: s)
        let first = one.allCarsScheduled.map(\.name)
        XCTAssertGreaterThan(three.allCarsScheduled.count, 2 * first.count)
        XCTAssertEqual(Array(three.allCarsScheduled.map(\.name).prefix(first.count)).sorted(), first.sorted())
    }
}

final class SimTraceTests: XCTestCase {
    func testTimesAreLocalISO8601() {
        let f = ISO8601DateFormatter()
        for zone in ["Europe/Brussels", "America/St_Johns", "Asia/Kathmandu", "UTC"] {
            let tz = TimeZone(identifier: zone)!
            f.timeZone = tz
            var trace = SimTrace(timeZone: tz)
            for t in stride(from: 1_774_700_000.0, to: 1_774_800_000, by: 3_333) {
                let d = Date(timeIntervalSince1970: t)
                XCTAssertEqual(trace.isoTime(d), f.string(from: d).replacingOccurrences(of: "Z", with: "+00:00"), zone)
            }
        }
    }

    /// Every decision of a short run is one JSON object with the documented keys.
    func testLinesAreJSONWithTheExplanations() throws {
        let c = try ConfigLoader().load(yaml: DemoSite.yaml, file: "demo").0
        var s = SimScenario.demo
        s.start = "2026-06-15 11:00"
        s.hours = 0.05
        let bt = Backtest(config: c, scenario: s)
        let (r, brain) = try bt.kwartierRunner()
        var trace = SimTrace(timeZone: SimSiteBuilder.timeZone(bt.config))
        var lines: [String] = []
        brain.trace = { step, now in lines.append(trace.line(step, now: now)) }
        _ = r.run()
        XCTAssertEqual(lines.count, 180)
        let last = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as? [String: Any])
        XCTAssertEqual(last["time"] as? String, "2026-06-15T11:03:00+02:00")
        XCTAssertEqual(last["safe_state"] as? Bool, false)
        let points = try XCTUnwrap(last["points"] as? [[String: Any]])
        XCTAssertEqual(points.map { $0["id"] as? String }, ["cp1", "cp2", "cp3", "cp4", "cp5", "cp6", "cp7", "cp8"])
        for p in points {
            XCTAssertNotNil(p["setpoint_a"] as? Double)
            XCTAssertNotNil(p["kind"] as? String)
            XCTAssertFalse((p["text"] as? String ?? "").isEmpty)
            XCTAssertNotNil(p["send"] as? Bool)
        }
        let q = try XCTUnwrap(last["quarter"] as? [String: Any])
        XCTAssertEqual(q["target_kw"] as? Double, 15)
        let relays = try XCTUnwrap(last["relays"] as? [[String: Any]])
        XCTAssertEqual(relays.map { $0["id"] as? String }, ["heatpump", "boiler"])
        XCTAssertEqual(SimTrace.quoted("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"")
    }
}
