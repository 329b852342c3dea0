import XCTest
@testable import KwartierCore

/// A parent hub's board fed by a child hub, and a child hub under its allowance.
final class ControlHubTests: XCTestCase {
    /// No rounding, ramp or hysteresis: each step shows the sharing itself.
    func tunables(_ b: SiteBuilder) -> ControlTunables {
        var t = exactTunables(b.config.site)
        t.rampUpAPerS = 1000
        t.increaseHysteresisA = 0
        return t
    }

    func parent() -> Sim {
        var b = SiteBuilder(gridA: 40, sliderKW: 1000)
        b.point("cp1")
        b.remoteBoard("carpark-b", hub: "carpark-b", limitA: 20)
        let s = Sim(b, tunables: tunables(b))
        s.carPhases = ["cp1": 3]
        return s
    }

    func load(draw: Double, budget: Double) -> RemoteLoad {
        RemoteLoad(drawA: .all(draw), budgetA: .all(budget), fresh: true, safeA: .all(6))
    }

    /// The child is counted at its budget; its allowance is that (a step above its draw at most)
    /// plus the room the parent's own points leave on the board and the grid.
    func testParentGivesTheRoomLeftToTheChild() {
        let s = parent()
        s.remote = ["carpark-b": load(draw: 10, budget: 10)]
        s.houseA = .all(4 + 10)            // the main meter sees the child's 10 A
        s.step()
        XCTAssertEqual(s.sp("cp1"), 16)
        XCTAssertEqual(s.last!.allowances, ["carpark-b": .all(20)])     // 10 + min(40 − 14 − 16, 20 − 10)
        XCTAssertEqual(s.last!.levels[1].currents, .all(10))
        // A heavier house: the grid binds, the child keeps what it draws.
        s.houseA = .all(20 + 10)
        s.step()
        XCTAssertEqual(s.sp("cp1"), 10)
        XCTAssertEqual(s.last!.allowances, ["carpark-b": .all(10)])
    }

    /// An allowance the child may still apply is not given to the parent's points; while they
    /// want more, what the child does not draw goes back once it takes the lower allowance.
    func testRoomPromisedToTheChildIsKeptUntilItTakesLess() {
        let s = parent()
        s.remote = ["carpark-b": load(draw: 10, budget: 18)]
        s.houseA = .all(4 + 10)
        s.step()
        XCTAssertEqual(s.sp("cp1"), 16)                                 // 40 − 14 − 8 = 18 left: 16
        XCTAssertEqual(s.last!.levels[0].currents, .all(38))
        XCTAssertEqual(s.last!.allowances, ["carpark-b": .all(20)])     // nobody else wants it: 18 + 2
        s.houseA = .all(10 + 10)
        s.step()
        XCTAssertEqual(s.sp("cp1"), 12)                                 // 40 − 20 − 8: cp1 wants 4 A more
        XCTAssertEqual(s.last!.allowances, ["carpark-b": .all(14)])     // 18 − 4 (above 11: its draw + 1 A)
        // A silent child at its safe budget: the parent's point takes the rest.
        s.remote = ["carpark-b": RemoteLoad(drawA: .zero, budgetA: .all(6), fresh: false, safeA: .all(6))]
        s.houseA = .all(20)
        s.step(); s.step()
        XCTAssertEqual(s.sp("cp1"), 14)                                 // 40 − 20 − 6
        XCTAssertEqual(s.last!.allowances, ["carpark-b": .all(6)])
    }

    func child() -> Sim {
        var b = SiteBuilder(gridA: 20, sliderKW: 1000)
        b.childOf("carpark-a")
        b.point("cpA"); b.point("cpB")
        let s = Sim(b, tunables: tunables(b))
        s.noGrid = true
        s.carPhases = ["cpA": 3, "cpB": 3]
        return s
    }

    /// No allowance: every point at its safe current at most (6 A), within the safe budget (the
    /// second car waits: to start it needs 6 + 2 A of the 12); then the allowance is the limit.
    func testChildHoldsItsSafeBudgetWithoutAnAllowance() {
        let s = child()
        s.step()
        XCTAssertTrue(s.last!.safeState)
        XCTAssertEqual(s.sp("cpA"), 6)
        XCTAssertEqual(s.sp("cpB"), 0)
        XCTAssertEqual(s.last!.levels[0].limitA, 12)
        XCTAssertEqual(s.last!.hubDrawA, .all(6))           // set; nothing measured yet
        s.allowanceA = .all(15)
        s.step(); s.step()
        XCTAssertFalse(s.last!.safeState)
        XCTAssertEqual(s.sp("cpA"), 7.5)
        XCTAssertEqual(s.sp("cpB"), 7.5)
        XCTAssertEqual(s.last!.levels[0].limitA, 15)
        s.allowanceA = .all(40)                             // never above the child's own fuse
        s.step(); s.step()                                  // an increase waits one decision (spike filter)
        XCTAssertEqual(s.sp("cpA"), 10)
        XCTAssertEqual(s.last!.hubDrawA, .all(20))
        s.allowanceA = nil
        s.step()
        XCTAssertEqual(s.sp("cpA"), 6)
        XCTAssertEqual(s.sp("cpB"), 6)
    }
}
