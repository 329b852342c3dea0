import XCTest
@testable import KwartierCore

/// The wiring check: step a point's setpoint, correlate its terminal currents' steps with the
/// main meter's lines, under house noise; a deliberately wrong configured rotation is found.
final class WiringCheckTests: XCTestCase {
    /// Samples of a car following `steps` (A) on its first `carPhases` terminals, wired as
    /// `actual`, with a house that wanders by up to ±1.5 A per line between samples.
    func samples(actual: PhaseMap, carPhases: Int, steps: [Double], seed: UInt64) -> [WiringCheck.Sample] {
        var rng = SimRandom(seed: seed)
        var house = PhaseValues(4, 3, 5)
        return steps.map { a in
            house = house + PhaseValues(rng.range(-1.5, 1.5), rng.range(-1.5, 1.5), rng.range(-1.5, 1.5))
            let t = PhaseValues(a, carPhases > 1 ? a : 0, carPhases > 2 ? a : 0)
            return WiringCheck.Sample(terminals: t, grid: house + actual.gridCurrents(amps: a, carPhases: carPhases))
        }
    }
    let steps: [Double] = [6, 10, 6, 14, 8, 16, 6, 12, 7, 15, 6, 11]

    func testAOnePhaseCarOnTheWrongLineIsFound() {
        let s = samples(actual: PhaseMap(name: "L2L3L1")!, carPhases: 1, steps: steps, seed: 11)
        let r = WiringCheck.analyse(s, configured: PhaseMap(name: "L1L2L3")!)
        XCTAssertEqual(r.lines, [.l2, nil, nil])
        XCTAssertGreaterThan(r.confidence[0], 0.95)
        XCTAssertEqual(r.matchesConfigured, false)
        XCTAssertTrue(r.text.hasPrefix("terminal 1 on L2 (0.9"), r.text)
        XCTAssertTrue(r.text.hasSuffix("), configured L1: mismatch"), r.text)
    }

    func testAOnePhaseCarWhereConfiguredMatches() {
        let s = samples(actual: PhaseMap(name: "L3")!, carPhases: 1, steps: steps, seed: 12)
        let r = WiringCheck.analyse(s, configured: PhaseMap(name: "L3")!)
        XCTAssertEqual(r.lines, [.l3, nil, nil])
        XCTAssertEqual(r.matchesConfigured, true)
    }

    /// A 3-phase car moves all three lines at once: the set is found, not the order.
    func testAThreePhaseCarGivesTheLinesNotTheirOrder() {
        let s = samples(actual: PhaseMap(name: "L2L3L1")!, carPhases: 3, steps: steps, seed: 13)
        let r = WiringCheck.analyse(s, configured: PhaseMap(name: "L1L2L3")!)
        XCTAssertEqual(r.lines, [nil, nil, nil])
        XCTAssertEqual(r.groupLines, [.l1, .l2, .l3])
        XCTAssertEqual(r.matchesConfigured, true)
        XCTAssertTrue(r.text.contains("order not found"), r.text)
    }

    /// No steps, nothing placed.
    func testNoStepsNoAnswer() {
        let s = samples(actual: .standard, carPhases: 1, steps: [6, 6, 6, 6], seed: 14)
        let r = WiringCheck.analyse(s, configured: .standard)
        XCTAssertNil(r.matchesConfigured)
        XCTAssertEqual(r.text, "no terminal placed: step the setpoint with a car charging")
    }
}
