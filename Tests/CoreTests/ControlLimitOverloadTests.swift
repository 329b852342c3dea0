import XCTest
@testable import KwartierCore

/// A fuse the uncontrollable load alone holds over its limit: the decision names the line, and an
/// alert says that no setpoint can help, once it has lasted, until the load is well under again.
final class ControlLimitOverloadTests: XCTestCase {
    /// A 25 A connection, one car charging at 10 A; the house draws `houseL2` on L2 (2 A elsewhere).
    func decide(_ c: Controller, at t: Date, houseL2: Double) -> Decision {
        let points = ["cp1": car(10)]
        let g = gridReading(at: t, site: c.site, nonManagedA: PhaseValues(2, houseL2, 2), nonManagedW: (4 + houseL2) * 230,
                            points: points)
        return c.decide(ControlInput.make(site: c.site, grid: g, gridAgeS: 0, points: points.mapValues { PointReading(status: $0) }),
                        now: t)
    }

    func testHouseAloneOverTheFuseRaisesTheAlertAfterFiveSeconds() {
        var b = SiteBuilder(gridA: 25, sliderKW: 20)
        b.point("cp1")
        let c = Controller(config: b.config)
        let t0 = brussels(2025, 5, 6, 20, 15)
        var e = AlertEvaluator(config: AlertConfig())
        func step(_ s: Int, _ houseL2: Double) -> (Decision, [AlertEvent]) {
            let t = t0.addingTimeInterval(Double(s))
            let d = decide(c, at: t, houseL2: houseL2)
            return (d, e.evaluate(AlertInput.from(decision: d, gridPowerW: nil, pvW: nil), now: t))
        }
        // 24 A: more than 1 A under the limit, nothing listed.
        XCTAssertEqual(step(0, 24).0.limitOverloads, [])
        // 26 A: the car is stopped (it cannot help) and the line is listed at once, the alert
        // rises after 5 s.
        let (d1, ev1) = step(1, 26)
        XCTAssertEqual(d1.limitOverloads, [LimitOverload(level: "grid", phase: "L2", amps: 26, limitA: 25)])
        XCTAssertEqual(d1.point("cp1")?.setpointA, 0)
        XCTAssertEqual(ev1, [])
        for s in 2...5 { XCTAssertEqual(step(s, 26).1, [], "second \(s)") }
        let (_, ev6) = step(6, 26)
        XCTAssertEqual(ev6.map(\.key), ["limit-over:grid L2"])
        XCTAssertEqual(ev6.first?.text, "grid L2 26.0 A over its 25 A limit from the load Kwartier does not control — nothing left to shed")
        XCTAssertEqual(ev6.first?.level, .warning)
        XCTAssertEqual(ev6.first?.active, true)
        // Within the hysteresis (24.5 A) it stays; 23.9 A clears it.
        XCTAssertEqual(step(7, 24.5).1, [])
        XCTAssertEqual(e.activeAlerts.map(\.key), ["limit-over:grid L2"])
        let (d8, ev8) = step(8, 23.9)
        XCTAssertEqual(d8.limitOverloads, [])
        XCTAssertEqual(ev8.map(\.text), ["grid L2 back under its limit"])
        XCTAssertEqual(ev8.first?.active, false)
        // A short overload (a stopped car's lagging reading looks the same) raises nothing.
        for s in 9...12 { XCTAssertEqual(step(s, 26).1, []) }
        XCTAssertEqual(step(13, 20).1, [])
        XCTAssertTrue(e.activeAlerts.isEmpty)
    }
}
