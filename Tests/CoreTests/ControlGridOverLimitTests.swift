import XCTest
@testable import KwartierCore

/// A grid line measured over its fuse holds every increase: the room the controller found is in
/// its model of the wiring, which the measurement contradicts (a point wired on L2 but configured
/// on L1 rose into L2 while commissioning found it: 6 s over the fuse with a 2 s apply delay).
final class ControlGridOverLimitTests: XCTestCase {
    /// A 25 A connection, cp1 configured on L1 charging at 8 A (1 phase); the house draws
    /// `houseL1` on L1 and `houseL2` on L2.
    func decide(_ c: Controller, at t: Date, houseL1: Double = 2, houseL2: Double) -> Decision {
        let points = ["cp1": car(8, phases: 1)]
        let g = gridReading(at: t, site: c.site, nonManagedA: PhaseValues(houseL1, houseL2, 2), nonManagedW: (houseL1 + 2 + houseL2) * 230,
                            points: points)
        return c.decide(ControlInput.make(site: c.site, grid: g, gridAgeS: 0, points: points.mapValues { PointReading(status: $0) }),
                        now: t)
    }

    func testNoIncreaseWhileAGridLineIsOverItsFuse() {
        var b = SiteBuilder(gridA: 25, sliderKW: 20)
        b.point("cp1", phases: "L1")
        let t0 = brussels(2025, 5, 6, 20, 15)
        // Each controller starts cp1 at 8 A (the house takes L1's other 17 A), then L1 frees up.
        func started() -> Controller {
            let c = Controller(config: b.config)
            XCTAssertEqual(decide(c, at: t0.addingTimeInterval(-1), houseL1: 17, houseL2: 20).point("cp1")?.setpointA, 8)
            return c
        }
        // Under the fuse: L1 has 15 A of room, cp1 rises at 1 A/s from 8 A.
        let free = started()
        let rising = (0...3).map { s in decide(free, at: t0.addingTimeInterval(Double(s)), houseL2: 24).point("cp1")?.setpointA }
        XCTAssertEqual(rising, [8, 9, 10, 11])
        // L2 at 25.5 A (its fuse 25 A): cp1 (configured on L1) keeps its 8 A, however long.
        let over = started()
        let held = (0...3).map { s in decide(over, at: t0.addingTimeInterval(Double(s)), houseL2: 25.5).point("cp1")?.setpointA }
        XCTAssertEqual(held, [8, 8, 8, 8])
        // Back under: the increase starts again (one second of room first).
        let after = (4...6).map { s in decide(over, at: t0.addingTimeInterval(Double(s)), houseL2: 24).point("cp1")?.setpointA }
        XCTAssertEqual(after, [8, 9, 10])
    }
}
