import Foundation
import XCTest
@testable import KwartierCore

/// A car "ready by 07:00 with 20 kWh" on the simulated home (examples/home.yaml: slider 5 kW,
/// one point with 1p/3p switching, the boiler on its 02:00–05:00 timer), over a night with a
/// cheap window. Deterministic: the figures are this scenario's.
final class SimCarPlanTests: XCTestCase {
    func home() throws -> SiteConfig {
        let text = try String(contentsOf: SimTestSupport.repo.appendingPathComponent("examples/home.yaml"), encoding: .utf8)
        return try ConfigLoader().load(yaml: text, file: "home.yaml").0
    }

    /// €/MWh per local hour of 31 July and 1 August 2023: 19:00–23:00 120…80, then 00:00 60,
    /// 01:00 40, 02:00 20, 03:00 30, 04:00 50, 05:00 70, 06:00 80, 07:00 10 (after the deadline).
    static let prices: [Double] = [Double](repeating: 100, count: 19) + [120, 110, 100, 90, 80]
        + [60, 40, 20, 30, 50, 70, 80, 10] + [Double](repeating: 100, count: 16)

    func scenario(readyBy: Bool, prices: Bool = true) throws -> SimScenario {
        var s = try SimTestSupport.scenario("home-energy")
        s.pv = nil; s.battery = nil
        s.start = "2023-07-31 21:55"; s.days = 1; s.hours = 9.75
        var car = SimScenario.CarSpec(point: "car", arrive: "22:00", leave: "D+1 07:30", battery_kwh: 60, soc: 20, target: 100, phases: 3)
        if readyBy { car.ready_by = "07:00"; car.energy_kwh = 20 }
        s.cars = [car]
        s.energy = prices ? SimEnergySpec(prices: .init(step_min: 60, eur_per_mwh: Self.prices), formula: .init(),
                                          capacity_tariff: 4, feed_cars: false, curtail: false, mode: .plan) : nil
        return s
    }

    /// The car's energy per local hour (kWh, rounded to Wh), and the report.
    func run(_ s: SimScenario) throws -> (perHour: [Int: Double], report: SimReport, lines: [String: String]) {
        let bt = Backtest(config: try home(), scenario: s)
        let (runner, brain) = try bt.kwartierRunner()
        let tz = SimSiteBuilder.timeZone(bt.config)
        var cal = Calendar(identifier: .gregorian); cal.timeZone = tz
        var kwh: [Int: Double] = [:]
        var lines: [String: String] = [:]
        while runner.now < runner.end {
            runner.step()
            let c = cal.dateComponents([.hour, .minute, .second], from: runner.now)
            kwh[c.hour!, default: 0] += runner.site.flows.chargeParkW / 3_600_000
            if c.minute! == 0 && c.second! == 30, let p = brain.lastStep?.decision.point("car") { lines[String(format: "%02d:00", c.hour!)] = p.line }
        }
        return (kwh.mapValues { ($0 * 1000).rounded() / 1000 }, Backtest.report(runner, brain: brain), lines)
    }

    /// Held from its arrival at 22:00 (80–90 €/MWh) until midnight; 00:00–06:00 in the
    /// cheapest quarters at the slider's room (the car on one phase: ~3.5 kW); the boiler's
    /// 02:00–05:00 timer takes part of the slider, so the car falls behind and 06:00 is picked
    /// as well; 19.992 kWh by 07:00 (20 asked, 10 Wh counts as ready). After the deadline it
    /// charges as usual (07:00–07:30).
    func testTheCarGetsItsEnergyInTheCheapestQuarters() throws {
        let r = try run(try scenario(readyBy: true))
        XCTAssertEqual(r.perHour, [21: 0, 22: 0, 23: 0, 0: 3.673, 1: 3.675, 2: 2.233, 3: 2.472, 4: 2.758, 5: 3.667, 6: 1.514, 7: 1.966])
        XCTAssertEqual((0...6).reduce(0) { $0 + r.perHour[$1]! }, 19.992, accuracy: 1e-9)
        XCTAssertEqual(r.lines["23:00"], "car waiting: waiting for the planned quarters 00:00–05:45, cheapest before 07:00")
        XCTAssertEqual(r.lines["00:00"], "car 15.1 A: planned quarter until 00:15: up to 3.5 kW, ready by 07:00")
        XCTAssertEqual(r.lines["06:00"], "car 15.1 A: planned quarter until 06:15: up to 3.5 kW, ready by 07:00")
        XCTAssertEqual(r.report.quarters_over_slider, 0)
    }

    /// The same visit without prices charges at once, as without a target (never stranded).
    func testWithoutPricesTheCarChargesAtOnce() throws {
        let r = try run(try scenario(readyBy: true, prices: false))
        XCTAssertEqual(r.perHour[22], 4.199)
        XCTAssertEqual(r.perHour[23], 4.464)
        XCTAssertEqual(r.report.quarters_over_slider, 0)
    }
}
