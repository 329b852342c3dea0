import XCTest
@testable import KwartierCore

/// The allowance a child takes, the budget a parent counts a child at, and their payloads
/// (times are the loop's monotonic seconds, given by the test).
final class HubLinkTests: XCTestCase {
    func allowance(_ seq: UInt64, _ a: Double, boot: UInt64 = 7, validity: Double = 10) -> HubAllowance {
        HubAllowance(id: AllowanceID(boot: boot, seq: seq), limitA: .all(a), validityS: validity)
    }

    func testChildTakesTheNewestAllowanceForItsValidityFromReception() {
        var r = AllowanceReceiver(validityS: 4)
        XCTAssertNil(r.valid(at: 0))
        XCTAssertTrue(r.receive(allowance(5, 20), at: 100))
        XCTAssertEqual(r.valid(at: 104)?.limitA, .all(20))         // the shorter of 4 s (own) and 10 s (parent's)
        XCTAssertNil(r.valid(at: 104.01))
        XCTAssertFalse(r.receive(allowance(4, 30), at: 104.5))     // late on the way: dropped
        XCTAssertNil(r.valid(at: 104.5))
        XCTAssertTrue(r.receive(allowance(1, 12, boot: 8), at: 105)) // a restarted parent starts again at 1
        XCTAssertEqual(r.valid(at: 106)?.limitA, .all(12))
        XCTAssertTrue(r.receive(allowance(2, 9, boot: 8, validity: 1), at: 107))
        XCTAssertNil(r.valid(at: 108.5))                            // the parent's 1 s is shorter
    }

    func testParentCountsAChildAtItsAllowancesUntilItTakesALowerOne() {
        var b = RemoteHubBudget(validityS: 3)
        XCTAssertEqual(b.load(at: 0).budgetA, .zero)                 // nothing known yet
        b.receive(HubDraw(drawA: PhaseValues(4, 0, 0), safeA: .all(6), applying: nil), at: 0)
        XCTAssertEqual(b.load(at: 0).budgetA, .all(6))               // safe budget above the draw
        b.sent(allowance(1, 20, validity: 3), at: 1)
        b.sent(allowance(2, 11, validity: 3), at: 2)
        XCTAssertEqual(b.load(at: 2).budgetA, .all(20))              // it may still apply 20 A
        b.receive(HubDraw(drawA: PhaseValues(10, 0, 0), safeA: .all(6), applying: AllowanceID(boot: 7, seq: 2)), at: 2.5)
        XCTAssertEqual(b.load(at: 2.5).budgetA, .all(11))            // it took 11 A: 20 A is gone
        XCTAssertTrue(b.load(at: 5).fresh)
        // Silent: once the last allowance ran out (3 s + 1 s on the way), the lost-charger rule.
        XCTAssertEqual(b.load(at: 6).budgetA, .all(11))
        XCTAssertEqual(b.load(at: 6.01).budgetA, PhaseValues(10, 6, 6))
        XCTAssertFalse(b.load(at: 6.01).fresh)
    }

    func testPayloads() throws {
        let a = HubAllowance(id: AllowanceID(boot: 1733580000123, seq: 42), limitA: PhaseValues(20, 13.456, 0), validityS: 10)
        XCTAssertEqual(HubPayload.encode(a), #"{"limit_a":[20,13.46,0],"validity_s":10,"boot":1733580000123,"seq":42}"#)
        var back = a; back.limitA.l2 = 13.46
        XCTAssertEqual(try HubPayload.allowance(Data(HubPayload.encode(a).utf8)).get(), back)
        let d = HubDraw(drawA: PhaseValues(6, 12.5, 0), safeA: .all(12), applying: AllowanceID(boot: 3, seq: 9))
        XCTAssertEqual(HubPayload.encode(d), #"{"draw_a":[6,12.5,0],"safe_a":[12,12,12],"allowance":{"boot":3,"seq":9}}"#)
        XCTAssertEqual(try HubPayload.draw(Data(HubPayload.encode(d).utf8)).get(), d)
        let none = HubDraw(drawA: .zero, safeA: .all(6), applying: nil)
        XCTAssertEqual(try HubPayload.draw(Data(HubPayload.encode(none).utf8)).get(), none)
        func refused(_ s: String) -> String? {
            if case .failure(let e) = HubPayload.allowance(Data(s.utf8)) { return e.description }
            return nil
        }
        XCTAssertEqual(refused("20"), "not a JSON object")
        XCTAssertEqual(refused(#"{"limit_a":[20,-1,0],"validity_s":10,"boot":1,"seq":1}"#), "`limit_a` is not three amperes ≥ 0")
        XCTAssertEqual(refused(#"{"limit_a":[20,20,20],"validity_s":0,"boot":1,"seq":1}"#), "`validity_s` is not a positive number")
        XCTAssertEqual(refused(#"{"limit_a":[20,20,20],"validity_s":5,"seq":1}"#), "`boot` and `seq` are not whole numbers")
    }
}
