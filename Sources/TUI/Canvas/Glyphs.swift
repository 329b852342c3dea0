/// The characters widgets draw with: UTF-8 box drawing, arrows and blocks when the locale can
/// show them, plain ASCII otherwise (a serial console without UTF-8, or `--ascii`).
/// Every glyph is one terminal column wide.
public struct Glyphs: Sendable, Equatable {
    public var unicode: Bool
    public var h: Character, v: Character
    public var tl: Character, tr: Character, bl: Character, br: Character
    public var teeL: Character, teeR: Character, teeT: Character, teeB: Character, cross: Character
    public var arrowR: Character, arrowL: Character, arrowU: Character, arrowD: Character
    public var barFull: Character, barEmpty: Character, barShade: Character
    /// Partial blocks for a bar's last cell (1/8 … 7/8); ASCII has none.
    public var barEighths: [Character]
    public var sliderMark: Character, peakMark: Character
    public var lightOn: Character, lightOff: Character
    public var selector: Character, ellipsis: Character, dash: Character, times: Character
    public var sparks: [Character]

    public static let utf8 = Glyphs(
        unicode: true, h: "─", v: "│", tl: "┌", tr: "┐", bl: "└", br: "┘",
        teeL: "├", teeR: "┤", teeT: "┬", teeB: "┴", cross: "┼",
        arrowR: "▶", arrowL: "◀", arrowU: "▲", arrowD: "▼",
        barFull: "█", barEmpty: "░", barShade: "▒",
        barEighths: ["▏", "▎", "▍", "▌", "▋", "▊", "▉"],
        sliderMark: "┃", peakMark: "◆", lightOn: "●", lightOff: "○",
        selector: "▸", ellipsis: "…", dash: "–", times: "×",
        sparks: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"])

    public static let ascii = Glyphs(
        unicode: false, h: "-", v: "|", tl: "+", tr: "+", bl: "+", br: "+",
        teeL: "+", teeR: "+", teeT: "+", teeB: "+", cross: "+",
        arrowR: ">", arrowL: "<", arrowU: "^", arrowD: "v",
        barFull: "#", barEmpty: ".", barShade: "=",
        barEighths: [],
        sliderMark: "|", peakMark: "*", lightOn: "*", lightOff: "o",
        selector: ">", ellipsis: "~", dash: "-", times: "x",
        sparks: ["_", ".", "-", "-", "=", "=", "#", "#"])
}
