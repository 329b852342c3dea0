import XCTest
@testable import KwartierCore

/// Hub messages through the site loop: a child decides on each allowance and reports its draw;
/// a parent publishes each child's allowance after each decision.
final class SiteLoopHubTests: XCTestCase {
    let t0 = brussels(2026, 3, 10, 10, 0, 7)

    func childShell() -> TestShell {
        var b = SiteBuilder(gridA: 20, sliderKW: 1000)
        b.childOf("carpark-a")
        b.point("b1"); b.point("b2")
        return TestShell(b.config, start: t0)
    }

    func testChildDecidesOnEachAllowanceAndSaysWhichItApplies() throws {
        let s = childShell()
        s.send(.start)
        s.answerAll(car(0))
        let a = HubAllowance(id: AllowanceID(boot: 9, seq: 1), limitA: .all(14), validityS: 10)
        let fx = s.send(.hub(.allowance(a)))
        XCTAssertEqual(Set(fx.reads), [.point(0), .point(1)])             // a round opens
        let done = s.answerAll(car(0))
        let step = try XCTUnwrap(done.decisions.last)
        XCTAssertFalse(step.decision.safeState)
        XCTAssertEqual(done.writes.map(\.amps), [14, 0])                 // the first car takes the 14 A
        XCTAssertEqual(step.hubOut, [.draw(HubDraw(drawA: .all(14), safeA: .all(12), applying: a.id))])
        XCTAssertEqual(step.hubNotes, ["allowance from the parent hub: 14/14/14 A"])
        // No renewal for 10 s: the safe budget (12 A a line), said once.
        s.answerAll(car(14))
        s.advance(10.5)
        let later = s.effects.decisions.last!
        XCTAssertTrue(later.decision.safeState)
        let set = later.decision.points.map(\.setpointA).reduce(0, +)
        XCTAssertEqual(set, 12)
        guard case .draw(let d) = later.hubOut.first else { return XCTFail("\(later.hubOut)") }
        XCTAssertNil(d.applying)
        XCTAssertEqual(d.safeA, .all(12))
        XCTAssertTrue(s.effects.contains { if case .log(.warning, let t) = $0 { return t == "no valid allowance from the parent hub: every point at its safe current at most (12/12/12 A)" }; return false })
    }

    func testParentSendsEachChildItsAllowanceAndNumbersThem() throws {
        var b = SiteBuilder(gridA: 40, sliderKW: 1000)
        b.point("cp1")
        b.remoteBoard("carpark-b", hub: "carpark-b", limitA: 20)
        let s = TestShell(b.config, start: t0)
        s.send(.start)
        s.answerAll(noCar)
        s.send(.hub(.draw(hub: "carpark-b", HubDraw(drawA: .all(5), safeA: .all(12), applying: nil))))
        let g = GridMeasurement(meterTime: t0, meter: MeterMeasurement(currents: .all(9), powerW: 6210))
        s.send(.grid(g)); s.answerAll(noCar)
        s.send(.grid(g)); s.answerAll(noCar)
        let steps = s.effects.decisions.filter { !$0.hubOut.isEmpty }
        XCTAssertGreaterThanOrEqual(steps.count, 2)
        let last2 = steps.suffix(2).map(\.hubOut)
        // Counted at its safe budget 12 A (the meter's 9 A hold its 5 A): room 40 − 4 − 12 = 24 on
        // the grid, 20 − 12 = 8 on the board: 12 + 8.
        guard case let .allowance(hub, a1) = last2[0][0], case let .allowance(_, a2) = last2[1][0] else { return XCTFail("\(last2)") }
        XCTAssertEqual(hub, "carpark-b")
        XCTAssertEqual(a1.limitA, .all(20))
        // Not taken yet, the 20 A stay promised (and nobody else wants them): the same again.
        XCTAssertEqual(a2.limitA, .all(20))
        XCTAssertEqual(a2.id.seq, a1.id.seq + 1)
        XCTAssertEqual(a2.id.boot, UInt64(t0.timeIntervalSince1970 * 1000))
    }
}
