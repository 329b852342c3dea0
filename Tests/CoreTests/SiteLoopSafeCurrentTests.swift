import XCTest
@testable import KwartierCore

/// The charger's own safe current: written once a point first answers and again after it comes
/// back, read back, a mismatch logged and kept for the Devices screen.
final class SiteLoopSafeCurrentTests: XCTestCase {
    let t0 = brussels(2026, 3, 10, 10, 0, 7)

    func site() -> SiteConfig {
        var b = SiteBuilder(gridA: 25, sliderKW: 50)
        b.point("cp1", safeA: 6)
        b.point("cp2", safeA: 8)
        return b.config
    }

    func jobs(_ fx: [SiteEffect]) -> [SafeCurrentJob] {
        fx.compactMap { if case .safeCurrent(let j) = $0 { return j }; return nil }
    }
    func logs(_ fx: [SiteEffect]) -> [String] {
        fx.compactMap { if case let .log(_, t) = $0 { return t }; return nil }
    }

    func testWrittenAtFirstAnswerAndAfterAReconnectConfirmedByReadBack() {
        let s = TestShell(site(), start: t0, capabilities: ChargePointCapabilities(watchdogS: 60, safeCurrent: .writable))
        let start = s.send(.start)
        XCTAssertEqual(jobs(start), [], "nothing is written before the charger answered")
        XCTAssertEqual(s.loop.safeChecks.map { $0?.outcome }, [.pending, .pending])
        XCTAssertEqual(jobs(s.answer("cp1", car(10))), [SafeCurrentJob(point: 0, amps: 6, write: true)])
        XCTAssertEqual(jobs(s.answer("cp2", car(10))), [SafeCurrentJob(point: 1, amps: 8, write: true)])
        // Read back equal: confirmed. cp2's charger kept another value: a mismatch, logged as a warning.
        let ok = s.send(.safeCurrent(0, .success(6)))
        XCTAssertEqual(logs(ok), ["cp1: safe current 6 A (charger confirms)"])
        let bad = s.send(.safeCurrent(1, .success(16)))
        XCTAssertEqual(logs(bad), ["cp2: safe current MISMATCH: charger 16 A, configured 8 A (the charger did not take the write)"])
        XCTAssertEqual(s.loop.safeChecks[1]?.isProblem, true)
        // Later answers do not write again.
        s.advance(1)
        XCTAssertEqual(jobs(s.answerAll(car(10))), [])
        // cp1 is lost, then answers again: its safe current is written again (it may have restarted).
        _ = s.fail("cp1", "timeout")
        s.advance(1)
        let back = s.answerAll(car(10))
        XCTAssertEqual(jobs(back), [SafeCurrentJob(point: 0, amps: 6, write: true)])
        XCTAssertEqual(logs(s.send(.safeCurrent(0, .success(6)))), [], "unchanged outcome: no new log line")
    }

    func testReadOnlyIsOnlyReadAndAFailedJobIsRetriedLater() {
        let s = TestShell(site(), start: t0, capabilities: ChargePointCapabilities(watchdogS: 60, safeCurrent: .readOnly))
        s.send(.start)
        XCTAssertEqual(jobs(s.answer("cp1", car(10))), [SafeCurrentJob(point: 0, amps: 6, write: false)])
        let r = s.send(.safeCurrent(0, .success(10)))
        XCTAssertEqual(logs(r), ["cp1: safe current MISMATCH: charger 10 A, configured 6 A (set it on the charger itself)"])
        XCTAssertEqual(jobs(s.answer("cp2", car(10))), [SafeCurrentJob(point: 1, amps: 8, write: false)])
        XCTAssertEqual(logs(s.send(.safeCurrent(1, .failure(DeviceFailure("illegal data address"))))),
                       ["cp2: safe current 8 A not set: illegal data address"])
        // Retried after 60 s, not at every answer before.
        s.advance(30)
        XCTAssertEqual(jobs(s.answerAll(car(10))), [])
        s.advance(31)
        XCTAssertEqual(jobs(s.answerAll(car(10))), [SafeCurrentJob(point: 1, amps: 8, write: false)])
    }

    func testAChargerWithoutOneGetsNoJobAndWriteOnlyIsUnverified() {
        let none = TestShell(site(), start: t0)
        none.send(.start)
        XCTAssertEqual(jobs(none.answerAll(car(10))), [])
        XCTAssertEqual(none.loop.safeChecks.map { $0 == nil }, [true, true])

        let blind = TestShell(site(), start: t0, capabilities: ChargePointCapabilities(watchdogS: 60, safeCurrent: .writeOnly))
        blind.send(.start)
        XCTAssertEqual(jobs(blind.answer("cp1", car(10))).first?.write, true)
        blind.send(.safeCurrent(0, .success(nil)))
        XCTAssertEqual(blind.loop.safeChecks[0]?.text, "safe current 6 A written (the charger cannot read it back)")
        XCTAssertEqual(blind.loop.safeChecks[0]?.isProblem, false)
    }

    func testToleranceOfAScaledRegister() {
        XCTAssertEqual(SafeCurrentCheck.outcome(readBack: 6.04, configuredA: 6), .confirmed(6.04))
        XCTAssertEqual(SafeCurrentCheck.outcome(readBack: 6.1, configuredA: 6), .mismatch(charger: 6.1))
    }
}
