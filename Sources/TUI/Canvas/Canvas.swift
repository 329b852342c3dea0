/// One terminal cell: a one-column character and the semantic role it is drawn in.
public struct Cell: Equatable, Sendable {
    public var ch: Unicode.Scalar
    public var role: Role
    public init(_ ch: Unicode.Scalar, _ role: Role) { self.ch = ch; self.role = role }
    public static let blank = Cell(" ", .normal)
}

/// The off-screen grid every screen is drawn onto. Pure Swift, no terminal: widgets are tested
/// on it with exact expected text, and the ncurses layer copies only the cells that changed
/// since the previous frame.
public struct Canvas: Equatable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]
    public var glyphs: Glyphs

    public init(width: Int, height: Int, glyphs: Glyphs = .ascii) {
        self.width = max(0, width); self.height = max(0, height); self.glyphs = glyphs
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, w: width, h: height) }
    public var unicode: Bool { glyphs.unicode }

    public subscript(x: Int, y: Int) -> Cell {
        get { (x >= 0 && y >= 0 && x < width && y < height) ? cells[y * width + x] : .blank }
        set { if x >= 0 && y >= 0 && x < width && y < height { cells[y * width + x] = newValue } }
    }

    public mutating func clear() { for i in cells.indices { cells[i] = .blank } }

    /// Fills a rectangle with one character and role.
    public mutating func fill(_ r: Rect, _ ch: Character = " ", _ role: Role = .normal) {
        let c = r.intersection(bounds)
        guard !c.isEmpty else { return }
        let cell = Cell(ch.unicodeScalars.first ?? " ", role)
        for y in c.y..<c.maxY { for x in c.x..<c.maxX { cells[y * width + x] = cell } }
    }

    /// Writes text at (x, y), clipped to `clip` (default: the whole canvas). Returns the
    /// column after the last cell written (or that would have been written).
    @discardableResult
    public mutating func text(_ x: Int, _ y: Int, _ s: String, _ role: Role = .normal, clip: Rect? = nil) -> Int {
        let c = (clip ?? bounds).intersection(bounds)
        var col = x
        for sc in TextWidth.cells(s, unicode: glyphs.unicode) {
            if y >= c.y && y < c.maxY && col >= c.x && col < c.maxX { cells[y * width + col] = Cell(sc, role) }
            col += 1
        }
        return col
    }

    /// Writes text into one row of `r` at column offset `dx`, truncated with an ellipsis when it
    /// does not fit. Returns the columns used.
    @discardableResult
    public mutating func textFit(_ r: Rect, dx: Int = 0, row: Int = 0, _ s: String, _ role: Role = .normal) -> Int {
        let avail = r.w - dx
        guard avail > 0, row >= 0, row < r.h else { return 0 }
        let t = Canvas.truncate(s, avail, glyphs: glyphs)
        text(r.x + dx, r.y + row, t, role, clip: r)
        return TextWidth.cells(t, unicode: glyphs.unicode).count
    }

    /// Writes a single glyph.
    public mutating func put(_ x: Int, _ y: Int, _ ch: Character, _ role: Role) {
        self[x, y] = Cell(ch.unicodeScalars.first ?? " ", role)
    }

    /// Repeats a glyph horizontally.
    public mutating func hline(_ x: Int, _ y: Int, _ n: Int, _ ch: Character, _ role: Role) {
        guard n > 0 else { return }
        for i in 0..<n { put(x + i, y, ch, role) }
    }

    /// Text cut to `n` columns, ending in an ellipsis when cut.
    public static func truncate(_ s: String, _ n: Int, glyphs: Glyphs) -> String {
        let cells = TextWidth.cells(s, unicode: glyphs.unicode)
        if cells.count <= n { return String(String.UnicodeScalarView(cells)) }
        guard n > 0 else { return "" }
        return String(String.UnicodeScalarView(cells.prefix(n - 1))) + String(glyphs.ellipsis)
    }

    /// One row as text, trailing blanks kept (exact width).
    public func line(_ y: Int) -> String {
        guard y >= 0 && y < height else { return "" }
        return String(String.UnicodeScalarView(cells[(y * width)..<((y + 1) * width)].map(\.ch)))
    }
    /// Rows of a rectangle as text, trailing blanks removed (for tests and documentation).
    public func text(in r: Rect? = nil) -> String {
        let c = (r ?? bounds).intersection(bounds)
        var rows: [String] = []
        for y in c.y..<c.maxY {
            var s = String(String.UnicodeScalarView(cells[(y * width + c.x)..<(y * width + c.maxX)].map(\.ch)))
            while s.hasSuffix(" ") { s.removeLast() }
            rows.append(s)
        }
        return rows.joined(separator: "\n")
    }
    /// Roles of one row (for tests that check colouring).
    public func roles(_ y: Int) -> [Role] {
        guard y >= 0 && y < height else { return [] }
        return cells[(y * width)..<((y + 1) * width)].map(\.role)
    }
}
