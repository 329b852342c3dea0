/// How one role looks: foreground/background colour (-1 = the terminal's default, 0-255 =
/// palette index) and attributes.
public struct Style: Equatable, Sendable {
    public var fg: Int = -1
    public var bg: Int = -1
    public var bold = false, dim = false, reverse = false, underline = false
    public init(fg: Int = -1, bg: Int = -1, bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.fg = fg; self.bg = bg; self.bold = bold; self.dim = dim; self.reverse = reverse; self.underline = underline
    }
    public var hasColour: Bool { fg >= 0 || bg >= 0 }
}

/// A colour theme: a style for every role. Loaded from a small key/value file in `Themes/`
/// (btop's format idea); roles a file leaves out come from the built-in default.
public struct Theme: Equatable, Sendable {
    public var name: String
    public var styles: [Style]   // indexed by Role.rawValue

    public init(name: String, styles: [Role: Style], base: Theme? = nil) {
        self.name = name
        var all = base?.styles ?? Array(repeating: Style(), count: Role.allCases.count)
        for (r, s) in styles { all[Int(r.rawValue)] = s }
        self.styles = all
    }
    public subscript(role: Role) -> Style { styles[Int(role.rawValue)] }

    /// True when no role uses a colour (the mono scheme).
    public var isMonochrome: Bool { !styles.contains(where: \.hasColour) }

    /// The same theme with colours removed, attributes kept (for NO_COLOR or a terminal
    /// without colour, when the mono scheme itself is not available).
    public var withoutColour: Theme {
        var t = self
        t.styles = styles.map { var s = $0; s.fg = -1; s.bg = -1; return s }
        return t
    }
}
