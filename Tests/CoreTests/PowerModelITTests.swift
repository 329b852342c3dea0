import XCTest
@testable import KwartierCore

/// IT networks (3x230 V, no neutral): a 3-phase car drawing I A per line takes sqrt(3) x 230 x I,
/// not 3 x 230 x I. The core and the simulated site share `PowerModel`, so a backtest sees it.
final class PowerModelITTests: XCTestCase {
    func testWattsPerAmpPerNetwork() {
        let tn = PowerModel(network: .TN, voltage: 230), it = PowerModel(network: .IT, voltage: 230)
        XCTAssertEqual(tn.watts(amps: 16, phases: 3), 11_040)
        XCTAssertEqual(tn.watts(amps: 16, phases: 1), 3_680)
        XCTAssertEqual(it.watts(amps: 16, phases: 3), 6_373.947, accuracy: 0.001)   // 16 x 230 x 1.7320508
        XCTAssertEqual(it.watts(amps: 16, phases: 1, lineToLine: true), 3_680)
        XCTAssertEqual(it.watts(amps: 16, phases: 2), 3_680, "two terminals on IT: one load between two lines")
    }

    /// 7 kW slider, 0.3 kW house: a 16 A 3-phase car takes 6.37 kW on IT and fits at its maximum;
    /// budgeted at 3 x 230 x I it would get (7000 - 300) / 690 = 9.7 A.
    func testThreePhaseCarOnITGetsItsMaximumUnderASliderThatOnlyFitsWithTheRightFormula() {
        var b = SiteBuilder(gridA: 40, network: .IT, sliderKW: 7, bufferA: 0)
        b.point("cp1", phases: "L1L2L3", maxA: 16)
        let c = Controller(config: b.config, tunables: exactTunables(b.config.site))
        let t0 = brussels(2026, 11, 2, 10, 0, 5)
        var r = car(16)
        r.powerW = 16 * 3.0.squareRoot() * 230
        let g = gridReading(at: t0, site: c.site, nonManagedA: .all(0.75), nonManagedW: 300, points: ["cp1": r])
        var input = ControlInput.make(site: c.site, grid: g, gridAgeS: 0,
                                      points: ["cp1": PointReading(status: r)])
        _ = c.decide(input, now: t0)
        let t1 = t0.addingTimeInterval(1)
        input.grid = gridReading(at: t1, site: c.site, nonManagedA: .all(0.75), nonManagedW: 300, points: ["cp1": r])
        let d = c.decide(input, now: t1)
        XCTAssertEqual(d.point("cp1")?.setpointA, 16)
        XCTAssertEqual(d.point("cp1")?.explanation.kind, .pointMax)
        XCTAssertEqual(d.consumers?.carsPlannedW ?? 0, 6_373.947, accuracy: 0.001)
    }

    /// The same kind of site simulated under an 8 kW slider: the virtual meter adds the car's true
    /// power. The car runs at 16 A (6.37 kW) whenever the house leaves room for it (the house peaks
    /// near 3.3 kW from 08:45), and no quarter goes over. Budgeted at 3 x 230 x I it could never
    /// take more than (8 - 0.3) / 0.69 = 11.2 A: at most 11.2 x 0.398 x 1.75 h = 7.8 kWh.
    func testSimulatedITSiteChargesAtMaximumAndKeepsTheSlider() throws {
        let yaml = """
        site: { name: IT test, network: IT, voltage: 230, slider_kw: 8, start_buffer_a: 0 }
        grid: { fuse_a: 40, meter: p1 }
        meters:
          p1: { type: p1, simulated: true, stale_after_s: 10 }
        chargepoints:
          cp1: { board: grid, driver: simulated, simulated: true, phases: L1L2L3, max_a: 16 }
        """
        let config = try ConfigLoader().load(yaml: yaml, file: "it.yaml").0
        let s = try SimScenario.load(yaml: """
            name: it-one-car
            start: "2026-11-02 07:45"
            hours: 2
            seed: 3
            house: { base_w: [100, 100, 100] }
            cars:
              - { point: cp1, arrive: "08:00", leave: "12:00", battery_kwh: 80, soc: 20, phases: 3 }
            """)
        let bt = Backtest(config: config, scenario: s)
        let (runner, brain) = try bt.kwartierRunner()
        _ = runner.run()
        let r = Backtest.report(runner, brain: brain)
        XCTAssertEqual(r.violations, 0)
        XCTAssertEqual(r.quarters_over_slider, 0)
        XCTAssertLessThanOrEqual(r.max_quarter_kw, 8)
        XCTAssertGreaterThan(r.max_quarter_kw, 6.374, "the meter sees the car's 6.37 kW and the house")
        XCTAssertGreaterThan(r.energy_delivered_kwh, 10, "more than 3 x 230 x I would ever allow")
        // Uncontrolled, the car takes 16 A for 1.75 h: 1.75 h x 6.374 kW on the simulated meter too.
        let unc = try bt.baselineRunner(.uncontrolled).run()
        XCTAssertEqual(unc.energy_delivered_kwh, 1.75 * 6.374, accuracy: 0.05)
        XCTAssertEqual(unc.import_kwh - unc.energy_delivered_kwh, r.import_kwh - r.energy_delivered_kwh, accuracy: 0.001,
                       "the meter counts the car at its true power: the rest is the same house")
    }
}
