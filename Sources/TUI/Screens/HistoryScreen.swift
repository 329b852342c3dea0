import Foundation
import KwartierCore

/// Screen 6: the recorded history. This month's highest quarter per day as bars against the
/// slider, the chosen day's quarters, kWh per measuring point for that day or month, and the
/// latest sessions. Left/Right (or Up/Down) move a day, PgUp/PgDn a month, `v` switches the kWh
/// between the day and its month. Everything comes from the snapshot's `HistoryView`.
enum HistoryScreen {
    static func draw(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot, _ st: UIState) {
        guard let h = s.history, !h.days.isEmpty else {
            let inner = Box.draw(&c, r, title: "History")
            c.textFit(inner, s.history == nil ? "no history: this hub records none" : "no quarter recorded yet (the first closes at the next :00, :15, :30 or :45)", .dim)
            return
        }
        let idx = selectedIndex(h, st)
        let day = h.days[idx]
        let month = String(day.day.prefix(7))
        // Rows: the month's bars, the day's quarters, then the kWh and sessions side by side.
        let monthH = max(8, min(16, r.h * 2 / 5))
        let dayH = max(6, min(10, (r.h - monthH) / 2))
        let (monthR, rest) = r.splitTop(monthH)
        let (dayR, bottom) = rest.splitTop(dayH)
        drawMonth(&c, monthR, h, month: month, selected: day, slider: s.sliderKW)
        drawDay(&c, dayR, day, slider: day.sliderKW ?? s.sliderKW)
        let (left, right) = bottom.splitLeft(max(26, bottom.w / 3))
        drawEnergy(&c, left, h, day: day, month: month, monthly: st.historyMonthly)
        drawSessions(&c, right, h)
    }

    static func selectedIndex(_ h: HistoryView, _ st: UIState) -> Int {
        max(0, min(h.days.count - 1, h.days.count - 1 - st.historyBack))
    }

    static func drawMonth(_ c: inout Canvas, _ r: Rect, _ h: HistoryView, month: String, selected: HistoryView.Day, slider: Double) {
        let days = h.days(ofMonth: month)
        let peak = h.monthPeak(month)
        let right = peak.map { "billed peak \(Fmt.fixed($0.peakKW!, 2)) kW on \($0.day.suffix(5))" + ($0.peakStart.map { " " + Fmt.hm($0) } ?? "") } ?? "no quarters"
        let inner = Box.draw(&c, r, title: "Quarter peaks per day \(month)", right: right)
        guard inner.h >= 3, inner.w >= 20 else { return }
        let sliderKW = selected.sliderKW ?? slider
        let scale = max(sliderKW, days.compactMap(\.peakKW).max() ?? 0, 0.1) * 1.15
        let axisW = 6
        let rows = inner.h - 1
        let cw = max(1, min(4, (inner.w - axisW) / 31))
        let g = c.glyphs
        let sliderRow = rows - 1 - Int((sliderKW / scale * Double(rows)).rounded(.down))
        c.text(inner.x, inner.y, Fmt.lpad(Fmt.fixed(scale, 1), axisW - 1), .dim, clip: inner)
        if sliderRow >= 0 && sliderRow < rows {
            c.text(inner.x, inner.y + sliderRow, Fmt.lpad(Fmt.fixed(sliderKW, 1), axisW - 1), .sliderMarker, clip: inner)
        }
        for d in days {
            guard let n = Int(d.day.suffix(2)) else { continue }
            let x = inner.x + axisW + (n - 1) * cw
            guard x < inner.maxX else { break }
            let v = d.peakKW ?? 0
            let role: Role = d.day == selected.day ? .selected : v > sliderKW + 0.005 ? .barCrit : .barOK
            Columns.up(&c, x: x, bottom: inner.y + rows - 1, rows: rows, value: v / scale, role: role)
        }
        // The slider as a line across the empty cells.
        if sliderRow >= 0 && sliderRow < rows {
            for x in (inner.x + axisW)..<min(inner.maxX, inner.x + axisW + 31 * cw) where c[x, inner.y + sliderRow].ch == " " {
                c.put(x, inner.y + sliderRow, g.h, .sliderMarker)
            }
        }
        // Day numbers under the bars: every fifth day, and the selected one.
        let labelY = inner.y + rows
        for n in stride(from: 1, through: 31, by: cw >= 2 ? 2 : 5) {
            let x = inner.x + axisW + (n - 1) * cw
            if x + 1 < inner.maxX { c.text(x, labelY, String(n), .dim, clip: inner) }
        }
        if let n = Int(selected.day.suffix(2)), selected.day.hasPrefix(month) {
            let x = inner.x + axisW + (n - 1) * cw
            if x < inner.maxX { c.text(x, labelY, String(n), .selected, clip: inner) }
        }
        c.text(inner.x, labelY, "day", .dim, clip: inner)
    }

    static func drawDay(_ c: inout Canvas, _ r: Rect, _ day: HistoryView.Day, slider: Double) {
        let right = day.peakKW.map { "highest \(Fmt.fixed($0, 2)) kW" + (day.peakStart.map { " at " + Fmt.hm($0) } ?? "") } ?? "no quarters"
        let inner = Box.draw(&c, r, title: "Quarters \(day.day)", right: right)
        guard inner.h >= 2, inner.w >= 20 else { return }
        guard let q = day.quarters, !q.isEmpty else {
            c.textFit(inner, "quarters are shown for the latest days only", .dim); return
        }
        let rows = inner.h - 1
        let per = max(1, Int((Double(q.count) / Double(inner.w)).rounded(.up)))
        let cols = (q.count + per - 1) / per
        let scale = max(slider, q.max() ?? 0, 0.1) * 1.15
        for k in 0..<cols {
            let v = q[(k * per)..<min(q.count, (k + 1) * per)].max() ?? 0
            Columns.up(&c, x: inner.x + k, bottom: inner.y + rows - 1, rows: rows, value: v / scale,
                       role: v > slider + 0.005 ? .barCrit : .barOK)
        }
        // Hour labels every 3 hours (a DST day has 23 or 25 of them).
        let labelY = inner.y + rows
        for hour in stride(from: 0, to: q.count / 4, by: 3) {
            let x = inner.x + hour * 4 / per
            if x + 2 <= inner.maxX { c.text(x, labelY, String(format: "%02d", hour), .dim, clip: inner) }
        }
    }

    static func drawEnergy(_ c: inout Canvas, _ r: Rect, _ h: HistoryView, day: HistoryView.Day, month: String, monthly: Bool) {
        let e = monthly ? h.monthEnergy(month) : day.energy
        let inner = Box.draw(&c, r, title: "kWh \(monthly ? month : day.day)", right: monthly ? "v: day" : "v: month")
        guard inner.h > 0 else { return }
        if e.isEmpty { c.textFit(inner, "nothing recorded", .dim); return }
        let keys = e.keys.sorted()
        let colW = 22
        let ncol = max(1, inner.w / colW)
        for (i, k) in keys.enumerated() {
            let col = i / inner.h, row = i % inner.h
            guard col < ncol else { break }
            let x = inner.x + col * colW
            let w = min(colW - 1, inner.maxX - x)
            let v = Fmt.fixed(e[k]!, 1)
            let name = Canvas.truncate(k, max(1, w - v.count - 1), glyphs: c.glyphs)
            c.text(x, inner.y + row, Fmt.rpad(name, max(0, w - v.count)) + v, .normal, clip: inner)
        }
    }

    static func drawSessions(_ c: inout Canvas, _ r: Rect, _ h: HistoryView) {
        let inner = Box.draw(&c, r, title: "Latest sessions", right: "\(h.sessions.count)")
        guard inner.h > 0 else { return }
        if h.sessions.isEmpty { c.textFit(inner, "no charging session yet", .dim); return }
        for (i, s) in h.sessions.prefix(inner.h).enumerated() {
            let end = s.end.map { Fmt.hm($0) } ?? "now "
            let why = s.end == nil ? "plugged in" : (s.endReason?.text ?? "")
            let line = "\(Fmt.rpad(s.point, 6)) \(Fmt.dayHM(s.start))-\(end) \(Fmt.lpad(Fmt.fixed(s.kwh, 1), 5)) kWh \(s.phases)p \(why)"
            c.textFit(inner, row: i, line, s.end == nil ? .ok : .normal)
        }
    }
}
