/// A horizontal load bar (htop's meters): filled in proportion to value/limit, with its role
/// chosen by how close it is to the limit. Partial cells use eighth blocks in UTF-8.
public enum Bar {
    /// Fraction at which a bar turns from ok to warn, and from warn to crit.
    public static let warnAt = 0.8, critAt = 0.95

    public static func role(_ fraction: Double) -> Role {
        fraction >= critAt ? .barCrit : fraction >= warnAt ? .barWarn : .barOK
    }

    /// Draws `value/limit` in `n` cells starting at (x, y).
    public static func draw(_ c: inout Canvas, x: Int, y: Int, width n: Int, value: Double, limit: Double) {
        guard n > 0 else { return }
        let g = c.glyphs
        let f = limit > 0 ? max(0, value / limit) : (value > 0 ? 1 : 0)
        let role = role(f)
        let exact = min(1, f) * Double(n)
        var full = Int(exact)
        var partial: Character? = nil
        if !g.barEighths.isEmpty, full < n {
            let eighths = Int((exact - Double(full)) * 8)
            if eighths > 0 { partial = g.barEighths[eighths - 1] }
        } else if g.barEighths.isEmpty {
            full = Int(exact.rounded())
        }
        for i in 0..<n {
            if i < full { c.put(x + i, y, g.barFull, role) }
            else if i == full, let p = partial { c.put(x + i, y, p, role) }
            else { c.put(x + i, y, g.barEmpty, .barEmpty) }
        }
    }

    /// "L1 [bar] 21.3/32" style row part: label, bar, value/limit. Returns the columns used.
    @discardableResult
    public static func labelled(_ c: inout Canvas, x: Int, y: Int, label: String, barWidth: Int,
                                value: Double, limit: Double, clip: Rect) -> Int {
        var col = c.text(x, y, label, .label, clip: clip)
        col = c.text(col, y, " ", .normal, clip: clip)
        draw(&c, x: col, y: y, width: barWidth, value: value, limit: limit)
        col += barWidth
        let num = " " + Fmt.lpad(Fmt.amps(value), 4) + "/" + Fmt.rpad(Fmt.ampsInt(limit), 2)
        col = c.text(col, y, num, value > limit ? .crit : .value, clip: clip)
        return col - x
    }
}
