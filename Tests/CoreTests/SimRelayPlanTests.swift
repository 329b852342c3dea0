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

    /// Local "HH:MM" of each quarter the boiler's relay is on at the quarter's end, and those
    /// of them on the plan's word (not the surplus rule's).
    func boilerQuarters(boilerPlan: Bool) throws -> (on: [String], planned: [String]) {
        var s = try SimTestSupport.scenario("home-energy")
        s.start = "2023-07-30"; s.hours = 24; s.cars = []
        let bt = Backtest(config: try home(boilerPlan: boilerPlan), scenario: s)
        let (runner, brain) = try bt.kwartierRunner()
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX"); f.timeZone = SimSiteBuilder.timeZone(bt.config); f.dateFormat = "HH:mm"
        var on: [String] = [], planned: [String] = []
        var next = runner.now.addingTimeInterval(900)
        while runner.now < runner.end {
            runner.step()
            guard runner.now >= next else { continue }
            if let d = brain.controller.lastRelays.first(where: { $0.id == "boiler" }), d.state == .switched(true) {
                on.append(f.string(from: next.addingTimeInterval(-900)))
                if d.reason.hasPrefix("on: plan: cheapest quarters") { planned.append(f.string(from: next.addingTimeInterval(-900))) }
            }
            next = next.addingTimeInterval(900)
        }
        return (on, planned)
    }

    func testBoilerHeatsInThePlannedQuartersInsteadOfItsTimer() throws {
        let r = try boilerQuarters(boilerPlan: true)
        // Nothing in the timer's 02:00-05:00: the night is dear (67-85 €/MWh); the plan puts the
        // boiler in the paid-for afternoon. Re-planned each hour, the day in progress gets its
        // share of the daily need again (what was heated is not known), so the hours add up to
        // more than 5 kWh of relay time; the tank, hot, stops drawing. 12:30 is the surplus rule's.
        XCTAssertEqual(r.on, ["12:30", "12:45", "13:45", "14:00", "14:15", "14:30", "14:45", "15:00", "15:15", "15:30",
                              "16:00", "16:15", "16:30", "17:00", "17:15", "18:00", "18:15", "22:45"])
        XCTAssertEqual(r.planned, ["12:45", "13:45", "14:00", "14:15", "14:30", "14:45", "15:00", "15:15", "15:30",
                                   "16:00", "16:15", "16:30", "17:00", "17:15", "18:00", "18:15", "22:45"])
    }
}
