import KwartierCore

/// Screen 3: the fuse tree, each level's per-phase current against its limit as bars, with the
/// points under it; then the relays (state, override, contacts, reason).
enum BoardsScreen {
    static func draw(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot, _ st: UIState) {
        let relayRows = s.relays.isEmpty ? 0 : min(s.relays.count + 3, r.h / 2)
        let (treeR, relR) = r.splitTop(r.h - relayRows)
        let inner = Box.draw(&c, treeR, title: "Boards", right: "current per phase / limit (A)")
        drawTree(&c, inner, s, st)
        if relayRows > 0 { drawRelays(&c, relR, s, st) }
    }

    static func drawTree(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot, _ st: UIState) {
        guard !s.levels.isEmpty else { c.textFit(r, "no levels", .dim); return }
        let minDepth = s.levels.map(\.depth).min() ?? 0     // level 1 may be depth 0 or 1
        func indent(_ lv: LevelView) -> String { String(repeating: " ", count: min(6, (lv.depth - minDepth) * 2)) }
        // Wide enough for the longest indented name, within reason.
        let nameW = min(20, max(12, (s.levels.map { indent($0).count + $0.id.count }.max() ?? 0) + 1))
        // A second row per level (its summary) when there is room for all, or for several
        // levels at a time on a large site (the list scrolls).
        let detail = r.h >= 2 * s.levels.count || r.h >= 8
        let perLevel = detail ? 2 : 1
        let visible = max(1, r.h / perLevel)
        let top = min(st.boardsTop, max(0, s.levels.count - visible))
        let block = (r.w - nameW) / 3
        let barW = max(3, block - 12)
        for (k, lv) in s.levels.dropFirst(top).prefix(visible).enumerated() {
            let y = r.y + k * perLevel
            let indent = indent(lv)
            c.textFit(Rect(x: r.x, y: y, w: nameW - 1, h: 1), indent + lv.id, .label)
            for (pi, name) in ["L1", "L2", "L3"].enumerated() {
                let x = r.x + nameW + pi * block
                Bar.labelled(&c, x: x, y: y, label: name, barWidth: barW, value: lv.currents.values[pi], limit: lv.limitA,
                             clip: Rect(x: x, y: y, w: block, h: 1))
            }
            if detail {
                let pts = s.points.filter { $0.board == lv.id }
                let charging = pts.filter { $0.state == .charging }.count
                let head = max(0, lv.limitA - lv.currents.max)
                var text = "\(indent)  meter \(lv.meter), headroom \(Fmt.amps(head)) A"
                if !pts.isEmpty {
                    let drawn = pts.reduce(PhaseValues.zero) { $0 + $1.currents }
                    text += ", \(pts.count) points (\(charging) charging) draw \(Fmt.ampsInt(drawn.l1))/\(Fmt.ampsInt(drawn.l2))/\(Fmt.ampsInt(drawn.l3)) A"
                }
                c.textFit(r, row: y + 1 - r.y, text, .dim)
            }
        }
    }

    static func drawRelays(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot, _ st: UIState) {
        let inner = Box.draw(&c, r, title: "Relays", right: "r select  N/F/A override")
        let g = c.glyphs
        let rows = s.relays.enumerated().map { (i, rel) -> Table.Row in
            let outs = String(rel.outputs.map { $0 ? g.lightOn : g.lightOff })
            return Table.Row([i == st.selectedRelay ? String(g.selector) : "", rel.id, rel.kind, rel.state,
                              rel.override.rawValue, outs, Fmt.kW(rel.powerW), rel.reason],
                             roles: [.normal, .label, .normal, .value, rel.override == .auto ? .dim : .warn, .lightOn, .value, .dim])
        }
        let t = Table(columns: [Table.Column("", 1), Table.Column("Relay", 10), Table.Column("Kind", 8), Table.Column("State", 8),
                                Table.Column("Override", 8), Table.Column("Out", 3), Table.Column("kW", 5, .right),
                                Table.Column("Reason", 10, flex: true)],
                      rows: rows, selected: st.selectedRelay)
        t.draw(&c, inner)
    }
}
