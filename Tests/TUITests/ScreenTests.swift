import XCTest
import KwartierCore
@testable import KwartierTUI
import KwartierPreview

/// Whole frames at the sizes the issue names, from a hand-made snapshot and from the preview site.
final class ScreenTests: XCTestCase {
    func frame(_ s: SiteSnapshot?, _ screen: ScreenID = .overview, w: Int = 80, h: Int = 24, glyphs: Glyphs = .ascii,
               configure: (inout UIState) -> Void = { _ in }) -> Canvas {
        var st = UIState()
        st.screen = screen
        if let s { st.observe(s, now: s.time) }
        configure(&st)
        return DashboardView.frame(width: w, height: h, glyphs: glyphs, snapshot: s, state: st)
    }

    func testOverviewAt80x24ShowsSliderQuarterFlowsPointsAndStatus() {
        let c = frame(Fixture.snapshot())
        let t = c.text()
        // Seven named tabs leave the site's name six columns at 80.
        XCTAssertEqual(c.line(0), " Test~ 1 Overview  2 Points 3 Boards 4 Devices 5 Log 6 History 7 Plan  \(Fmt.clock(Fixture.t0)) ")
        XCTAssertTrue(t.contains("|Grid import     5.1 kW ----->-----+- site -+          - Heat pump       n/a   |"), t)
        XCTAssertTrue(t.contains("+- Quarter \(Fmt.hm(Fixture.t0.addingTimeInterval(-180)))-\(Fmt.hm(Fixture.t0.addingTimeInterval(720))) "), t)
        XCTAssertTrue(t.contains(" 720 s left -+"))
        XCTAssertTrue(t.contains("|Slider   9.0 kW ["))
        XCTAssertTrue(t.contains("|avg 6.4 kW  forecast 8.7 kW  allowed 10.2 kW  peak 9.8 kW"))
        XCTAssertTrue(t.contains("|>Visitor 1 chrg aut  6.9                          ||P1    * OK 1 s            |"), t)
        XCTAssertTrue(t.contains("|P1    * OK 1 s"))
        XCTAssertTrue(t.contains("|>heatpump Normal  oo auto |"), t)
        XCTAssertTrue(c.line(23).hasSuffix("q Quit "))
        XCTAssertEqual(c.line(22).trimmingCharacters(in: .whitespaces), "no alerts")
    }

    func testEveryScreenFitsAt80x24AndAt160x50WithoutReplacementCharacters() {
        var site = PreviewSite(points: 20, seed: 7)
        for _ in 0..<30 { site.step() }
        let s = site.snapshot()
        for screen in ScreenID.allCases {
            for (w, h) in [(80, 24), (160, 50)] {
                let c = frame(s, screen, w: w, h: h, glyphs: .utf8)
                let body = c.text(in: Rect(x: 0, y: 0, w: w, h: h - 1))     // the footer has the "?" key
                XCTAssertFalse(body.contains("?"), "\(screen) \(w)x\(h) has a replaced character:\n\(body)")
                XCTAssertTrue(c.line(0).contains("1 Overview"), "\(screen) \(w)x\(h)")
                XCTAssertTrue(c.line(h - 1).hasSuffix("q Quit "), "\(screen) \(w)x\(h)")
            }
        }
    }

    func testAll20PointsVisibleOnTheOverviewAt80x24() {
        let s = PreviewSite(points: 20).snapshot()
        let t = frame(s).text()
        for p in s.points { XCTAssertTrue(t.contains(Canvas.truncate(p.name, 9, glyphs: .ascii)), p.name) }
    }

    func testOverviewAt160x50UsesTheDetailedTableAndALogTail() {
        let s = PreviewSite(points: 20).snapshot()
        let t = frame(s, w: 160, h: 50).text()
        XCTAssertTrue(t.contains("Name        State     Mode   Pr Ph   L1   L2   L3    kW  Set   kWh Why"), t)
        XCTAssertTrue(t.contains("+- Log "))
        XCTAssertTrue(t.contains("|Peaks "))
    }

    func testPointsScreenRowAndExplanation() {
        var s = Fixture.snapshot()
        s.points[1] = Fixture.point(2, state: .waiting, mode: .manual, priority: 3, manualA: 8, setpoint: 0, powerW: 0)
        let c = frame(s, .points) { $0.selectedPoint = 1 }
        let t = c.text()
        // 4 points at 80x24: room for two lines each, the explanation whole under its row.
        XCTAssertTrue(t.contains("""
              Name        State     Mode   Pr Ph   L1   L2   L3    kW  Set   kWh
              Visitor 1   charging  auto    0  3 10.0 10.0 10.0   6.9 10.0   4.2
                board garage L2 31.6/32 A
            > Visitor 2   waiting   manual  3  3  0.0  0.0  0.0   0.0  0.0   4.2
                board garage L2 31.6/32 A
              Visitor 3   charging  auto    0  3 10.0 10.0 10.0   6.9 10.0   4.2
            """), t)
        XCTAssertEqual(c.roles(5)[10], .selected)                 // the selection covers both lines
        XCTAssertTrue(t.contains(" cp02 Visitor 2 [garage] prio 3, manual 8 A: board garage L2 31.6/32 A"), t)
    }

    func testPointsScreenOneLinePerPointWhenTheyDoNotFitTwice() {
        var s = Fixture.snapshot(points: 12)
        s.points[1] = Fixture.point(2, state: .waiting, mode: .manual, priority: 3, manualA: 8, setpoint: 0, powerW: 0)
        let t = frame(s, .points) { $0.selectedPoint = 1 }.text()
        XCTAssertTrue(t.contains("  Name        State     Mode   Pr Ph   L1   L2   L3    kW  Set   kWh Why\n"), t)
        XCTAssertTrue(t.contains("> Visitor 2   waiting   manual  3  3  0.0  0.0  0.0   0.0  0.0   4.2 board gara~"), t)
        // Wide enough for the Why column: one line per point even when two would fit.
        let wide = frame(Fixture.snapshot(points: 4), .points, w: 120, h: 30).text()
        XCTAssertTrue(wide.contains("> Visitor 1   charging  auto    0  3 10.0 10.0 10.0   6.9 10.0   4.2 board garage L2 31.6/32 A\n"
                                    + "  Visitor 2 "), wide)
    }

    func testBoardsScreenBarsAgainstLimits() {
        let t = frame(Fixture.snapshot(), .boards).text()
        XCTAssertTrue(t.contains("|grid        L1 ######.... 21.0/35 L2 #####..... 18.0/35 L3 #####..... 19.0/35 |"), t)
        XCTAssertTrue(t.contains("|  garage    L1 ######.... 20.0/32 L2 ########## 31.6/32 L3 ####...... 12.0/32 |"), t)
        XCTAssertTrue(t.contains("headroom 0.4 A, 4 points (4 charging)"), t)
        XCTAssertTrue(t.contains("> heatpump   sg-ready Normal   auto     oo    1.2 no surplus"), t)
    }

    func testDevicesAndLogScreens() {
        var s = Fixture.snapshot()
        s.log = [LogLine(time: Fixture.t0, level: .debug, text: "poll"), LogLine(time: Fixture.t0, level: .warning, text: "slow cp01")]
        s.alerts = [AlertView(time: Fixture.t0, level: .warning, key: "f", text: "forecast above slider", active: true)]
        let d = frame(s, .devices).text()
        XCTAssertTrue(d.contains("|* OK  age 1 s  telegrams 100  CRC failures 2"), d)
        XCTAssertTrue(d.contains("  cp01       ok"), d)
        let l = frame(s, .log).text()
        XCTAssertTrue(l.contains("slow cp01"))
        XCTAssertFalse(l.contains("poll"))                       // debug is below the default info filter
        XCTAssertTrue(l.contains("|! \(Fmt.clock(Fixture.t0)) warning  forecast above slider"), l)
        let all = frame(s, .log) { $0.logLevel = .trace }.text()
        XCTAssertTrue(all.contains("poll"))
    }

    /// A charger whose own safe current differs from its safe_a: the row says so (in warning
    /// colour, in place of a last error) and the selected device's detail line has the whole text.
    func testDevicesScreenShowsASafeCurrentMismatch() {
        var s = Fixture.snapshot()
        s.devices[1].safeCurrent = "safe current MISMATCH: charger 10 A, configured 6 A (set it on the charger itself)"
        s.devices[1].safeCurrentProblem = true
        let c = frame(s, .devices, w: 120, h: 24) { $0.selectedDevice = 1 }
        let t = c.text()
        guard let row = (0..<24).first(where: { c.line($0).contains(" cp01       ok") }) else { return XCTFail(t) }
        XCTAssertTrue(c.line(row).contains("safe current MISMATCH: charger 10 A"), c.line(row))
        // Not selected (the selection has its own colour): the text is in warning colour.
        let other = frame(s, .devices, w: 120, h: 24) { $0.selectedDevice = 0 }
        let col = Array(other.line(row)).firstIndex(of: "M")! - "safe current ".count
        XCTAssertEqual(other[col, row].role, .warn)
        XCTAssertTrue(t.contains("cp01: ABB on rs485; safe current MISMATCH: charger 10 A, configured 6 A (set it on the charger itself)"), t)
        // Confirmed: nothing in the row, the detail line still tells.
        s.devices[1].safeCurrent = "safe current 6 A (charger confirms)"
        s.devices[1].safeCurrentProblem = false
        let ok = frame(s, .devices, w: 120, h: 24) { $0.selectedDevice = 1 }
        XCTAssertFalse(ok.line(row).contains("safe current"), ok.line(row))
        XCTAssertTrue(ok.text().contains("cp01: ABB on rs485; safe current 6 A (charger confirms)"), ok.text())
    }

    func testStatusLineShowsTheLatestActiveAlertAndMessagesWin() {
        var s = Fixture.snapshot()
        s.alerts = [AlertView(time: Fixture.t0, level: .info, key: "a", text: "old info", active: true),
                    AlertView(time: Fixture.t0.addingTimeInterval(-60), level: .critical, key: "b", text: "cp15 unreachable", active: true)]
        let c = frame(s)
        XCTAssertEqual(c.line(22), " ! \(Fmt.clock(Fixture.t0.addingTimeInterval(-60))) cp15 unreachable" + String(repeating: " ", count: 42) + " 2 active ")
        XCTAssertEqual(c[1, 22].role, .alertCrit)
        let m = frame(s) { $0.message = StatusMessage(text: "slider 9.1 kW sent", role: .message, until: .distantFuture) }
        XCTAssertEqual(m.line(22).trimmingCharacters(in: .whitespaces), "slider 9.1 kW sent")
    }

    func testBelowTheMinimumSizeItSaysWhatItNeeds() {
        for (w, h) in [(79, 24), (80, 23), (40, 10)] {
            let t = frame(Fixture.snapshot(), w: w, h: h).text()
            XCTAssertTrue(t.contains("Kwartier needs at least\n"), t)
            XCTAssertTrue(t.contains("80x24 characters;"), t)
            XCTAssertTrue(t.contains("this terminal is \(w)x\(h)."), t)
        }
        XCTAssertFalse(frame(Fixture.snapshot(), w: 80, h: 24).text().contains("needs at least"))
    }

    func testHelpOverlayListsEveryKeyAndQuitDialogSaysSafeCurrent() {
        let help = frame(Fixture.snapshot()) { $0.showHelp = true }.text()
        for sec in KeyMap.sections { for e in sec.entries { XCTAssertTrue(help.contains(e.action), e.action) } }
        let quit = frame(Fixture.snapshot()) { $0.confirmQuit = true }.text()
        XCTAssertTrue(quit.contains("Quit Kwartier?"))
        XCTAssertTrue(quit.contains("fall back to their safe"))
        XCTAssertTrue(quit.contains("y = quit"))
    }

    func testNoSnapshotYet() {
        let t = frame(nil).text()
        XCTAssertTrue(t.contains("Waiting for the first snapshot from the core..."))
        XCTAssertTrue(t.contains("--:--:--"))
    }

    func testStaleMeterAndSafeStateAreUnmissable() {
        var s = Fixture.snapshot()
        s.grid.stale = true
        s.grid.ageS = 14
        s.safeState = true
        let c = frame(s)
        XCTAssertTrue(c.line(0).hasSuffix(" SAFE STATE  \(Fmt.clock(Fixture.t0)) "), c.line(0))
        XCTAssertEqual(c.line(22).trimmingCharacters(in: .whitespaces),
                       "SAFE STATE: main meter stale, charge points at their safe current")
        XCTAssertTrue(c.text().contains("|P1    * STALE 14 s"), c.text())
        XCTAssertTrue(c.line(1).hasSuffix(" P1 14 s -+"))
        XCTAssertEqual(c[1, 22].role, .alertCrit)
    }
}
