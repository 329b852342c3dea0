import XCTest
import KwartierCore
@testable import KwartierTUI

final class InputTests: XCTestCase {
    let now = Fixture.t0

    func press(_ st: inout UIState, _ keys: [Key], _ s: SiteSnapshot?, driving: Bool = false) -> [UserCommand] {
        keys.flatMap { st.handle($0, snapshot: s, now: now, drivingHardware: driving) }
    }

    func testSliderSmallAndLargeStepsBuildOnThePendingValue() {
        var st = UIState()
        let s = Fixture.snapshot(slider: 9.0)
        XCTAssertEqual(press(&st, [.char("+")], s), [.setSlider(kW: 9.1)])
        XCTAssertEqual(press(&st, [.char("+")], s), [.setSlider(kW: 9.2)])      // snapshot still says 9.0
        XCTAssertEqual(press(&st, [.char(">")], s), [.setSlider(kW: 10.2)])
        XCTAssertEqual(press(&st, [.char("<"), .char("-")], s), [.setSlider(kW: 9.2), .setSlider(kW: 9.1)])
        XCTAssertEqual(st.message?.text, "slider 9.1 kW sent")
        // The core confirms: pending cleared, the next step starts from the snapshot.
        st.observe(Fixture.snapshot(slider: 9.1), now: now)
        XCTAssertNil(st.pendingSlider)
        XCTAssertEqual(press(&st, [.char("-")], Fixture.snapshot(slider: 9.1)), [.setSlider(kW: 9.0)])
    }

    func testSliderStopsAtZeroAndPendingTimesOut() {
        var st = UIState()
        XCTAssertEqual(press(&st, [.char("<")], Fixture.snapshot(slider: 0.5)), [.setSlider(kW: 0)])
        XCTAssertEqual(press(&st, [.char("-")], Fixture.snapshot(slider: 0.5)), [])
        st.observe(Fixture.snapshot(slider: 0.5), now: now.addingTimeInterval(UIState.pendingTimeout + 1))
        XCTAssertNil(st.pendingSlider)
    }

    func testModeManualCurrentAndPriorityActOnTheSelectedPoint() {
        var st = UIState()
        let s = Fixture.snapshot(points: 4)
        XCTAssertEqual(press(&st, [.down, .down, .char("m")], s), [.setMode(point: "cp03", mode: .manual)])
        // The core starts a manual point without a manual current at its minimum (6 A): "]"
        // pressed before the next snapshot builds on that, not on the auto setpoint (10 A).
        XCTAssertEqual(st.pendingManual["cp03"]?.value, 6)
        XCTAssertEqual(press(&st, [.char("]")], s), [.setManualCurrent(point: "cp03", amps: 7)])
        XCTAssertEqual(st.message?.text, "cp03: manual current 7 A sent")    // manual is on its way: no hint
        XCTAssertEqual(press(&st, [.char("]")], s), [.setManualCurrent(point: "cp03", amps: 8)])
        // In auto mode "]" starts from the setpoint the point has now (10 A → 11 A).
        XCTAssertEqual(press(&st, [.down, .char("]")], s), [.setManualCurrent(point: "cp04", amps: 11)])
        XCTAssertEqual(st.message?.text, "cp04: manual current 11 A sent (used in manual mode: press m)")
        _ = press(&st, [.up], s)
        XCTAssertEqual(press(&st, [.char("u"), .char("u")], s), [.setPriority(point: "cp03", priority: 1),
                                                                   .setPriority(point: "cp03", priority: 2)])
        XCTAssertEqual(press(&st, [.up, .char("o"), .char("a")], s), [.setMode(point: "cp02", mode: .off),
                                                                        .setMode(point: "cp02", mode: .auto)])
        XCTAssertEqual(press(&st, [.char("d")], s), [])                          // priority 0 is the floor
        XCTAssertEqual(press(&st, [.end, .down, .char("a")], s), [.setMode(point: "cp04", mode: .auto)])
    }

    func testManualCurrentIsClampedToThePointsRange() {
        var st = UIState()
        var s = Fixture.snapshot(points: 1)
        s.points[0].manualA = 16
        XCTAssertEqual(press(&st, [.char("]")], s), [])
        XCTAssertEqual(st.message?.text, "cp01: manual current stays 16 A (range 6-16 A)")
        s.points[0].manualA = 6.5
        XCTAssertEqual(press(&st, [.char("[")], s), [.setManualCurrent(point: "cp01", amps: 6)])
    }

    func testRelaySelectionAndOverrides() {
        var st = UIState()
        let s = Fixture.snapshot()
        XCTAssertEqual(press(&st, [.char("N")], s), [.setRelayOverride(relay: "heatpump", override: .on)])
        XCTAssertEqual(press(&st, [.char("r"), .char("F")], s), [.setRelayOverride(relay: "boiler", override: .off)])
        XCTAssertEqual(press(&st, [.char("r"), .char("A")], s), [.setRelayOverride(relay: "heatpump", override: .auto)])
        XCTAssertEqual(press(&st, [.char("R")], s), [])
        XCTAssertEqual(st.selectedRelay, 1)
    }

    func testNoSnapshotNoCommands() {
        var st = UIState()
        XCTAssertEqual(press(&st, [.char("+"), .char("m"), .char("N")], nil), [])
        XCTAssertEqual(st.message?.text, "no relays on this site")
    }

    func testScreensHelpAndQuit() {
        var st = UIState()
        let s = Fixture.snapshot()
        _ = press(&st, [.tab], s); XCTAssertEqual(st.screen, .points)
        _ = press(&st, [.backTab, .backTab], s); XCTAssertEqual(st.screen, .plan)
        _ = press(&st, [.backTab], s); XCTAssertEqual(st.screen, .history)
        _ = press(&st, [.char("3")], s); XCTAssertEqual(st.screen, .boards)
        _ = press(&st, [.char("?")], s); XCTAssertTrue(st.showHelp)
        XCTAssertEqual(press(&st, [.char("+")], s), [])                         // closes help, nothing else
        XCTAssertFalse(st.showHelp)
        _ = press(&st, [.char("q")], s); XCTAssertTrue(st.quit)
    }

    func testQuitWhileDrivingAsksFirst() {
        var st = UIState()
        let s = Fixture.snapshot()
        _ = press(&st, [.char("q")], s, driving: true)
        XCTAssertTrue(st.confirmQuit); XCTAssertFalse(st.quit)
        _ = press(&st, [.char("n")], s, driving: true)
        XCTAssertFalse(st.confirmQuit); XCTAssertFalse(st.quit)
        _ = press(&st, [.ctrl("c"), .char("y")], s, driving: true)
        XCTAssertTrue(st.quit)
    }

    func testLogLevelCyclesAndActivityLights() {
        var st = UIState()
        _ = press(&st, [.char("l")], nil)
        XCTAssertEqual(st.logLevel, .notice)
        var s = Fixture.snapshot()
        st.observe(s, now: now)
        XCTAssertFalse(st.txActive)                  // nothing to compare with yet
        s.devices[1].txBytes += 8
        st.observe(s, now: now)
        XCTAssertTrue(st.txActive); XCTAssertFalse(st.rxActive)
        st.observe(s, now: now)
        XCTAssertFalse(st.txActive)
        // A simulated bus counts requests, not bytes: a request answered lights both, a failed
        // one only TX.
        s.devices[1].requests += 1
        st.observe(s, now: now)
        XCTAssertTrue(st.txActive); XCTAssertTrue(st.rxActive)
        s.devices[1].requests += 1; s.devices[1].failures += 1
        st.observe(s, now: now)
        XCTAssertTrue(st.txActive); XCTAssertFalse(st.rxActive)
    }

    func testCursesKeyDecoding() {
        XCTAssertEqual(CursesScreen.decode(char: 9), .tab)
        XCTAssertEqual(CursesScreen.decode(char: 12), .ctrl("l"))
        XCTAssertEqual(CursesScreen.decode(char: 3), .ctrl("c"))
        XCTAssertEqual(CursesScreen.decode(char: 43), .char("+"))
        XCTAssertEqual(CursesScreen.decode(char: 27), .escape)
    }
}
