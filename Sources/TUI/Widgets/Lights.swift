/// Status lights like the seed module's LEDs: a glyph that is on/off, plus a word so the state
/// reads without colour ("P1 ● OK 1 s", "RS485 TX ● RX ○").
public enum Light {
    public enum State: Sendable { case on, off, warn, error }

    public static func glyph(_ s: State, _ g: Glyphs) -> Character { s == .off ? g.lightOff : g.lightOn }
    public static func role(_ s: State) -> Role {
        switch s { case .on: return .lightOn; case .off: return .lightOff; case .warn: return .lightWarn; case .error: return .lightError }
    }
    /// Draws "label ●" and returns the next column.
    @discardableResult
    public static func draw(_ c: inout Canvas, x: Int, y: Int, label: String, _ s: State, clip: Rect) -> Int {
        var col = x
        if !label.isEmpty { col = c.text(col, y, label + " ", .label, clip: clip) }
        if col >= clip.x && col < clip.maxX && y >= clip.y && y < clip.maxY { c.put(col, y, glyph(s, c.glyphs), role(s)) }
        return col + 1
    }
}

/// A one-row history strip of values (quarter-hour peaks) scaled to `scale`.
public enum Sparkline {
    public static func draw(_ c: inout Canvas, x: Int, y: Int, width n: Int, values: [Double], scale: Double,
                            limit: Double? = nil) {
        guard n > 0 else { return }
        let g = c.glyphs
        let shown = Array(values.suffix(n))
        let pad = n - shown.count
        for i in 0..<n {
            guard i >= pad else { c.put(x + i, y, " ", .normal); continue }
            let v = shown[i - pad]
            let level = scale > 0 ? min(g.sparks.count - 1, max(0, Int(v / scale * Double(g.sparks.count)))) : 0
            let over = limit.map { v > $0 + 0.05 } ?? false
            c.put(x + i, y, g.sparks[level], over ? .sliderOver : .sliderAverage)
        }
    }
}
