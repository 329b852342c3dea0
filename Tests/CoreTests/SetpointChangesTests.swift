import XCTest
@testable import KwartierCore

final class SetpointChangesTests: XCTestCase {
    func decision(_ points: [(String, Double, Bool)]) -> Decision {
        Decision(time: Date(timeIntervalSince1970: 0), points: points.map {
            PointDecision(id: $0.0, setpointA: $0.1, explanation: Explanation(.levelLimit, "grid L1 \($0.0)"), send: $0.2)
        })
    }

    func testTheFirstDecisionNamesEveryPointWithoutABefore() {
        var log = SetpointChanges()
        let (changes, unchanged) = log.record(decision([("cp1", 10.5, true), ("cp2", 10.5, true)]))
        XCTAssertEqual(changes.map(\.text), ["cp1 →10.5 A: grid L1 cp1", "cp2 →10.5 A: grid L1 cp2"])
        XCTAssertEqual(unchanged, 0)
        XCTAssertEqual(SetpointChanges.summary(changes, unchanged: unchanged),
                       "setpoints: 2 changed (cp1 →10.5 A: grid L1 cp1; cp2 →10.5 A: grid L1 cp2), 0 unchanged")
    }

    func testOnlyChangedSentSetpointsCountAndTheSummaryNamesTheFirstThree() {
        var log = SetpointChanges()
        _ = log.record(decision((1...6).map { ("cp\($0)", 16, true) }))
        // cp1 keeps 16 A, cp2's change is not sent (it stays counted as unchanged), cp3…cp6 move.
        let (changes, unchanged) = log.record(decision([("cp1", 16, true), ("cp2", 12, false), ("cp3", 10, true),
                                                        ("cp4", 9.5, true), ("cp5", 0, true), ("cp6", 6, true)]))
        XCTAssertEqual(changes.map(\.id), ["cp3", "cp4", "cp5", "cp6"])
        XCTAssertEqual(changes[0], .init(id: "cp3", from: 16, to: 10, why: "grid L1 cp3"))
        XCTAssertEqual(unchanged, 2)
        XCTAssertEqual(SetpointChanges.summary(changes, unchanged: unchanged),
                       "setpoints: 4 changed (cp3 16.0→10.0 A: grid L1 cp3; cp4 16.0→9.5 A: grid L1 cp4; "
                       + "cp5 16.0→0.0 A: grid L1 cp5; 1 more), 2 unchanged")
        // The same decision again changes nothing: no line at all.
        let again = log.record(decision([("cp3", 10, true), ("cp4", 9.5, true)]))
        XCTAssertEqual(again.changes, [])
        XCTAssertNil(SetpointChanges.summary(again.changes, unchanged: again.unchanged))
        // cp2's unsent 12 A was not remembered: sent later, it is a change from 16 A.
        XCTAssertEqual(log.record(decision([("cp2", 12, true)])).changes.map(\.text), ["cp2 16.0→12.0 A: grid L1 cp2"])
    }
}
