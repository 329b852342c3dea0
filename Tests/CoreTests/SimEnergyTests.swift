import Foundation
import XCTest
@testable import KwartierCore

/// The energy manager on the simulated home (examples/home.yaml: slider 5 kW, one car point).
/// Runs are deterministic: the figures are those of these seeds.
final class SimEnergyTests: XCTestCase {
    struct Run {
        var report: SimReport
        /// (local "HH:MM" → inverter limit, grid W, battery W, SoC %) at the sampled times.
        var samples: [String: (limit: Double?, gridW: Double, batteryW: Double, soc: Double)]
    }

    func home() throws -> SiteConfig {
        let text = try String(contentsOf: SimTestSupport.repo.appendingPathComponent("examples/home.yaml"), encoding: .utf8)
        return try ConfigLoader().load(yaml: text, file: "home.yaml").0
    }

    func run(_ s: SimScenario, sample: [String]) throws -> Run {
        let bt = Backtest(config: try home(), scenario: s)
        let (runner, brain) = try bt.kwartierRunner()
        let tz = SimSiteBuilder.timeZone(bt.config)
        let day0 = try SimSiteBuilder.firstDay(s, tz)
        var want: [Date: String] = [:]
        for hm in sample { want[SimSiteBuilder.time(hm, day0: day0, tz: tz)!] = hm }
        var out: [String: (Double?, Double, Double, Double)] = [:]
        while runner.now < runner.end {
            runner.step()
            if let k = want[runner.now] {
                let f = runner.site.flows
                out[k] = (runner.site.pv?.limitW, f.gridW, f.batteryW, runner.site.battery?.socPercent ?? 0)
            }
        }
        return Run(report: Backtest.report(runner, brain: brain), samples: out.mapValues { (limit: $0.0, gridW: $0.1, batteryW: $0.2, soc: $0.3) })
    }

    /// Sunday 30 July 2023, the real Belgian day-ahead prices (Scenarios/home-energy.yaml):
    /// injection is paid for from 09:00 to 19:00 (market below the formula's 10 €/MWh).
    func testNegativePriceNoonCurtailsAndRestores() throws {
        var s = try SimTestSupport.scenario("home-energy")
        s.start = "2023-07-30 10:00"; s.hours = 9.5; s.cars = []
        let r = try run(s, sample: ["13:30", "18:30", "19:15"])
        let noon = try XCTUnwrap(r.samples["13:30"])
        XCTAssertNotNil(noon.limit, "curtailed at a negative injection price")
        XCTAssertGreaterThan(noon.gridW, -100, "no export beyond a second's lag")
        XCTAssertEqual(noon.soc, 100, accuracy: 0.01, "the battery filled from the free PV first")
        XCTAssertNotNil(r.samples["18:30"]?.limit, "still negative until 19:00")
        XCTAssertNil(r.samples["19:15"]?.limit, "restored at a positive price")
        // 11.911 before a discharging battery counted as import for the relays: the pump then
        // stayed in Comfort on the battery's own small discharges while curtailed.
        XCTAssertEqual(r.report.curtailed_kwh, 12.61)
        XCTAssertEqual(r.report.quarters_over_slider, 0)
    }

    /// A cheap night (20 €/MWh until 06:00), a dear day and a dearer evening; no PV.
    func cheapNight(feedCars: Bool, car: Bool) throws -> SimScenario {
        var s = try SimTestSupport.scenario("home-energy")
        s.pv = nil
        s.start = "2023-07-31"; s.days = 1; s.hours = 22
        s.battery = .init(kwh: 10, kw: 5, soc: 10)
        s.cars = car ? [.init(point: "car", arrive: "17:30", leave: "D+1 07:30", battery_kwh: 60, soc: 50, target: 80, phases: 3)] : []
        let prices: [Double] = Array(repeating: 20, count: 6) + Array(repeating: 100, count: 11) + Array(repeating: 250, count: 5) + [100, 100]
        s.energy = SimEnergySpec(prices: .init(step_min: 60, eur_per_mwh: prices), formula: .init(),
                                 capacity_tariff: 4, feed_cars: feedCars, curtail: true, mode: .plan)
        return s
    }

    func testCheapNightChargesWithinTheSliderAndTheEveningDischarges() throws {
        let r = try run(try cheapNight(feedCars: false, car: false), sample: ["03:00", "06:00", "19:01", "21:45"])
        let q = try XCTUnwrap(r.report.quarter_kw)
        XCTAssertLessThanOrEqual(q.max() ?? 0, 5.0 + 1e-9, "charging never takes a quarter over the slider")
        XCTAssertGreaterThan(try XCTUnwrap(r.samples["03:00"]).batteryW, 0, "charging from the grid at night")
        // From 10 % to full (the last second's charge lands on 100 % minus rounding).
        XCTAssertEqual(try XCTUnwrap(r.samples["06:00"]).soc, 99.994, accuracy: 0.001)
        // 19:01, not 19:00: at 19:00 the pump's Normal cycle starts (80 W → 1 kW) and the grid shows
        // that step for the battery's one second of lag. (Before a discharging battery counted as
        // import for the relays, the pump sat in Comfort all evening on the battery, no cycle.)
        let evening = try XCTUnwrap(r.samples["19:01"])
        XCTAssertLessThan(evening.batteryW, 0, "the evening peak discharges")
        XCTAssertEqual(evening.gridW, 0, accuracy: 150, "the battery covers the house")
        XCTAssertEqual(r.report.cost_eur, 22.043)   // 22.276 with the pump in Comfort from the battery
        XCTAssertEqual(r.report.battery_to_cars_kwh, 0)
    }

    func testTheBatteryNeverFeedsTheCarUnlessAllowed() throws {
        let kept = try run(try cheapNight(feedCars: false, car: true), sample: [])
        XCTAssertLessThan(try XCTUnwrap(kept.report.battery_to_cars_kwh), 0.01)
        let fed = try run(try cheapNight(feedCars: true, car: true), sample: [])
        // (Re-taken when the simulated charger got its 2 s apply delay: 6.017, 26.794, 26.064.)
        XCTAssertEqual(fed.report.battery_to_cars_kwh, 6.045)
        XCTAssertEqual(kept.report.cost_eur, 26.778)
        XCTAssertEqual(fed.report.cost_eur, 26.037)
    }

    /// `energy.forecast: weather` (the default): each day's weather is the planner's cloud-cover
    /// forecast, hour by hour from the first day's local midnight; `none`: no forecast.
    func testTheScenariosWeatherIsThePlannersForecast() throws {
        var s = try SimTestSupport.scenario("home-energy")      // weather [clear, mixed]
        let config = try home()
        let day0 = try SimSiteBuilder.firstDay(s, SimSiteBuilder.timeZone(config)).timeIntervalSince1970
        let cover = try SimEnergyManager.make(try XCTUnwrap(s.energy), mode: .plan, scenario: s, config: config).controller.forecaster.cloudCover
        XCTAssertEqual(cover[day0 + 12 * 3600], 0)
        XCTAssertEqual(cover[day0 + 86_400 + 12 * 3600], 0.83)
        XCTAssertEqual(cover[day0 + 2 * 86_400], 0)                // the pattern repeats
        s.energy?.forecast = .none
        XCTAssertEqual(try SimEnergyManager.make(try XCTUnwrap(s.energy), mode: .plan, scenario: s, config: config).controller.forecaster.cloudCover, [:])
    }
}
