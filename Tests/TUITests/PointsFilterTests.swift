import XCTest
import KwartierCore
@testable import KwartierTUI
import KwartierPreview

/// A large site on the dashboard: the Points screen's filter (`/`, Esc), scrolling through 250
/// points, and the per-board summary on the Boards screen.
final class PointsFilterTests: XCTestCase {
    let now = Fixture.t0

    /// 12 points; every third one (cp03, cp06, cp09, cp12) is on the board "office" and waiting.
    func site() -> SiteSnapshot {
        var s = Fixture.snapshot(points: 12)
        for i in s.points.indices where i % 3 == 2 { s.points[i].board = "office"; s.points[i].state = .waiting }
        return s
    }

    func press(_ st: inout UIState, _ keys: [Key], _ s: SiteSnapshot) -> [UserCommand] {
        keys.flatMap { st.handle($0, snapshot: s, now: now, drivingHardware: true) }
    }

    func frame(_ s: SiteSnapshot, _ st: UIState, w: Int = 80, h: Int = 24) -> Canvas {
        DashboardView.frame(width: w, height: h, glyphs: .ascii, snapshot: s, state: st)
    }

    func pointsScreen(_ s: SiteSnapshot) -> UIState {
        var st = UIState()
        st.screen = .points
        st.observe(s, now: now)
        return st
    }

    func testSlashTypesAFilterThatNarrowsTheTableAndEscClearsIt() {
        let s = site()
        var st = pointsScreen(s)
        // While typing, letters are the filter's: "q", "m" and "o" neither quit nor change a mode.
        XCTAssertEqual(press(&st, [.char("/"), .char("o"), .char("F"), .char("f"), .char("q"), .backspace], s), [])
        XCTAssertEqual(st.pointFilter, "oFf")
        XCTAssertTrue(st.filterEditing)
        XCTAssertFalse(st.confirmQuit)
        XCTAssertEqual(st.selectedPoint, 2, "the selection moves to the first point shown")
        var t = frame(s, st).text()
        XCTAssertTrue(t.contains("> Visitor 3   waiting   auto"), t)
        XCTAssertTrue(t.contains("  Visitor 12  waiting   auto"), t)
        XCTAssertFalse(t.contains("Visitor 1 "), t)
        XCTAssertTrue(t.contains("- /oFf_ -"), t)
        XCTAssertTrue(t.contains(" 1/4 of 12 "), t)
        // Enter keeps the filter; the keys act again, on the points shown.
        XCTAssertEqual(press(&st, [.enter, .down], s), [])
        XCTAssertFalse(st.filterEditing)
        XCTAssertEqual(st.selectedPoint, 5)
        XCTAssertEqual(press(&st, [.end], s), [])
        XCTAssertEqual(st.selectedPoint, 11)
        XCTAssertEqual(press(&st, [.up, .char("m")], s), [.setMode(point: "cp09", mode: .manual)])
        t = frame(s, st).text()
        XCTAssertTrue(t.contains("- /oFf -"), t)
        XCTAssertTrue(t.contains(" 3/4 of 12 "), t)
        // Esc clears it: every point again, the selection kept.
        XCTAssertEqual(press(&st, [.escape], s), [])
        XCTAssertEqual(st.pointFilter, "")
        XCTAssertEqual(st.selectedPoint, 8)
        t = frame(s, st).text()
        XCTAssertTrue(t.contains(" 9/12 "), t)
        XCTAssertFalse(t.contains("/oFf"), t)
    }

    func testTheFilterMatchesIdNameBoardOrStateAndSaysWhenNothingMatches() {
        let s = site()
        XCTAssertEqual(PointFilter.visible(s, "CP1"), [9, 10, 11])        // cp10 cp11 cp12
        XCTAssertEqual(PointFilter.visible(s, "visitor 1"), [0, 9, 10, 11])
        XCTAssertEqual(PointFilter.visible(s, "garage"), [0, 1, 3, 4, 6, 7, 9, 10])
        XCTAssertEqual(PointFilter.visible(s, "charging"), [0, 1, 3, 4, 6, 7, 9, 10])
        XCTAssertEqual(PointFilter.visible(s, ""), Array(0..<12))
        var st = pointsScreen(s)
        _ = press(&st, [.char("/"), .char("z"), .char("z")], s)
        let t = frame(s, st).text()
        XCTAssertTrue(t.contains("no point matches \"zz\" (Esc clears the filter)"), t)
        XCTAssertTrue(t.contains(" -/0 of 12 "), t)
        _ = press(&st, [.escape], s)
        XCTAssertFalse(st.filterEditing)
        XCTAssertEqual(st.pointFilter, "")
    }

    func testTheFilterOnlyTakesKeysOnThePointsScreen() {
        let s = site()
        var st = UIState()
        st.observe(s, now: now)
        XCTAssertEqual(press(&st, [.char("/"), .char("m")], s), [.setMode(point: "cp01", mode: .manual)])
        XCTAssertEqual(st.pointFilter, "")
        XCTAssertFalse(st.filterEditing)
    }

    func testTwoHundredFiftyPointsScrollWithPageKeysHomeAndEnd() {
        var site = PreviewSite(points: 250, seed: 3)
        for _ in 0..<5 { site.step() }
        let s = site.snapshot()
        XCTAssertEqual(s.points.count, 250)
        var st = pointsScreen(s)
        _ = press(&st, [.end], s)
        XCTAssertEqual(st.selectedPoint, 249)
        var mem = ViewMemory()     // kept between frames, as the dashboard does
        func draw() -> Canvas {
            var c = Canvas(width: 80, height: 24, glyphs: .ascii)
            DashboardView.render(&c, snapshot: s, state: st, memory: &mem)
            return c
        }
        var c = draw()
        XCTAssertTrue(c.text().contains("> \(Canvas.truncate(s.points[249].name, 11, glyphs: .ascii))"), c.text())
        XCTAssertTrue(c.text().contains(" 250/250 "), c.text())
        _ = press(&st, [.pageUp, .pageUp], s)
        XCTAssertEqual(st.selectedPoint, 229)
        c = draw()
        XCTAssertTrue(c.text().contains("> \(Canvas.truncate(s.points[229].name, 11, glyphs: .ascii))"), c.text())
        XCTAssertTrue(c.text().contains(" 230/250 "), c.text())
        _ = press(&st, [.home], s)
        XCTAssertEqual(st.selectedPoint, 0)
    }

    func testBoardsScreenHasASummaryLinePerBoard() {
        let s = site()
        var st = UIState()
        st.screen = .boards
        st.observe(s, now: now)
        let t = frame(s, st).text()
        // garage: 8 points charging at 10 A on each phase.
        XCTAssertTrue(t.contains("|    meter garage-meter, headroom 0.4 A, 8 points (8 charging) draw 80/80/80 A"), t)
    }
}
