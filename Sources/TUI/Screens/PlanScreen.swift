import Foundation
import KwartierCore

/// Screen 7: the energy plan from the running quarter on, one terminal column a quarter on a
/// time axis: the take price, the battery's planned power (charging up, discharging down), the
/// cars' planned load, the PV and load forecasts and the battery's charge; the selected
/// quarter's figures below. Left/Right move a quarter, Up/Down an hour, PgUp/PgDn six hours,
/// Home back to now. Everything comes from the snapshot's `PlanView`.
enum PlanScreen {
    /// One row band of the chart. A new per-quarter value of the plan is one more lane.
    struct Lane: Sendable {
        var label: String
        var unit: String
        /// Share of the chart's rows (at least one row each).
        var weight: Int
        var decimals: Int
        var value: @Sendable (PlanView.Step) -> Double?
        /// The role of a quarter's bar, from its value and the lane's highest value.
        var role: @Sendable (Double, Double) -> Role
        /// Its part of the selected quarter's line ("battery +2.5").
        var signedDetail = false
    }

    static let lanes: [Lane] = [
        Lane(label: "Price", unit: "€/kWh", weight: 4, decimals: 3, value: { $0.takeEurPerKWh }, role: { v, hi in
            // Cheap, middle and dear thirds; a negative price pays for taking.
            v < 0 ? .flowExport : v > hi * 2 / 3 ? .barCrit : v > hi / 3 ? .barWarn : .barOK
        }),
        Lane(label: "Battery", unit: "kW", weight: 4, decimals: 1, value: { $0.batteryKW },
             role: { v, _ in v > 0 ? .flowLoad : .flowSource }, signedDetail: true),
        Lane(label: "Car", unit: "kW", weight: 1, decimals: 1, value: { $0.carKW }, role: { _, _ in .flowLoad }),
        Lane(label: "PV", unit: "kW", weight: 2, decimals: 1, value: { $0.pvForecastKW }, role: { _, _ in .flowSource }),
        Lane(label: "Load", unit: "kW", weight: 2, decimals: 1, value: { $0.loadForecastKW }, role: { _, _ in .flowImport }),
        Lane(label: "SoC", unit: "%", weight: 2, decimals: 0, value: { $0.socPercent }, role: { _, _ in .value }),
    ]

    /// Columns left of the chart for the lanes' names and scales.
    static let labelW = 8

    static func draw(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot, _ st: UIState, _ mem: inout ViewMemory) {
        guard let plan = s.plan, !plan.steps.isEmpty else {
            let inner = Box.draw(&c, r, title: "Plan")
            let why = s.plan.map { "no plan: " + ($0.reason ?? "none yet") } ?? "no plan: no prices yet (energy.prices not configured)"
            c.textFit(inner, why, .dim)
            return
        }
        let steps = plan.steps
        let cursor = min(st.planCursor, steps.count - 1)
        let made = plan.generatedAt.map { "made " + Fmt.hm($0) } ?? ""
        let inner = Box.draw(&c, r, title: "Plan " + Fmt.dayHM(steps[0].start) + " to " + Fmt.dayHM(steps[steps.count - 1].start.addingTimeInterval(900)),
                             right: made)
        guard inner.h >= lanes.count + 3, inner.w > labelW + 4 else { return }
        let summary = plan.summary(now: s.time, timeZone: Fmt.timeZone)
        c.textFit(inner, summary.hasPrefix("plan: ") ? String(summary.dropFirst(6)) : summary, .value)
        // The quarters shown: the selected one always among them.
        let cols = inner.w - labelW
        mem.planLeft = max(0, min(mem.planLeft, cursor, steps.count - 1))
        if cursor >= mem.planLeft + cols { mem.planLeft = cursor - cols + 1 }
        let shown = Array(steps[mem.planLeft..<min(steps.count, mem.planLeft + cols)])
        let chart = Rect(x: inner.x, y: inner.y + 1, w: inner.w, h: inner.h - 3)
        var y = chart.y
        for (lane, rows) in zip(lanes, rowsPerLane(chart.h)) {
            drawLane(&c, lane, x: inner.x, y: y, rows: rows, width: inner.w, all: steps, shown: shown, selected: cursor - mem.planLeft)
            y += rows
        }
        drawAxis(&c, x: inner.x + labelW, y: inner.maxY - 2, shown: shown, selected: cursor - mem.planLeft, clip: inner)
        c.textFit(inner, row: inner.h - 1, detail(steps[cursor]), .normal)
    }

    /// The chart's rows shared out by weight, every lane at least one row.
    static func rowsPerLane(_ h: Int) -> [Int] {
        let total = lanes.reduce(0) { $0 + $1.weight }
        var rows = lanes.map { max(1, h * $0.weight / total) }
        // What rounding left over goes to the heaviest lanes first.
        var k = 0
        let order = lanes.indices.sorted { lanes[$0].weight > lanes[$1].weight }
        while rows.reduce(0, +) < h { rows[order[k % order.count]] += 1; k += 1 }
        while rows.reduce(0, +) > h, let i = order.first(where: { rows[$0] > 1 }) { rows[i] -= 1 }
        return rows
    }

    /// One lane: its name and scale on the left, a bar a quarter; values above zero grow up
    /// from the zero line, values below it hang down. The scale is the whole plan's, so it does
    /// not change while scrolling.
    static func drawLane(_ c: inout Canvas, _ lane: Lane, x: Int, y: Int, rows: Int, width: Int, all: [PlanView.Step],
                         shown: [PlanView.Step], selected: Int) {
        let values = all.compactMap(lane.value)
        let hi = max(0, values.max() ?? 0), lo = min(0, values.min() ?? 0)
        let span = hi - lo
        // Rows above the zero line (the rest hang below it).
        let upRows = span > 0 ? (lo < 0 ? max(1, min(rows - 1, Int((Double(rows) * hi / span).rounded()))) : rows) : rows
        let downRows = rows - upRows
        let labelClip = Rect(x: x, y: y, w: labelW - 1, h: rows)
        c.text(x, y, lane.label, .label, clip: labelClip)
        if rows >= 2 {
            let scale = values.isEmpty ? "-" : Fmt.fixed(lo < 0 && rows >= 3 ? hi : max(hi, -lo), lane.decimals)
            c.text(x, y + 1, Fmt.lpad(scale, labelW - 1), .dim, clip: labelClip)
        }
        if rows >= 3 && lo < 0 { c.text(x, y + rows - 1, Fmt.lpad(Fmt.fixed(lo, lane.decimals), labelW - 1), .dim, clip: labelClip) }
        guard span > 0 else { return }
        let x0 = x + labelW
        for (k, step) in shown.enumerated() where x0 + k < x + width {
            guard let v = lane.value(step) else { continue }
            let role = k == selected ? Role.selected : lane.role(v, hi)
            if v > 0 {
                Columns.up(&c, x: x0 + k, bottom: y + upRows - 1, rows: upRows, value: v / hi, role: role)
            } else if v < 0 && downRows > 0 {
                Columns.down(&c, x: x0 + k, top: y + upRows, rows: downRows, value: v / lo, role: role)
            }
            if k == selected && c[x0 + k, y].ch == " " { c.put(x0 + k, y, c.glyphs.v, .dim) }
        }
    }

    /// Hour labels under their first quarter; the selected quarter marked.
    static func drawAxis(_ c: inout Canvas, x: Int, y: Int, shown: [PlanView.Step], selected: Int, clip: Rect) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = Fmt.timeZone
        var free = x
        for (k, step) in shown.enumerated() {
            let t = cal.dateComponents([.hour, .minute], from: step.start)
            guard t.minute == 0, x + k >= free else { continue }
            free = c.text(x + k, y, String(format: "%02d", t.hour ?? 0), .dim, clip: clip) + 1
        }
        // The selected quarter: a mark, or its hour label in the selection's role.
        if selected >= 0 && selected < shown.count {
            let cell = c[x + selected, y]
            if cell.ch == " " { c.put(x + selected, y, c.glyphs.arrowU, .selected) } else { c[x + selected, y] = Cell(cell.ch, .selected) }
        }
    }

    /// The selected quarter's figures, lane by lane, the unit once after the lanes that share
    /// it (the price needs no name): "13:15 0.213 €/kWh; battery +2.5, car 0.0, PV 3.1, load 0.5 kW; SoC 45 %".
    static func detail(_ step: PlanView.Step) -> String {
        var groups: [(unit: String, parts: [String])] = []
        for lane in lanes {
            guard let v = lane.value(step) else { continue }
            let num = (lane.signedDetail && v > 0 ? "+" : "") + Fmt.fixed(v, lane.decimals)
            let name = lane.label == "Price" ? "" : (lane.label == "PV" || lane.label == "SoC" ? lane.label : lane.label.lowercased()) + " "
            let part = name + num
            if groups.last?.unit == lane.unit { groups[groups.count - 1].parts.append(part) } else { groups.append((lane.unit, [part])) }
        }
        return Fmt.hm(step.start) + " " + groups.map { $0.parts.joined(separator: ", ") + " " + $0.unit }.joined(separator: "; ")
    }
}
