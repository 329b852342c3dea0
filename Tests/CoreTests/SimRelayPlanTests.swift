import Foundation
import XCTest
@testable import KwartierCore

/// The boiler's relay following the energy plan on the simulated home (examples/home.yaml with
/// `energy.boiler` naming its `boiler` relay, timer 02:00-05:00): Sunday 30 July 2023 of
/// Scenarios/home-energy.yaml, no car.
final class SimRelayPlanTests: XCTestCase {
    func home(boilerPlan: Bool) throws -> SiteConfig {
        let text = try String(contentsOf: SimTestSupport.repo.appendingPathComponent("examples/home.yaml"), encoding: .utf8)
        var c = try ConfigLoader().load(yaml: text, file: "home.yaml").0
        if boilerPlan {
            var e = EnergyConfig()
            e.curtail = false   // the simulation's own energy manager steers the inverter
            e.boiler = .init(relay: "boiler", kw: 2, kwhPerDay: 5)
            c.energy = e
        }
        return c
    }

    /// Local "HH:MM" of each quarter the boiler's relay is on at the quarter's end.
    func boilerQuarters(boilerPlan: Bool) throws -> [String] {
        var s = try SimTestSupport.scenario("home-energy")
        s.start = "2023-07-30"; s.hours = 24; s.cars = []
        let bt = Backtest(config: try home(boilerPlan: boilerPlan), scenario: s)
        let (runner, brain) = try bt.kwartierRunner()
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = SimSiteBuilder.timeZone(bt.config); f.dateFormat = "HH:mm"
        var on: [String] = []
        var next = runner.now.addingTimeInterval(900)
        while runner.now < runner.end {
            runner.step()
            guard runner.now >= next else { continue }
            if brain.controller.lastRelays.first(where: { $0.id == "boiler" })?.state == .switched(true) {
                on.append(f.string(from: next.addingTimeInterval(-900)))
            }
            next = next.addingTimeInterval(900)
        }
        return on
    }

    func testBoilerHeatsInThePlannedQuartersInsteadOfItsTimer() throws {
        XCTAssertEqual(try boilerQuarters(boilerPlan: true), [])
    }
}
