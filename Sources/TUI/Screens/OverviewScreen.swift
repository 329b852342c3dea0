import Foundation
import KwartierCore

/// Screen 1: energy flows, the slider with the running quarter-hour, every point's power, and
/// the status panel (P1, RS485, grid currents, relays). At 80×24 everything fits on one page;
/// bigger terminals get the quarter-peak history, a detailed point table and a log tail.
enum OverviewScreen {
    static func draw(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot, _ st: UIState, _ mem: inout ViewMemory) {
        let (flowR, rest1) = r.splitTop(5)
        let gridAge = s.grid.ageS.map { "P1 \(TextFormat.age($0))" } ?? "P1 never"
        let flowIn = Box.draw(&c, flowR, title: "Energy flows", right: gridAge, rightRole: s.grid.stale ? .crit : .dim)
        FlowDiagram.draw(&c, flowIn, FlowDiagram.Values(s))

        let tall = r.h >= 27
        let (qR, rest2) = rest1.splitTop(tall ? 5 : 4)
        drawQuarter(&c, qR, s)

        var bottom = rest2
        if r.h >= 40 {
            // The points and status boxes keep the rows they fill; the log tail gets the rest
            // (at least a third), not empty table rows.
            let statusRows = 6 + s.relays.count + 2
            let pointRows = s.points.count + 1 + 2
            let logH = max(min(12, bottom.h / 3), bottom.h - max(statusRows, pointRows, 8))
            let (logR, above) = bottom.splitBottom(logH)
            bottom = above
            drawLogTail(&c, logR, s)
        }
        let sideW = r.w >= 120 ? 40 : 28
        let (pointsR, sideR) = bottom.splitLeft(bottom.w - sideW)
        drawPoints(&c, pointsR, s, st, &mem)
        drawStatus(&c, sideR, s, st)
    }

    static func drawQuarter(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot) {
        let title: String, right: String
        if let q = s.quarter {
            title = "Quarter \(Fmt.hm(q.start))\(c.glyphs.dash)\(Fmt.hm(q.end))"
            right = "\(Int(q.secondsLeft(at: s.time).rounded(.down))) s left"
        } else { title = "Quarter"; right = "no data" }
        let inner = Box.draw(&c, r, title: title, right: right, rightRole: .value)
        SliderWidget.draw(&c, inner, slider: s.sliderKW, quarter: s.quarter)
        if inner.h >= 3 {
            let y = inner.y + 2
            var x = c.text(inner.x, y, "Peaks ", .label, clip: inner)
            let scale = SliderWidget.scaleMax(slider: s.sliderKW, quarter: s.quarter)
            let n = max(0, inner.maxX - x - 16)
            Sparkline.draw(&c, x: x, y: y, width: n, values: s.quarterHistory, scale: scale, limit: s.sliderKW)
            x += n
            let last = s.quarterHistory.last.map { " last " + Fmt.kWv($0) + " kW" } ?? " no history"
            c.text(x, y, last, .dim, clip: inner)
        }
    }

    static func stateCode(_ p: PointState) -> (String, Role) {
        switch p {
        case .noCar: return ("----", .dim)
        case .connected: return ("conn", .normal)
        case .charging: return ("chrg", .ok)
        case .waiting: return ("wait", .warn)
        case .error: return ("ERR ", .crit)
        case .lost: return ("LOST", .crit)
        }
    }

    static func modeCode(_ m: ChargeMode) -> String {
        switch m { case .auto: return "aut"; case .manual: return "man"; case .off: return "off" }
    }

    static let compactW = 25

    static func drawPoints(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot, _ st: UIState, _ mem: inout ViewMemory) {
        let charging = s.points.filter { $0.state == .charging }.count
        let inner = Box.draw(&c, r, title: "Charge points", right: "\(charging)/\(s.points.count) charging \(Fmt.kW(s.chargeParkW)) kW")
        guard inner.h > 0, inner.w > 0 else { return }
        if s.points.isEmpty { c.textFit(inner, "no charge points configured", .dim); return }
        // Room for one detailed row per point: the same table as the Points screen.
        if inner.w >= 90 && inner.h >= s.points.count + 1 {
            PointsScreen.table(s, st, c.glyphs).draw(&c, inner, top: 0)
            return
        }
        // The selector column starts each entry and doubles as the gap between columns.
        let cols = max(1, inner.w / compactW)
        let perPage = cols * inner.h
        // Page so the selection stays visible.
        var top = mem.overviewTop
        if st.selectedPoint < top || st.selectedPoint >= top + perPage { top = (st.selectedPoint / perPage) * perPage }
        top = min(top, max(0, s.points.count - 1))
        mem.overviewTop = top
        let entryW = min(40, inner.w / cols)
        for slot in 0..<perPage {
            let i = top + slot
            guard i < s.points.count else { break }
            let col = slot / inner.h, row = slot % inner.h
            let x = inner.x + col * entryW, y = inner.y + row
            entry(&c, x: x, y: y, w: entryW, s.points[i], selected: i == st.selectedPoint)
        }
        if s.points.count > perPage {
            let more = "\(top + 1)-\(min(s.points.count, top + perPage)) of \(s.points.count)"
            c.text(r.maxX - more.count - 2, r.maxY - 1, more, .dim, clip: r)
        }
    }

    /// "▸Visitor 1 chrg aut 11.0" — selector, name, state, mode, kW (`w` columns, ≥ 24); the
    /// kW ends one column short of `w` so the next entry's selector column stays a gap.
    static func entry(_ c: inout Canvas, x: Int, y: Int, w: Int, _ p: PointView, selected: Bool) {
        let nameW = w - 16
        let clip = Rect(x: x, y: y, w: w - 1, h: 1)
        let (code, stateRole) = stateCode(p.state)
        let base: Role? = selected ? .selected : nil
        c.fill(clip, " ", base ?? .normal)
        var col = c.text(x, y, selected ? String(c.glyphs.selector) : " ", base ?? .normal, clip: clip)
        col = c.text(col, y, Fmt.rpad(Canvas.truncate(p.name, nameW, glyphs: c.glyphs), nameW) + " ", base ?? .label, clip: clip)
        col = c.text(col, y, code + " ", base ?? stateRole, clip: clip)
        col = c.text(col, y, modeCode(p.mode) + " ", base ?? (p.mode == .auto ? .normal : .warn), clip: clip)
        c.text(col, y, Fmt.lpad(Fmt.kW(p.powerW), 4), base ?? (p.powerW > 0 ? .value : .dim), clip: clip)
    }

    static func drawStatus(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot, _ st: UIState) {
        let inner = Box.draw(&c, r, title: "Status")
        guard inner.h > 0 else { return }
        var y = inner.y
        // P1 light: OK when fresh, stale in the crit role.
        let p1: Light.State = s.grid.ageS == nil ? .off : s.grid.stale ? .error : .on
        var x = Light.draw(&c, x: inner.x, y: y, label: "P1   ", p1, clip: inner)
        let word = s.grid.ageS == nil ? " none" : s.grid.stale ? " STALE" : " OK"
        x = c.text(x, y, word, s.grid.stale ? .crit : .ok, clip: inner)
        c.text(x, y, " " + TextFormat.age(s.grid.ageS), .dim, clip: inner)
        y += 1
        guard y < inner.maxY else { return }
        x = Light.draw(&c, x: inner.x, y: y, label: "RS485 TX", st.txActive ? .on : .off, clip: inner)
        Light.draw(&c, x: x + 1, y: y, label: "RX", st.rxActive ? .on : .off, clip: inner)
        y += 1
        guard y < inner.maxY else { return }
        let g = s.grid.currents
        x = c.text(inner.x, y, "Grid A ", .label, clip: inner)
        c.text(x, y, [g.l1, g.l2, g.l3].map { Fmt.lpad(Fmt.amps($0), 5) }.joined(separator: " "), .value, clip: inner)
        y += 1
        if y < inner.maxY, !s.relays.isEmpty { c.text(inner.x, y, "Relays", .label, clip: inner); y += 1 }
        for (i, rel) in s.relays.enumerated() where y < inner.maxY {
            relayLine(&c, Rect(x: inner.x, y: y, w: inner.w, h: 1), rel, selected: i == st.selectedRelay)
            y += 1
        }
        if y < inner.maxY {
            let waiting = s.points.filter { $0.state == .waiting }.count
            let bad = s.points.filter { $0.state == .error || $0.state == .lost }.count
            x = c.text(inner.x, y, "Cars ", .label, clip: inner)
            x = c.text(x, y, "\(s.points.filter { $0.state == .charging }.count) chrg ", .ok, clip: inner)
            x = c.text(x, y, "\(waiting) wait ", waiting > 0 ? .warn : .dim, clip: inner)
            c.text(x, y, "\(bad) fault", bad > 0 ? .crit : .dim, clip: inner)
            y += 1
        }
        if y < inner.maxY {
            let active = s.alerts.filter(\.active).count
            c.text(inner.x, y, active == 0 ? "Alerts none" : "Alerts \(active) active", active == 0 ? .dim : .alertWarn, clip: inner)
        }
    }

    /// "▸heatpump Boost  ●● auto" — id, state, one light per output, override.
    static func relayLine(_ c: inout Canvas, _ r: Rect, _ rel: RelayView, selected: Bool) {
        let base: Role? = selected ? .selected : nil
        c.fill(r, " ", base ?? .normal)
        let idW = min(14, max(4, r.w - 18))
        var x = c.text(r.x, r.y, selected ? String(c.glyphs.selector) : " ", base ?? .normal, clip: r)
        x = c.text(x, r.y, Fmt.rpad(Canvas.truncate(rel.id, idW, glyphs: c.glyphs), idW) + " ", base ?? .label, clip: r)
        x = c.text(x, r.y, Fmt.rpad(Canvas.truncate(rel.state, 7, glyphs: c.glyphs), 7) + " ", base ?? .value, clip: r)
        for on in rel.outputs.prefix(2) {
            c.put(x, r.y, on ? c.glyphs.lightOn : c.glyphs.lightOff, base ?? (on ? .lightOn : .lightOff)); x += 1
        }
        x = max(x, r.x + 1 + idW + 1 + 8 + 2)
        let ovr = rel.override == .auto ? " auto" : " " + rel.override.rawValue.uppercased()
        c.text(x, r.y, ovr, base ?? (rel.override == .auto ? .dim : .warn), clip: r)
    }

    static func drawLogTail(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot) {
        let inner = Box.draw(&c, r, title: "Log")
        let lines = s.log.suffix(inner.h)
        for (i, l) in lines.enumerated() {
            c.textFit(inner, row: i, "\(Fmt.clock(l.time)) \(Fmt.rpad(l.level.rawValue, 7)) \(l.text)", LogScreen.role(l.level))
        }
    }
}
