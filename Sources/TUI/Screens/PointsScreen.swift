import KwartierCore

/// Screen 2: every charge point in a table — state, mode, priority, phases, per-phase current,
/// power, setpoint, session energy and the binding constraint — with the selected point's
/// explanation in full below it.
enum PointsScreen {
    static func columns() -> [Table.Column] {
        [Table.Column("", 1), Table.Column("Name", 11), Table.Column("State", 9), Table.Column("Mode", 6),
         Table.Column("Pr", 2, .right), Table.Column("Ph", 2, .right),
         Table.Column("L1", 4, .right), Table.Column("L2", 4, .right), Table.Column("L3", 4, .right),
         Table.Column("kW", 5, .right), Table.Column("Set", 4, .right), Table.Column("kWh", 5, .right),
         Table.Column("Why", 10, flex: true)]
    }

    static func stateRole(_ p: PointState) -> Role { OverviewScreen.stateCode(p).1 }

    /// The table; with `detailLines` the explanation goes on its own line under each row
    /// instead of the "Why" column.
    static func table(_ s: SiteSnapshot, _ st: UIState, _ glyphs: Glyphs, detailLines: Bool = false,
                      shown: [Int]? = nil) -> Table {
        let g = String(glyphs.selector)
        let shown = shown ?? Array(s.points.indices)
        let rows = shown.map { i -> Table.Row in
            let p = s.points[i]
            let cur = p.currents
            var cells = [i == st.selectedPoint ? g : "", p.name, p.state.rawValue, p.mode.rawValue,
                         "\(p.priority)", p.phasesInUse > 0 ? "\(p.phasesInUse)" : "-",
                         Fmt.amps(cur.l1), Fmt.amps(cur.l2), Fmt.amps(cur.l3),
                         Fmt.kW(p.powerW), Fmt.amps(p.setpointA), Fmt.kWh(p.sessionKWh)]
            if !detailLines { cells.append(p.explanation) }
            return Table.Row(cells, roles: [.normal, .label, stateRole(p.state), p.mode == .auto ? .normal : .warn,
                                            .normal, .normal, .value, .value, .value, .value, .value, .normal, .dim],
                             detail: detailLines ? p.explanation : nil)
        }
        let cols = detailLines ? Array(columns().dropLast()) : columns()
        return Table(columns: cols, rows: rows, selected: shown.firstIndex(of: st.selectedPoint), detailLines: detailLines)
    }

    /// Room the "Why" column needs for most explanations ("board garage-a L1 29.9/32 A",
    /// "slider 15.0 kW (16.2 kW allowed now)").
    static let whyWidth = 40

    /// Two lines per point when the "Why" column would be too narrow for an explanation and
    /// every point still fits on the page (8 points at 80×24): the explanation is what the
    /// technician came for. Decided on the room alone, so the layout does not flip as texts change.
    static func wantsDetailLines(_ s: SiteSnapshot, _ r: Rect) -> Bool {
        wantsDetailLines(rows: s.points.count, r)
    }

    static func wantsDetailLines(rows: Int, _ r: Rect) -> Bool {
        guard r.h - 1 >= 2 * rows else { return false }
        return (Table(columns: columns(), rows: []).widths(r.w).last ?? 0) < whyWidth
    }

    static func draw(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot, _ st: UIState, _ mem: inout ViewMemory) {
        guard !s.points.isEmpty else { c.textFit(r, dx: 1, "no charge points configured", .dim); return }
        let (detailR, tableR) = r.splitBottom(2)
        let shown = PointFilter.visible(s, st.pointFilter)
        let t = table(s, st, c.glyphs, detailLines: wantsDetailLines(rows: shown.count, tableR), shown: shown)
        mem.pointsTop = t.draw(&c, tableR, top: mem.pointsTop)
        c.hline(detailR.x, detailR.y, detailR.w, c.glyphs.h, .frame)
        if shown.isEmpty {
            c.textFit(tableR, dx: 1, row: 1, "no point matches \"\(st.pointFilter)\" (Esc clears the filter)", .dim)
        }
        if st.filterEditing || !st.pointFilter.isEmpty {
            // The filter on the rule, with a cursor while it is typed.
            let f = " /\(st.pointFilter)\(st.filterEditing ? "_" : "") "
            c.text(detailR.x + 1, detailR.y, Canvas.truncate(f, max(0, detailR.w / 2), glyphs: c.glyphs), .label, clip: detailR)
        }
        if shown.contains(st.selectedPoint) {
            let p = s.points[st.selectedPoint]
            let manual = p.manualA.map { ", manual \(Fmt.ampsInt($0)) A" } ?? ""
            let who = p.name == p.id ? p.id : "\(p.id) \(p.name)"     // unnamed points: no "cp1 cp1"
            let head = "\(who) [\(p.board)] prio \(p.priority)\(manual): "
            let x = c.text(detailR.x + 1, detailR.y + 1, Canvas.truncate(head, detailR.w - 2, glyphs: c.glyphs), .label, clip: detailR)
            c.textFit(Rect(x: x, y: detailR.y + 1, w: detailR.maxX - x, h: 1), p.explanation, .value)
        }
        let at = shown.firstIndex(of: st.selectedPoint).map { "\($0 + 1)" } ?? "-"
        let pos = st.pointFilter.isEmpty ? " \(st.selectedPoint + 1)/\(s.points.count) " : " \(at)/\(shown.count) of \(s.points.count) "
        c.text(detailR.maxX - pos.count - 1, detailR.y, pos, .dim, clip: detailR)
    }
}

