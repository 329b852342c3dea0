import XCTest
@testable import KwartierCore

/// `kwartier commission phases` on the simulated site: a point configured L1L2L3 but wired
/// L2L3L1, a 1-phase car on it, a house that switches appliances on and off (the simulated
/// house, scaled up): the check finds terminal 1 on L2 and says it does not match, and no fuse
/// is overloaded while it steps.
final class PhaseCommissionTests: XCTestCase {
    static let site = """
    site: { name: Wiring test, network: TN, voltage: 230, slider_kw: 30, data_dir: /tmp/kwartier-wiring-test, start_buffer_a: 2 }
    grid: { fuse_a: 25, margin_a: 0, meter: p1 }
    meters:
      p1: { type: p1, simulated: true, stale_after_s: 10 }
    chargepoints:
      cp1: { board: grid, driver: simulated, simulated: true, phases: L1L2L3, max_a: 16 }
      cp2: { board: grid, driver: simulated, simulated: true, phases: L3L1L2, max_a: 16 }
    """

    func scenario(carPhases: Int, houseScale: Double) throws -> SimScenario {
        try SimScenario.load(yaml: """
        name: wiring
        start: "2026-11-04 08:55"
        hours: 1
        seed: 7
        house: { base_w: [900, 600, 700], scale: \(houseScale) }
        cars:
          - { point: cp1, arrive: "09:00", leave: "17:00", battery_kwh: 60, soc: 20, phases: \(carPhases) }
          - { point: cp2, arrive: "08:56", leave: "17:00", battery_kwh: 60, soc: 20, phases: 3 }
        """)
    }

    func config() throws -> SiteConfig { try ConfigLoader().load(yaml: Self.site, file: "wiring.yaml").0 }

    func testAWrongRotationIsFoundUnderHouseNoiseWithinTheFuse() throws {
        let o = try PhaseCommissionSim.run(config: try config(), point: "cp1", wiredAs: PhaseMap(name: "L2L3L1")!,
                                           scenario: try scenario(carPhases: 1, houseScale: 3))
        let r = try XCTUnwrap(o.report, o.problem ?? "")
        XCTAssertEqual(r.result.lines, [.l2, nil, nil], r.text)
        XCTAssertGreaterThanOrEqual(r.result.confidence[0], WiringCheck.minConfidence, r.text)
        XCTAssertEqual(r.result.matchesConfigured, false)
        XCTAssertEqual(r.samples, 12, "one sample a step")
        XCTAssertTrue(r.text.hasPrefix("cp1: terminal 1 on L2 (0."), r.text)
        XCTAssertTrue(r.text.contains("configured L1: mismatch — does NOT match the configured phases: L1L2L3"), r.text)
        // The simulator's fuse rule: no line over its limit for longer than the loop's reaction
        // time (the house's own switch-on spikes pass the fuse for a second or two, probe or not).
        XCTAssertEqual(o.violations, 0)
        XCTAssertGreaterThanOrEqual(r.highA - r.lowA, 3, "steps big enough to see: \(r.text)")
    }

    func testTheRightRotationMatches() throws {
        let o = try PhaseCommissionSim.run(config: try config(), point: "cp1", wiredAs: nil,
                                           scenario: try scenario(carPhases: 1, houseScale: 3))
        let r = try XCTUnwrap(o.report, o.problem ?? "")
        XCTAssertEqual(r.result.lines, [.l1, nil, nil], r.text)
        XCTAssertEqual(r.result.matchesConfigured, true, r.text)
        XCTAssertEqual(o.violations, 0)
    }

    /// The probe never sends more than the controller decided, nor steps up past the given bound.
    func testTheProbeNeverExceedsTheDecision() {
        var p = PhaseProbe(pointId: "cp1", configured: .standard, options: PhaseProbe.Options(steps: 16, dwellS: 1, sampleS: 1))
        var t = 0.0
        for decided in [16.0, 9.3, 6, 5.5, 0, 12.7, 16, 7, 8.2, 10, 11, 14, 16, 6.5, 9, 13] {
            let upTo = 6 + t.truncatingRemainder(dividingBy: 5) * 2
            let a = p.setpoint(decided: decided, minA: 6, upToA: upTo, mono: t)
            XCTAssertLessThanOrEqual(a, decided)
            XCTAssertLessThanOrEqual(a, max(6, upTo))
            if decided >= 6 { XCTAssertGreaterThanOrEqual(a, 6) } else { XCTAssertEqual(a, decided) }
            p.observe(terminals: .zero, grid: .zero, mono: t)
            t += 1
        }
    }
}
