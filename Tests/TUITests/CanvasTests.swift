import XCTest
@testable import KwartierTUI

final class CanvasTests: XCTestCase {
    func testTextIsClippedToTheCanvasAndTheClipRect() {
        var c = Canvas(width: 10, height: 2)
        c.text(7, 0, "abcdef", .value)
        c.text(-2, 1, "xyz12", .normal, clip: Rect(x: 0, y: 1, w: 3, h: 1))
        XCTAssertEqual(c.line(0), "       abc")
        XCTAssertEqual(c.line(1), "z12       ")   // x=-2: "xy" fall left of the clip
        XCTAssertEqual(c[7, 0].role, .value)
        XCTAssertEqual(c[6, 0].role, .normal)
    }

    func testTextFitTruncatesWithTheGlyphSetsEllipsis() {
        var a = Canvas(width: 8, height: 1, glyphs: .ascii)
        a.textFit(a.bounds, "Visitor 10 long", .label)
        XCTAssertEqual(a.line(0), "Visitor~")
        var u = Canvas(width: 8, height: 1, glyphs: .utf8)
        u.textFit(u.bounds, "Visitor 10 long", .label)
        XCTAssertEqual(u.line(0), "Visitor…")
        var exact = Canvas(width: 8, height: 1, glyphs: .utf8)
        exact.textFit(exact.bounds, "Visitor8")
        XCTAssertEqual(exact.line(0), "Visitor8")
    }

    func testWideAndControlCharactersNeverShiftTheCells() {
        var u = Canvas(width: 12, height: 1, glyphs: .utf8)
        u.text(0, 0, "日本\tCafé|")
        XCTAssertEqual(u.line(0), "?? Café|    ")
        var a = Canvas(width: 12, height: 1, glyphs: .ascii)
        a.text(0, 0, "Café → Zoë")
        XCTAssertEqual(a.line(0), "Cafe -> Zoe ")
    }

    /// The core's texts use a few symbols (relay reasons "surplus 3.1 kW ≥ 2.5 kW", "—" in
    /// messages): on an ASCII terminal they are spelled out, not shown as "?".
    func testAsciiSpellsOutTheCoresSymbols() {
        var a = Canvas(width: 49, height: 1, glyphs: .ascii)
        a.textFit(a.bounds, "off: surplus 1.2 kW ≤ 2.5 kW — 0.5–10000 wait…")
        XCTAssertEqual(a.line(0), "off: surplus 1.2 kW <= 2.5 kW - 0.5-10000 wait...")
        XCTAssertEqual(Canvas.truncate("a ≥ b", 6, glyphs: .ascii), "a >= b")
        var u = Canvas(width: 6, height: 1, glyphs: .utf8)
        u.text(0, 0, "a ≥ b")
        XCTAssertEqual(u.line(0), "a ≥ b ")
    }

    func testRectSplitsAndCentering() {
        let r = Rect(x: 0, y: 1, w: 80, h: 21)
        let (top, rest) = r.splitTop(5)
        XCTAssertEqual(top, Rect(x: 0, y: 1, w: 80, h: 5))
        XCTAssertEqual(rest, Rect(x: 0, y: 6, w: 80, h: 16))
        let (left, right) = rest.splitLeft(52)
        XCTAssertEqual(right, Rect(x: 52, y: 6, w: 28, h: 16))
        XCTAssertEqual(left.inset(1), Rect(x: 1, y: 7, w: 50, h: 14))
        XCTAssertEqual(r.centered(w: 62, h: 8), Rect(x: 9, y: 7, w: 62, h: 8))
        let (bottom, above) = r.splitBottom(2)
        XCTAssertEqual(bottom, Rect(x: 0, y: 20, w: 80, h: 2))
        XCTAssertEqual(above.h, 19)
    }

    func testBoxInBothGlyphSets() {
        var a = Canvas(width: 20, height: 3, glyphs: .ascii)
        let inner = Box.draw(&a, a.bounds, title: "Flows", right: "P1 1 s")
        XCTAssertEqual(inner, Rect(x: 1, y: 1, w: 18, h: 1))
        XCTAssertEqual(a.text(), "+- Flows - P1 1 s -+\n|                  |\n+------------------+")
        var u = Canvas(width: 20, height: 3, glyphs: .utf8)
        Box.draw(&u, u.bounds, title: "Flows", right: "P1 1 s")
        XCTAssertEqual(u.text(), "┌─ Flows ─ P1 1 s ─┐\n│                  │\n└──────────────────┘")
        XCTAssertEqual(u.roles(0)[3], .frameTitle)
        XCTAssertEqual(u.roles(0)[0], .frame)
    }

    func testRightTitleIsDroppedWhenItWouldOverlapTheTitle() {
        var a = Canvas(width: 16, height: 2, glyphs: .ascii)
        Box.draw(&a, a.bounds, title: "Charge points", right: "5/20")
        XCTAssertEqual(a.line(0), "+- Charge poi~-+")
    }
}
