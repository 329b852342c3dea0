import XCTest
@testable import KwartierCore

/// The wiring check in `run`: a point whose current moves a grid line its configured rotation
/// does not load raises a warning alert; the other points' steps (through their own wiring) and
/// the house's wandering do not make a false one.
final class WiringWatchTests: XCTestCase {
    let t0 = brussels(2026, 3, 10, 10, 0, 7)

    /// One second of a site: cp1 a 1-phase car actually on `cp1Line`, cp2 a 3-phase car wired
    /// L3L1L2 (as configured); both change current now and then, often at the same second; the
    /// house wanders by up to ±1 A per line each second.
    struct Site {
        var rng = SimRandom(seed: 21)
        var house = PhaseValues(5, 4, 6)
        var a1 = 10.0, a2 = 8.0
        var cp1Line: Phase

        mutating func second(_ k: Int) -> (cp1: PhaseValues, cp2: PhaseValues, grid: PhaseValues) {
            house = house + PhaseValues(rng.range(-1, 1), rng.range(-1, 1), rng.range(-1, 1))
            house = PhaseValues(min(9, max(1, house.l1)), min(9, max(1, house.l2)), min(9, max(1, house.l3)))
            if k % 7 == 0 { a1 = rng.range(6, 16).rounded() }
            if k % 7 == 0 || k % 11 == 0 { a2 = rng.range(6, 16).rounded() }    // together with cp1 at every 7th second
            let t1 = PhaseValues(a1, 0, 0), t2 = PhaseValues.all(a2)
            var g = house + PhaseMap(name: "L3L1L2")!.gridCurrents(terminalCurrents: t2)
            g[cp1Line] += a1
            return (t1, t2, g)
        }
    }

    func run(_ watch: inout WiringWatch, _ site: inout Site, seconds: Int, from: Int = 0) -> [AlertEvent] {
        var out: [AlertEvent] = []
        for k in from..<(from + seconds) {
            let s = site.second(k)
            out += watch.observe(points: [s.cp1, s.cp2], grid: s.grid, mono: 1000 + Double(k), now: t0.addingTimeInterval(Double(k)))
        }
        return out
    }

    func testAMiswiredPointRaisesAWarningAndAFixClearsIt() {
        var w = WiringWatch(points: [("cp1", PhaseMap(name: "L1L2L3")!), ("cp2", PhaseMap(name: "L3L1L2")!)])
        var site = Site(cp1Line: .l2)
        let raised = run(&w, &site, seconds: 181)
        XCTAssertEqual(raised.map(\.key), ["wiring:cp1"], "\(raised.map(\.text))")
        let a = raised[0]
        XCTAssertTrue(a.active)
        XCTAssertEqual(a.level, .warning)
        XCTAssertTrue(a.text.hasPrefix("cp1: its current moves a line its phases: L1L2L3 do not load (terminal 1 on L2 (0.9"), a.text)
        XCTAssertTrue(a.text.hasSuffix("check with `kwartier commission phases --point cp1`"), a.text)
        XCTAssertEqual(w.raised, ["cp1"])
        // Raised once, not every minute.
        XCTAssertEqual(run(&w, &site, seconds: 120, from: 181), [])
        // Rewired as configured: once the window holds only the new wiring, the alert clears.
        site.cp1Line = .l1
        let cleared = run(&w, &site, seconds: 300, from: 301)
        XCTAssertEqual(cleared.map(\.key), ["wiring:cp1"])
        XCTAssertEqual(cleared.first?.active, false)
        XCTAssertEqual(cleared.first?.text, "cp1: its current follows its phases: L1L2L3 again")
    }

    /// Correct wiring for an hour: never an alert.
    func testCorrectWiringRaisesNothing() {
        var w = WiringWatch(points: [("cp1", PhaseMap(name: "L1L2L3")!), ("cp2", PhaseMap(name: "L3L1L2")!)])
        var site = Site(cp1Line: .l1)
        XCTAssertEqual(run(&w, &site, seconds: 3600), [])
    }

    /// Through the loop: the alert goes out as an effect, is logged and kept for the dashboard.
    func testTheLoopRaisesItFromItsOwnReadings() {
        var b = SiteBuilder(gridA: 40, sliderKW: 50)
        b.point("cp1", phases: "L1L2L3")
        b.point("cp2", phases: "L3L1L2")
        let shell = TestShell(b.config, start: t0)
        shell.send(.start)
        var site = Site(cp1Line: .l2)
        var alerts: [AlertEvent] = []
        var logs: [String] = []
        for k in 0..<200 {
            let s = site.second(k)
            shell.advance(1)
            let st1 = ChargePointStatus(state: .charging, currents: s.cp1, powerW: s.cp1.sum * 230)
            let st2 = ChargePointStatus(state: .charging, currents: s.cp2, powerW: s.cp2.sum * 230)
            // The round: the telegram, then both chargers' fresh statuses.
            var fx = shell.send(.grid(GridMeasurement(meterTime: shell.clock.now, meter: MeterMeasurement(currents: s.grid, powerW: s.grid.sum * 230))))
            while let i = shell.outstanding.first {
                fx += shell.answer(shell.loop.devices.points[i].id, i == 0 ? st1 : st2)
            }
            alerts += fx.compactMap { if case .alert(let a) = $0 { return a }; return nil }
            logs += fx.compactMap { if case let .log(.warning, t) = $0 { return t }; return nil }
        }
        XCTAssertEqual(alerts.map(\.key), ["wiring:cp1"])
        XCTAssertTrue(logs.contains { $0.hasPrefix("alert: cp1: its current moves a line its phases: L1L2L3 do not load") }, "\(logs)")
        XCTAssertTrue(shell.loop.site.alertLog.contains { $0.key == "wiring:cp1" && $0.active })
    }
}

/// Correctly wired simulated sites (every shipped scenario's wiring is what its configuration
/// says): a day of cars starting, stopping, rotating and ramping together raises no wiring alert.
final class WiringWatchScenarioTests: XCTestCase {
    func testNoFalseAlertOverAShippedDay() throws {
        for name in ["carpark-20-tight", "seed-one-and-three-phase", "home-car-heatpump"] {
            var s = try SimTestSupport.scenario(name)
            s.days = 1
            let bt = Backtest(config: try SimTestSupport.config(for: s), scenario: s)
            var wiring: [String] = []
            let (runner, _) = try bt.kwartierRunner(outbox: { e in
                if case .alert(let a) = e, a.key.hasPrefix("wiring:") { wiring.append(a.text) }
            })
            _ = runner.run()
            XCTAssertEqual(wiring, [], name)
        }
    }
}
