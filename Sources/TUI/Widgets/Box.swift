/// A framed panel with a title in its top border (btop's look); returns the inside.
public enum Box {
    @discardableResult
    public static func draw(_ c: inout Canvas, _ r: Rect, title: String = "", titleRole: Role = .frameTitle,
                            right: String = "", rightRole: Role = .frameTitle) -> Rect {
        guard r.w >= 2 && r.h >= 2 else { return Rect(x: r.x, y: r.y, w: 0, h: 0) }
        let g = c.glyphs
        c.put(r.x, r.y, g.tl, .frame); c.put(r.maxX - 1, r.y, g.tr, .frame)
        c.put(r.x, r.maxY - 1, g.bl, .frame); c.put(r.maxX - 1, r.maxY - 1, g.br, .frame)
        c.hline(r.x + 1, r.y, r.w - 2, g.h, .frame)
        c.hline(r.x + 1, r.maxY - 1, r.w - 2, g.h, .frame)
        for y in (r.y + 1)..<(r.maxY - 1) { c.put(r.x, y, g.v, .frame); c.put(r.maxX - 1, y, g.v, .frame) }
        let inner = r.inset(1)
        c.fill(inner)
        let border = Rect(x: r.x + 2, y: r.y, w: r.w - 4, h: 1)
        var used = 0
        if !title.isEmpty && border.w > 2 {
            used = c.textFit(border, " " + title + " ", titleRole)
        }
        if !right.isEmpty {
            let t = " " + right + " "
            let n = t.count
            if used + n + 1 <= border.w { c.text(border.maxX - n, r.y, t, rightRole, clip: border) }
        }
        return inner
    }
}
