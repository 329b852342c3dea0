/// A scrolling table (htop's process list): fixed and flexible columns, a header row, a
/// selected row drawn across the full width, and a first-visible row kept so the selection
/// stays in view.
public struct Table {
    public enum Align: Sendable { case left, right }
    public struct Column: Sendable {
        public var title: String
        public var width: Int
        public var align: Align
        /// Flexible columns share the width left over by the fixed ones.
        public var flex: Bool
        public init(_ title: String, _ width: Int, _ align: Align = .left, flex: Bool = false) {
            self.title = title; self.width = width; self.align = align; self.flex = flex
        }
    }
    public struct Row: Sendable {
        public var cells: [String]
        /// Role per cell (missing entries: `.normal`).
        public var roles: [Role]
        /// A second line under the row (with `detailLines`), indented to the second column.
        public var detail: String?
        public var detailRole: Role
        public init(_ cells: [String], roles: [Role] = [], detail: String? = nil, detailRole: Role = .dim) {
            self.cells = cells; self.roles = roles; self.detail = detail; self.detailRole = detailRole
        }
    }

    public var columns: [Column]
    public var rows: [Row]
    public var selected: Int?
    /// Each row takes two lines: its cells, then its `detail` (a long text that would not fit a
    /// column, e.g. a point's explanation on an 80-column terminal).
    public var detailLines: Bool
    public init(columns: [Column], rows: [Row], selected: Int? = nil, detailLines: Bool = false) {
        self.columns = columns; self.rows = rows; self.selected = selected; self.detailLines = detailLines
    }

    /// Column widths for `total` columns of space (one blank between columns). Fixed columns
    /// that do not fit are dropped from the right.
    public func widths(_ total: Int) -> [Int] {
        var w = columns.map { $0.flex ? 0 : $0.width }
        let flexIdx = columns.indices.filter { columns[$0].flex }
        if !flexIdx.isEmpty {
            let left = max(0, total - w.reduce(0, +) - max(0, columns.count - 1))
            for (k, i) in flexIdx.enumerated() {
                w[i] = left / flexIdx.count + (k < left % flexIdx.count ? 1 : 0)
            }
        }
        // Too narrow: cut from the right.
        var sum = 0
        for i in w.indices {
            let gap = i > 0 ? 1 : 0
            if sum + gap + w[i] > total {
                w[i] = max(0, total - sum - gap)
                for j in (i + 1)..<w.count { w[j] = 0 }
                break
            }
            sum += gap + w[i]
        }
        return w
    }

    /// First visible row so that `selected` is inside a window of `visible` rows.
    public static func scrollTop(selected: Int?, current: Int, visible: Int, count: Int) -> Int {
        guard visible > 0 else { return 0 }
        var top = min(max(0, current), max(0, count - visible))
        if let s = selected {
            if s < top { top = s }
            if s >= top + visible { top = s - visible + 1 }
        }
        return max(0, top)
    }

    /// Draws header + rows in `r`, starting at row `top`. Returns the top actually used.
    @discardableResult
    public func draw(_ c: inout Canvas, _ r: Rect, top: Int = 0, header: Bool = true) -> Int {
        guard r.h > 0, r.w > 0 else { return top }
        let w = widths(r.w)
        var y = r.y
        if header {
            c.fill(Rect(x: r.x, y: y, w: r.w, h: 1), " ", .header)
            drawCells(&c, r, y: y, w, columns.map(\.title), [], base: .header)
            y += 1
        }
        let per = detailLines ? 2 : 1
        let visible = (r.maxY - y) / per
        let t = Table.scrollTop(selected: selected, current: top, visible: visible, count: rows.count)
        c.fill(Rect(x: r.x, y: y, w: r.w, h: r.maxY - y))
        for i in 0..<visible {
            let idx = t + i
            let ry = y + i * per
            guard idx < rows.count else { continue }
            let sel = idx == selected
            c.fill(Rect(x: r.x, y: ry, w: r.w, h: per), " ", sel ? .selected : .normal)
            drawCells(&c, r, y: ry, w, rows[idx].cells, rows[idx].roles, base: sel ? .selected : nil)
            if detailLines, let d = rows[idx].detail {
                let dx = min(r.w, (w.first ?? 0) + 1 + 2)
                c.textFit(Rect(x: r.x + dx, y: ry + 1, w: r.w - dx, h: 1), d, sel ? .selected : rows[idx].detailRole)
            }
        }
        return t
    }

    func drawCells(_ c: inout Canvas, _ r: Rect, y: Int, _ w: [Int], _ cells: [String], _ roles: [Role], base: Role?) {
        var x = r.x
        for (i, col) in columns.enumerated() where i < w.count {
            guard w[i] > 0 else { continue }
            let text = i < cells.count ? cells[i] : ""
            let fitted = Canvas.truncate(text, w[i], glyphs: c.glyphs)
            let pad = w[i] - fitted.unicodeScalars.count
            let s = col.align == .right ? String(repeating: " ", count: max(0, pad)) + fitted : fitted
            let role = base ?? (i < roles.count ? roles[i] : .normal)
            c.text(x, y, s, role, clip: r)
            x += w[i] + 1
        }
    }
}
