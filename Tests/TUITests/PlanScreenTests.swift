import XCTest
import KwartierCore
@testable import KwartierTUI

/// The Plan screen from a hand-made `PlanView`: the lanes as bars on a time axis, the selected
/// quarter's figures, scrolling through 20 hours, and the message when there is no plan.
final class PlanScreenTests: XCTestCase {
    static let tz = TimeZone(identifier: "Europe/Brussels")!

    /// 80 quarters from 14:00 local (13:00 UTC): the price climbs 0.10 → 0.32 €/kWh every
    /// three hours; the battery charges 2.5 kW for two hours, discharges 2 kW 00:00–02:00; a
    /// car 18:00–20:00; PV falls off by 19:00; the load 0.5–0.7 kW.
    static func plan() -> PlanView {
        let q0 = Date(timeIntervalSince1970: 1_741_784_400)
        let steps = (0..<80).map { k -> PlanView.Step in
            let battery = k < 8 ? 2.5 : (40..<48).contains(k) ? -2.0 : 0
            return PlanView.Step(start: q0.addingTimeInterval(Double(k) * 900), takeEurPerKWh: 0.10 + 0.02 * Double(k % 12),
                                 batteryKW: battery, carKW: (16..<24).contains(k) ? 7.4 : 0,
                                 pvForecastKW: max(0, 3 - 0.15 * Double(k)), loadForecastKW: 0.5 + 0.1 * Double(k % 3),
                                 socPercent: Double(k < 8 ? 30 + 6 * (k + 1) : 78))
        }
        return PlanView(generatedAt: q0.addingTimeInterval(-62), mode: "plan", steps: steps)
    }

    func frame(_ plan: PlanView?, w: Int = 80, h: Int = 24, glyphs: Glyphs = .ascii, keys: [Key] = []) -> Canvas {
        Fmt.useTimeZone(Self.tz)
        var s = Fixture.snapshot()
        s.plan = plan
        var st = UIState()
        st.observe(s, now: s.time)
        for k in [.char("7")] + keys { _ = st.handle(k, snapshot: s, now: s.time, drivingHardware: false) }
        XCTAssertEqual(st.screen, .plan)
        return DashboardView.frame(width: w, height: h, glyphs: glyphs, snapshot: s, state: st)
    }

    /// Each lane against the whole plan's scale (charging up, discharging below its line),
    /// the hours under the first quarter of each, the first quarter selected and in figures.
    func testPlanScreenAt80x24() {
        let c = frame(Self.plan())
        XCTAssertEqual(c.text(in: Rect(x: 0, y: 1, w: 80, h: 20)), """
            +- Plan 03-12 14:00 to 03-13 10:00 ------------------------------- made 13:58 -+
            |battery charging 2.5 kW until 16:00, next discharge 00:00-02:00, car 18:00-20~|
            |Price   |       ..##        ..##        ..##        ..##        ..##        ..|
            |  0.320      .######     .######     .######     .######     .######     .####|
            |          .#########  .#########  .#########  .#########  .#########  .#######|
            |        ######################################################################|
            |        ######################################################################|
            |Battery ########                                                              |
            |    2.5 ########                                                              |
            |                                                ########                      |
            |   -2.0                                         ########                      |
            |Car     |               ########                                              |
            |PV      ######....                                                            |
            |    3.0 ################....                                                  |
            |Load    .##.##.##.##.##.##.##.##.##.##.##.##.##.##.##.##.##.##.##.##.##.##.##.|
            |    0.7 ######################################################################|
            |SoC     |...##################################################################|
            |     78 ######################################################################|
            |        14  15  16  17  18  19  20  21  22  23  00  01  02  03  04  05  06  07|
            |14:00 0.100 EUR/kWh; battery +2.5, car 0.0, PV 3.0, load 0.5 kW; SoC 36 %     |
            """)
        XCTAssertEqual(c.line(23).trimmingCharacters(in: .whitespaces), "? Help Tab Screen <-/-> 15 min Up/Dn Hour PgUp/Dn 6 h Home Now           q Quit")
    }

    /// End selects the last quarter and scrolls it into view; Left, Up and Home move back.
    func testKeysMoveTheSelectedQuarterAndScroll() {
        var t = frame(Self.plan(), keys: [.end]).text()
        XCTAssertTrue(t.contains("|09:45 0.240 EUR/kWh; battery 0.0, car 0.0, PV 0.0, load 0.6 kW; SoC 78 %"), t)
        // 70 quarters shown, the last one selected: from 16:30, 17:00 two columns in.
        XCTAssertTrue(t.contains("|          17  18  19  20  21  22  23  00  01  02  03  04  05  06  07  08  09 ^|"), t)
        t = frame(Self.plan(), keys: [.end, .left, .up]).text()
        XCTAssertTrue(t.contains("|08:30 0.140 EUR/kWh; battery 0.0, car 0.0, PV 0.0, load 0.7 kW; SoC 78 %"), t)
        t = frame(Self.plan(), keys: [.end, .pageUp, .home, .right, .down]).text()
        XCTAssertTrue(t.contains("|15:15 0.200 EUR/kWh; battery +2.5, car 0.0, PV 2.2, load 0.7 kW; SoC 66 %"), t)
    }

    /// A big UTF-8 terminal: all 80 quarters fit, the lanes get more rows, the summary and the
    /// figures are whole, eighth blocks top the bars.
    func testPlanScreenAt160x50InUTF8() {
        let c = frame(Self.plan(), w: 160, h: 50, glyphs: .utf8)
        let t = c.text(in: Rect(x: 0, y: 0, w: 160, h: 49))
        XCTAssertFalse(t.contains("?"), t)
        XCTAssertTrue(t.contains("│battery charging 2.5 kW until 16:00, next discharge 00:00–02:00, car 18:00–20:00, price now 0.10 €/kWh"), t)
        XCTAssertTrue(t.contains("│14:00 0.100 €/kWh; battery +2.5, car 0.0, PV 3.0, load 0.5 kW; SoC 36 %"), t)
        XCTAssertTrue(t.contains("14  15  16  17  18  19  20  21  22  23  00  01  02  03  04  05  06  07  08  09  "), t)
    }

    func testNoPlanSaysWhy() {
        XCTAssertTrue(frame(nil).text().contains("|no plan: no prices yet (energy.prices not configured)"))
        let waiting = PlanView(generatedAt: nil, mode: "plan", steps: [], reason: "waiting for the battery's first reading")
        XCTAssertTrue(frame(waiting).text().contains("|no plan: waiting for the battery's first reading"))
    }
}
