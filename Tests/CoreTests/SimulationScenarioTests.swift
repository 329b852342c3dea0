import XCTest
@testable import KwartierCore

/// Kwartier's control against the simulated site, through real telegram bytes.
final class SimulationScenarioTests: XCTestCase {
    func run(_ scenario: SimScenario, config: SiteConfig) throws -> SimReport {
        let brain = KwartierBrain(config: config, start: try SimSiteBuilder.startDate(scenario, SimSiteBuilder.timeZone(config)))
        let r = try SimulationRunner(config: config, scenario: scenario, brain: brain, makeTelegram: VirtualP1Meter().maker)
        let rep = r.run()
        XCTAssertEqual(brain.crcFailures, 0)
        XCTAssertGreaterThan(brain.telegrams, 80_000)
        return rep
    }

    func testDemoDayHasNoViolations() throws {
        let c = try ConfigLoader().load(yaml: DemoSite.yaml, file: "demo").0
        let rep = try run(.demo, config: c)
        print("demo day:", rep.violations, rep.violations_by_level, "maxQ", rep.max_quarter_kw, "delivered", rep.energy_delivered_kwh, "/", rep.energy_requested_kwh,
              "starts", rep.starts, "changes/pt/h", rep.setpoint_changes_per_point_hour, "hp", rep.heat_pump_seconds ?? [:], "overload s", rep.overload_seconds, "ratio", rep.max_load_ratio)
        XCTAssertEqual(rep.violations, 0)
        XCTAssertLessThanOrEqual(rep.max_quarter_kw, 15.0 + 0.05)
    }
}
