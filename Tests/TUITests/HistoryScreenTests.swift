import XCTest
import KwartierCore
@testable import KwartierTUI

/// The History screen from a hand-made `HistoryView`: bars against the slider, the chosen day's
/// quarters, kWh per point, sessions, and the keys that move through days and months.
final class HistoryScreenTests: XCTestCase {
    static let tz = TimeZone(identifier: "Europe/Brussels")!
    static let cal = HistoryCalendar(timeZone: tz)

    /// 2026-10-28 … 2026-11-03: day n of November peaks at 7 + n kW at 10:15 (over the 9 kW slider
    /// from the 3rd); every day has 96 quarters of 2 kW but 2026-11-03 10:15.
    static func view() -> HistoryView {
        var days: [HistoryView.Day] = []
        for (i, d) in cal.days(from: cal.day("2026-10-28")!, through: cal.day("2026-11-03")!).enumerated() {
            let key = cal.dayKey(d)
            let n = Double(Int(key.suffix(2))!)
            let peak = key.hasPrefix("2026-11") ? 7 + n : 4
            var q = [Double](repeating: 2, count: 96)
            q[41] = peak
            days.append(HistoryView.Day(day: key, peakKW: peak, peakStart: d.addingTimeInterval(41 * 900), sliderKW: 9,
                                        energy: ["cp1": 10 + Double(i), "grid.import": 40], quarters: q))
        }
        let s0 = cal.day("2026-11-03")!.addingTimeInterval(8 * 3600)
        let sessions = [ChargingSession(point: "cp1", start: s0, end: nil, kwh: 7.25, phases: 3, peakA: 16),
                        ChargingSession(point: "cp2", start: s0.addingTimeInterval(-86_400), end: s0.addingTimeInterval(-86_400 + 9000),
                                        kwh: 12.5, phases: 1, peakA: 16, endReason: .full)]
        return HistoryView(timeZone: tz.identifier, days: days, sessions: sessions, latest: s0)
    }

    func frame(_ w: Int, _ h: Int, glyphs: Glyphs = .ascii, _ configure: (inout UIState) -> Void = { _ in }) -> Canvas {
        Fmt.useTimeZone(Self.tz)
        var s = Fixture.snapshot(slider: 9)
        s.history = Self.view()
        var st = UIState()
        st.screen = .history
        st.observe(s, now: s.time)
        configure(&st)
        return DashboardView.frame(width: w, height: h, glyphs: glyphs, snapshot: s, state: st)
    }

    func testAt80x24TheMonthDayEnergyAndSessionsShow() {
        let t = frame(80, 24).text()
        XCTAssertTrue(t.contains("Quarter peaks per day 2026-11"), t)
        XCTAssertTrue(t.contains("billed peak 10.00 kW on 11-03 10:15"), t)
        XCTAssertTrue(t.contains("Quarters 2026-11-03"), t)
        XCTAssertTrue(t.contains("highest 10.00 kW at 10:15"), t)
        XCTAssertTrue(t.contains("kWh 2026-11-03"), t)
        XCTAssertTrue(t.contains("cp1              16.0"), t)
        XCTAssertTrue(t.contains("grid.import      40.0"), t)
        XCTAssertTrue(t.contains("cp1    11-03 08:00-now    7.2 kWh 3p plugged in"), t)
        XCTAssertTrue(t.contains("cp2    11-02 08:00-10:30  12.5 kWh 1p full"), t)
        for line in t.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 80) }
    }

    /// The slider at 9 kW on a 10 kW x 1.15 scale, five rows of 2.3 kW: the slider's row holds
    /// 6.9-9.2 kW; only day 3's bar (10 kW) reaches the row above it (a partial cell, "." in ASCII).
    func testBarsStandAgainstTheSlider() {
        let c = frame(80, 24)
        let lines = c.text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let sliderRow = lines.firstIndex(where: { $0.contains("  9.0") && $0.contains("-") }) else {
            return XCTFail(c.text())
        }
        let x3 = 1 + 6 + 2 * 2   // box, axis, day 3 at two columns a day
        let x1 = 1 + 6
        XCTAssertEqual(Array(lines[sliderRow])[x3], "#", "day 3 goes through the slider")
        XCTAssertEqual(Array(lines[sliderRow - 1])[x3], ".", "and above it")
        XCTAssertEqual(Array(lines[sliderRow - 1])[x1], " ", "day 1 (8 kW) does not")
        XCTAssertEqual(Array(lines[sliderRow - 1])[x1 + 2], " ", "day 2 (9 kW) does not")
        XCTAssertEqual(Array(lines[sliderRow])[x3 + 2], "-", "the slider line runs across the empty days")
        XCTAssertEqual(c[x3, sliderRow - 1].role, .selected)
        XCTAssertEqual(c[x3, sliderRow].role, .selected, "the chosen day is highlighted")
    }

    func testKeysMoveThroughDaysAndMonths() {
        var st = UIState()
        st.screen = .history
        var s = Fixture.snapshot()
        s.history = Self.view()
        func day() -> String { Self.view().days[HistoryScreen.selectedIndex(s.history!, st)].day }
        XCTAssertEqual(day(), "2026-11-03")
        _ = st.handle(.left, snapshot: s, now: s.time, drivingHardware: false)
        XCTAssertEqual(day(), "2026-11-02")
        _ = st.handle(.pageUp, snapshot: s, now: s.time, drivingHardware: false)
        XCTAssertEqual(day(), "2026-10-31", "PgUp: the last day of the month before")
        _ = st.handle(.pageDown, snapshot: s, now: s.time, drivingHardware: false)
        XCTAssertEqual(day(), "2026-11-01", "PgDn: the first day of the month after")
        _ = st.handle(.home, snapshot: s, now: s.time, drivingHardware: false)
        XCTAssertEqual(day(), "2026-10-28")
        _ = st.handle(.left, snapshot: s, now: s.time, drivingHardware: false)
        XCTAssertEqual(day(), "2026-10-28", "no further back than the first day held")
        _ = st.handle(.end, snapshot: s, now: s.time, drivingHardware: false)
        XCTAssertEqual(day(), "2026-11-03")
        _ = st.handle(.char("v"), snapshot: s, now: s.time, drivingHardware: false)
        XCTAssertTrue(st.historyMonthly)
        _ = st.handle(.char("6"), snapshot: s, now: s.time, drivingHardware: false)
        XCTAssertEqual(st.screen, .history)
    }

    func testMonthKWhSumsTheMonthsDays() {
        let t = frame(80, 24) { $0.historyMonthly = true }.text()
        XCTAssertTrue(t.contains("kWh 2026-11"), t)
        // cp1: 14 + 15 + 16 on November 1-3.
        XCTAssertTrue(t.contains("cp1              45.0"), t)
    }

    func testLargeTerminalUsesTheRoomAndUTF8Blocks() {
        let c = frame(160, 50, glyphs: .utf8)
        let t = c.text()
        XCTAssertTrue(t.contains("█"), t)
        XCTAssertTrue(t.contains("Latest sessions"), t)
        for line in t.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 160) }
    }

    func testWithoutHistoryTheScreenSaysSo() {
        Fmt.useTimeZone(Self.tz)
        var st = UIState()
        st.screen = .history
        let t = DashboardView.frame(width: 80, height: 24, glyphs: .ascii, snapshot: Fixture.snapshot(), state: st).text()
        XCTAssertTrue(t.contains("no history: this hub records none"), t)
    }
}
