/// Vertical bars, one terminal column each (the History and Plan screens' charts).
public enum Columns {
    /// A bar filling `value` (0…1) of `rows` rows upwards from `bottom`, with a partial top
    /// cell in UTF-8 (eighth blocks).
    public static func up(_ c: inout Canvas, x: Int, bottom: Int, rows: Int, value: Double, role: Role) {
        let g = c.glyphs
        let eighths = Int((max(0, min(1, value)) * Double(rows * 8)).rounded())
        guard eighths > 0 else { return }
        for i in 0..<rows {
            let left = eighths - i * 8
            if left <= 0 { break }
            let ch: Character = left >= 8 ? g.barFull : (g.unicode ? g.sparks[left - 1] : (left >= 4 ? g.barFull : g.sparks[1]))
            c.put(x, bottom - i, ch, role)
        }
    }

    /// A bar filling `value` (0…1) of `rows` rows downwards from `top`, in whole cells (there
    /// are no partial blocks that hang from the top); anything above zero shows one cell.
    public static func down(_ c: inout Canvas, x: Int, top: Int, rows: Int, value: Double, role: Role) {
        let v = max(0, min(1, value))
        guard v > 0, rows > 0 else { return }
        let n = max(1, Int((v * Double(rows)).rounded()))
        for i in 0..<n { c.put(x, top + i, c.glyphs.barFull, role) }
    }
}
