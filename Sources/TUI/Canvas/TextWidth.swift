import Foundation

/// Turns arbitrary text (device names, log lines) into one-column scalars the canvas can hold.
/// Wide (CJK, emoji) and zero-width characters would shift every cell after them, so they are
/// replaced; in ASCII mode the symbols the core writes are spelled out ("≥" → ">=", "—" → "-"),
/// accents are folded ("Café" → "Cafe") and the rest becomes "?".
enum TextWidth {
    static func cells(_ s: String, unicode: Bool) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.unicodeScalars.count)
        let source = (unicode || s.allSatisfy(\.isASCII)) ? s : fold(spellOut(s))
        for sc in source.unicodeScalars {
            let v = sc.value
            if v < 0x20 || v == 0x7F { out.append(" "); continue }           // tabs, newlines: blank
            if v < 0x7F { out.append(sc); continue }
            if !unicode { out.append("?"); continue }
            switch singleWidth(v) {
            case .one: out.append(sc)
            case .zero: continue                                              // combining marks
            case .wide: out.append("?")
            }
        }
        return out
    }

    /// ASCII spellings of the symbols explanations, relay reasons and log lines use. Without
    /// them "surplus 3.1 kW ≥ 2.5 kW" reads "surplus 3.1 kW ? 2.5 kW" on a serial console.
    static let asciiSpelling: [Unicode.Scalar: String] = [
        "≥": ">=", "≤": "<=", "≠": "!=", "±": "+/-", "×": "x", "÷": "/", "−": "-", "≈": "~",
        "–": "-", "—": "-", "‒": "-", "‐": "-", "‑": "-", "…": "...", "•": "*", "·": ".",
        "→": "->", "←": "<-", "↑": "^", "↓": "v", "⇒": "=>", "↔": "<->",
        "‘": "'", "’": "'", "‚": ",", "“": "\"", "”": "\"", "„": "\"", "«": "<<", "»": ">>",
        "°": "deg", "µ": "u", "²": "2", "³": "3", "½": "1/2", "€": "EUR", "£": "GBP",
        "\u{00A0}": " ", "\u{202F}": " ", "\u{2009}": " ",
    ]

    static func spellOut(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for sc in s.unicodeScalars {
            if let rep = asciiSpelling[sc] { out.append(contentsOf: rep.unicodeScalars) } else { out.append(sc) }
        }
        return String(out)
    }

    static func fold(_ s: String) -> String {
        s.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
    }

    enum Width { case zero, one, wide }

    /// A conservative table: the blocks our glyphs and European names come from are one column;
    /// combining marks are zero; anything else outside them counts as wide.
    static func singleWidth(_ v: UInt32) -> Width {
        switch v {
        case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F: return .zero
        case 0x00A0...0x02FF, 0x0370...0x052F,                    // Latin-1, Latin Extended, Greek, Cyrillic
             0x2010...0x2027, 0x2030...0x205E, 0x20A0...0x20BF,   // punctuation, currency
             0x2100...0x214F, 0x2190...0x21FF, 0x2200...0x22FF,   // letterlike, arrows, maths
             0x2500...0x257F, 0x2580...0x259F, 0x25A0...0x25FF:   // box drawing, blocks, shapes
            return .one
        default: return .wide
        }
    }
}
