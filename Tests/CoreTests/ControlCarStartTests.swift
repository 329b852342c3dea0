import XCTest
@testable import KwartierCore

/// Cars that only start above the point's minimum (the seed table's 8 A cars): offered less
/// they do not draw; the hub tries the next start current once, and remembers it for the session.
final class ControlCarStartTests: XCTestCase {
    let t0 = brussels(2026, 11, 2, 10, 0, 5)

    /// Two 3-phase points share 14 A (grid 15 A, house 1 A): 7 A each. cp2's car draws, cp1's
    /// does not (it starts at 8 A).
    func site() -> Controller {
        var b = SiteBuilder(gridA: 15, sliderKW: 50, bufferA: 0)
        b.point("cp1", minA: 6, maxA: 16)
        b.point("cp2", minA: 6, maxA: 16)
        return Controller(config: b.config, tunables: exactTunables(b.config.site))
    }

    func decide(_ c: Controller, at t: Date, _ cars: [String: ChargePointStatus], houseA: Double = 1) -> Decision {
        let g = gridReading(at: t, site: c.site, nonManagedA: .all(houseA), nonManagedW: houseA * 690, points: cars)
        return c.decide(ControlInput.make(site: c.site, grid: g, gridAgeS: 0, points: cars.mapValues { PointReading(status: $0) }), now: t)
    }

    func testAnEightAmpCarIsOfferedEightAmpsOnceAndKeepsIt() {
        let c = site()
        var d = decide(c, at: t0, ["cp1": car(0, state: .connected), "cp2": car(0, state: .connected)])
        XCTAssertEqual(d.point("cp1")?.setpointA, 7)
        var s = 1.0
        // Offered 7 A without drawing (cp2 draws its 7 A) from its first running decision (1 s).
        while c.state.points["cp1"]?.carStartA == nil && s < 300 {
            d = decide(c, at: t0.addingTimeInterval(s), ["cp1": car(0, state: .connected), "cp2": car(7)]); s += 1
        }
        XCTAssertEqual(s - 1, 121, "tried 120 s after it was first offered 7 A without drawing")
        XCTAssertEqual(c.state.points["cp1"]?.carStartA, 8)
        XCTAssertEqual(d.point("cp1")?.setpointA, 8)
        XCTAssertEqual(d.point("cp2")?.setpointA, 6, "the rest of the 14 A")
        // It draws at 8 A: that is its start current for the session.
        for _ in 0..<5 { d = decide(c, at: t0.addingTimeInterval(s), ["cp1": car(8), "cp2": car(6)]); s += 1 }
        XCTAssertEqual(c.state.points["cp1"]?.carStartA, 8)
        XCTAssertNil(c.state.points["cp1"]?.startProbeAt)
        XCTAssertEqual(d.point("cp1")?.setpointA, 8)
        // The house takes 8 A more: 6 A left for the two: cp1 needs its 8 A, cp2 takes the 6 A.
        d = decide(c, at: t0.addingTimeInterval(s), ["cp1": car(8), "cp2": car(6)], houseA: 9); s += 1
        XCTAssertEqual(d.point("cp1")?.setpointA, 0)
        XCTAssertEqual(d.point("cp1")?.line, "cp1 waiting: this car starts at 8 A, 6.0 A free on L1; next turn in 13 min")
        XCTAssertEqual(d.point("cp2")?.setpointA, 6)
        // A new car at the point starts from the point's minimum again.
        _ = decide(c, at: t0.addingTimeInterval(s), ["cp1": noCar, "cp2": car(6)])
        XCTAssertNil(c.state.points["cp1"]?.carStartA)
        XCTAssertNil(c.state.points["cp1"]?.startProbed)
    }

    /// A car that draws at neither 7 nor 8 A (full, or on a timer) goes back to the point's
    /// minimum, not drawing, and is not tried again in the session.
    func testACarThatDrawsAtNeitherGoesBackToTheMinimum() {
        let c = site()
        var seen: [Double] = []
        for s in 0..<600 {
            let d = decide(c, at: t0.addingTimeInterval(Double(s)), ["cp1": car(0, state: .connected), "cp2": car(7)])
            let a = d.point("cp1")!.setpointA
            if seen.last != a { seen.append(a) }
        }
        XCTAssertEqual(seen, [7, 8, 6], "7 A shared, 8 A tried once, then held at the minimum (not drawing)")
        XCTAssertNil(c.state.points["cp1"]?.carStartA)
        XCTAssertEqual(c.state.points["cp1"]?.startProbed, true)
    }

    /// A car offered 16 A that does not draw is not a start-current matter: no step up.
    func testACarOfferedMoreThanTheStepIsNotTried() {
        var b = SiteBuilder(gridA: 32, sliderKW: 50, bufferA: 0)
        b.point("cp1", minA: 6, maxA: 16)
        let c = Controller(config: b.config, tunables: exactTunables(b.config.site))
        var seen: [Double] = []
        for s in 0..<300 {
            let d = decide(c, at: t0.addingTimeInterval(Double(s)), ["cp1": car(0, state: .connected)])
            let a = d.point("cp1")!.setpointA
            if seen.last != a { seen.append(a) }
        }
        XCTAssertEqual(seen, [16, 6])
        XCTAssertNil(c.state.points["cp1"]?.carStartA)
    }
}
