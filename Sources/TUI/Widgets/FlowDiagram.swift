import KwartierCore

/// The energy flows as a two-sided diagram around the site's bus: sources on the left (PV,
/// grid, battery), loads on the right (house, heat pump, charge park). Arrows show direction:
/// grid import points into the site (▶, "import"), export points out to the grid (◀,
/// "export"); a charging battery takes power (◀), a discharging one gives it (▶).
///
///   PV            3.2 kW ─────▶─────┐         ┌─────▶───── House         1.4 kW
///   Grid import   5.1 kW ─────▶─────┼── site ─┼─────▶───── Heat pump     1.2 kW
///   Battery 63%   0.8 kW ─────◀─────┘         └─────▶───── Charge park   6.3 kW
public enum FlowDiagram {
    public struct Values: Equatable, Sendable {
        public var pvW: Double?, gridW: Double, batteryW: Double?, batterySoC: Double?
        public var houseW: Double, heatPumpW: Double?, chargeParkW: Double
        public init(pvW: Double?, gridW: Double, batteryW: Double?, batterySoC: Double?, houseW: Double,
                    heatPumpW: Double?, chargeParkW: Double) {
            self.pvW = pvW; self.gridW = gridW; self.batteryW = batteryW; self.batterySoC = batterySoC
            self.houseW = houseW; self.heatPumpW = heatPumpW; self.chargeParkW = chargeParkW
        }
        public init(_ s: SiteSnapshot) {
            self.init(pvW: s.pvW, gridW: s.grid.powerW, batteryW: s.batteryW, batterySoC: s.batterySoC,
                      houseW: s.houseW, heatPumpW: s.heatPumpW, chargeParkW: s.chargeParkW)
        }
    }

    /// Below this magnitude a flow is shown as idle (no arrow).
    public static let idleW = 50.0

    enum Dir { case right, left, idle, absent }

    struct Side { var label: String; var watts: Double?; var dir: Dir; var role: Role }

    static func sources(_ v: Values) -> [Side] {
        var out: [Side] = []
        if let pv = v.pvW {
            out.append(Side(label: "PV", watts: pv, dir: pv >= idleW ? .right : .idle, role: pv >= idleW ? .flowSource : .flowIdle))
        } else { out.append(Side(label: "PV", watts: nil, dir: .absent, role: .dim)) }
        if v.gridW >= idleW {
            out.append(Side(label: "Grid import", watts: v.gridW, dir: .right, role: .flowImport))
        } else if v.gridW <= -idleW {
            out.append(Side(label: "Grid export", watts: -v.gridW, dir: .left, role: .flowExport))
        } else { out.append(Side(label: "Grid", watts: abs(v.gridW), dir: .idle, role: .flowIdle)) }
        let soc = v.batterySoC.map { " \(Int($0.rounded()))%" } ?? ""
        if let b = v.batteryW {
            if b >= idleW { out.append(Side(label: "Battery" + soc, watts: b, dir: .left, role: .flowLoad)) }
            else if b <= -idleW { out.append(Side(label: "Battery" + soc, watts: -b, dir: .right, role: .flowSource)) }
            else { out.append(Side(label: "Battery" + soc, watts: abs(b), dir: .idle, role: .flowIdle)) }
        } else { out.append(Side(label: "Battery", watts: nil, dir: .absent, role: .dim)) }
        return out
    }

    static func loads(_ v: Values) -> [Side] {
        func load(_ label: String, _ w: Double?) -> Side {
            guard let w else { return Side(label: label, watts: nil, dir: .absent, role: .dim) }
            return w >= idleW ? Side(label: label, watts: w, dir: .right, role: .flowLoad)
                              : Side(label: label, watts: max(0, w), dir: .idle, role: .flowIdle)
        }
        return [load("House", v.houseW), load("Heat pump", v.heatPumpW), load("Charge park", v.chargeParkW)]
    }

    static let labelW = 13, valueW = 9, minWidth = 60

    /// Draws the diagram in the first three rows of `r` (needs at least 60 columns).
    public static func draw(_ c: inout Canvas, _ r: Rect, _ v: Values) {
        guard r.h >= 3 else { return }
        guard r.w >= minWidth else { drawList(&c, r, v); return }
        let g = c.glyphs
        // label | value | ' ' seg | junction | middle | junction | seg ' ' | label | value
        let fixed = 2 * (labelW + valueW) + 2 + 2
        let seg = min(30, max(3, (r.w - fixed - 8) / 2))
        let mid = min(20, r.w - fixed - 2 * seg)
        // Centred when the box is wider than the diagram needs.
        let pad = max(0, (r.w - fixed - 2 * seg - mid) / 2)
        let r = Rect(x: r.x + pad, y: r.y, w: r.w - pad, h: r.h)
        let jl = r.x + labelW + valueW + 1 + seg
        let jr = jl + 1 + mid
        let src = sources(v), dst = loads(v)
        for i in 0..<3 {
            let y = r.y + i
            let s = src[i]
            c.text(r.x, y, Fmt.rpad(s.label, labelW), s.role, clip: r)
            c.text(r.x + labelW, y, value(s.watts), s.role, clip: r)
            segment(&c, x: r.x + labelW + valueW + 1, y: y, n: seg, s.dir, s.role)
            let d = dst[i]
            segment(&c, x: jr + 1, y: y, n: seg, d.dir, d.role)
            let lx = jr + 1 + seg + 1
            c.text(lx, y, Fmt.rpad(d.label, labelW), d.role, clip: r)
            c.text(lx + labelW, y, value(d.watts), d.role, clip: r)
        }
        c.put(jl, r.y, g.tr, .frame); c.put(jl, r.y + 1, g.cross, .frame); c.put(jl, r.y + 2, g.br, .frame)
        c.put(jr, r.y, g.tl, .frame); c.put(jr, r.y + 1, g.cross, .frame); c.put(jr, r.y + 2, g.bl, .frame)
        c.hline(jl + 1, r.y + 1, mid, g.h, .frame)
        if mid >= 6 {
            let label = " site "
            c.text(jl + 1 + (mid - label.count) / 2, r.y + 1, label, .label)
        }
    }

    static func value(_ w: Double?) -> String {
        guard let w else { return Fmt.lpad("n/a", valueW - 3) + "   " }   // under the digits
        return Fmt.lpad(Fmt.kW(w), valueW - 3) + " kW"
    }

    /// A pipe of `n` cells with the direction arrow in its middle.
    static func segment(_ c: inout Canvas, x: Int, y: Int, n: Int, _ dir: Dir, _ role: Role) {
        let g = c.glyphs
        switch dir {
        case .absent:
            c.hline(x, y, n, " ", .normal)
            c.put(x + n - 1, y, g.h, .dim)
        case .idle:
            c.hline(x, y, n, g.h, .flowIdle)
        case .right, .left:
            c.hline(x, y, n, g.h, role)
            c.put(x + n / 2, y, dir == .right ? g.arrowR : g.arrowL, role)
        }
    }

    /// Narrow fallback (a side panel): one flow per row with its arrow relative to the site.
    static func drawList(_ c: inout Canvas, _ r: Rect, _ v: Values) {
        let all = sources(v) + loads(v)
        let g = c.glyphs
        for (i, s) in all.enumerated() where i < r.h {
            let y = r.y + i
            let arrow: Character = s.dir == .right ? g.arrowR : s.dir == .left ? g.arrowL : " "
            c.textFit(r, row: i, Fmt.rpad(s.label, labelW) + value(s.watts) + " " + String(arrow), s.role)
            _ = y
        }
    }
}
