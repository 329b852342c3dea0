import Foundation

/// Parses theme files. One role per line:
///
///     # comment
///     name        = default
///     flow_import = bold red
///     selected    = black on cyan
///     header      = reverse
///
/// A value is `[FG] [on BG] [bold] [dim] [reverse] [underline]`; colours are `default`, the
/// eight names (`black red green yellow blue magenta cyan white`), `bright<name>`, `gray`,
/// `color0`-`color255` or `#rrggbb`. Any error rejects the whole file (caller falls back).
public enum ThemeParser {
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    public static func parse(_ text: String, fallbackName: String, base: Theme?) throws -> Theme {
        var name = fallbackName
        var styles: [Role: Style] = [:]
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = i + 1
            var line = Substring(raw)
            if let hash = line.firstIndex(where: { $0 == "#" }), !isColourHash(line, hash) { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw ParseError(line: lineNo, message: "expected `role = style`, got '\(trimmed)'")
            }
            let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: "_")
            let value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if key == "name" { name = value; continue }
            guard let role = Role.byKey[key] else {
                throw ParseError(line: lineNo, message: "unknown role '\(key)' (roles: \(Role.allCases.map(\.key).joined(separator: ", ")))")
            }
            do { styles[role] = try style(value) }
            catch let e as StyleError { throw ParseError(line: lineNo, message: "\(key): \(e.message)") }
        }
        return Theme(name: name, styles: styles, base: base)
    }

    /// A `#` that starts a `#rrggbb` colour is not a comment.
    static func isColourHash(_ line: Substring, _ i: Substring.Index) -> Bool {
        let rest = line[line.index(after: i)...]
        let hex = rest.prefix(6)
        guard hex.count == 6, hex.allSatisfy(\.isHexDigit) else { return false }
        return i > line.startIndex && line[line.index(before: i)] == " " && line[..<i].contains("=")
    }

    struct StyleError: Error { var message: String }

    static func style(_ value: String) throws -> Style {
        var s = Style()
        var gotFG = false
        var words = value.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)[...]
        while let w = words.popFirst() {
            switch w {
            case "bold": s.bold = true
            case "dim": s.dim = true
            case "reverse": s.reverse = true
            case "underline": s.underline = true
            case "normal", "none": break
            case "on":
                guard let c = words.popFirst() else { throw StyleError(message: "'on' needs a background colour") }
                s.bg = try colour(c)
            default:
                guard !gotFG else { throw StyleError(message: "unexpected '\(w)' (one foreground colour, then 'on BG' and attributes)") }
                s.fg = try colour(w); gotFG = true
            }
        }
        return s
    }

    static func colour(_ w: String) throws -> Int {
        if w == "default" { return -1 }
        if let i = names.firstIndex(of: w) { return i }
        if w.hasPrefix("bright"), let i = names.firstIndex(of: String(w.dropFirst(6))) { return i + 8 }
        if w == "gray" || w == "grey" { return 8 }
        if w.hasPrefix("color"), let n = Int(w.dropFirst(5)), (0...255).contains(n) { return n }
        if w.hasPrefix("#"), w.count == 7, let rgb = Int(w.dropFirst(), radix: 16) {
            return Palette.nearest256(r: (rgb >> 16) & 0xFF, g: (rgb >> 8) & 0xFF, b: rgb & 0xFF)
        }
        throw StyleError(message: "unknown colour '\(w)' (use default, black, red, green, yellow, blue, magenta, cyan, white, bright<name>, gray, color0-255 or #rrggbb)")
    }
}

/// Colour arithmetic for terminals with fewer colours than a theme asks for.
public enum Palette {
    /// The xterm 256-colour index nearest to an RGB colour (cube or grey ramp).
    public static func nearest256(r: Int, g: Int, b: Int) -> Int {
        func cube(_ v: Int) -> Int { v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40 }
        let levels = [0, 95, 135, 175, 215, 255]
        let (cr, cg, cb) = (cube(r), cube(g), cube(b))
        let cubeIdx = 16 + 36 * cr + 6 * cg + cb
        let cubeDist = sq(levels[cr] - r) + sq(levels[cg] - g) + sq(levels[cb] - b)
        let avg = (r + g + b) / 3
        let grey = avg > 238 ? 23 : max(0, (avg - 3) / 10)
        let gv = 8 + 10 * grey
        let greyDist = sq(gv - r) + sq(gv - g) + sq(gv - b)
        return greyDist < cubeDist ? 232 + grey : cubeIdx
    }

    static func sq(_ v: Int) -> Int { v * v }

    /// RGB of an xterm palette entry.
    public static func rgb(_ i: Int) -> (Int, Int, Int) {
        let base16: [(Int, Int, Int)] = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
                                         (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0),
                                         (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
        if i < 16 { return base16[max(0, i)] }
        if i < 232 {
            let levels = [0, 95, 135, 175, 215, 255]
            let n = i - 16
            return (levels[n / 36], levels[(n / 6) % 6], levels[n % 6])
        }
        let v = 8 + 10 * (i - 232)
        return (v, v, v)
    }

    /// A palette index the terminal can show: 256-colour indices are mapped to the nearest of
    /// the first 16 (or 8) when the terminal has fewer.
    public static func downgrade(_ c: Int, colours: Int) -> Int {
        guard c >= 0 else { return -1 }
        if c < colours { return c }
        let limit = colours >= 16 ? 16 : 8
        let (r, g, b) = rgb(c)
        var best = 0, bestD = Int.max
        for i in 0..<limit {
            let (pr, pg, pb) = rgb(i)
            let d = sq(pr - r) + sq(pg - g) + sq(pb - b)
            if d < bestD { bestD = d; best = i }
        }
        return best
    }
}
