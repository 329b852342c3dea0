/// The key map, as data: the help overlay, the footer and docs/DASHBOARD.md are drawn from it,
/// and `UIState.handle` implements it.
public enum KeyMap {
    public struct Entry: Sendable { public var keys: String; public var action: String }
    public struct Section: Sendable { public var title: String; public var entries: [Entry] }

    public static let sliderSmall = 0.1, sliderLarge = 1.0, manualStep = 1.0
    public static let priorityRange = 0...99
    public static let sliderRange = 0.0...1000.0

    public static let sections: [Section] = [
        Section(title: "Screens", entries: [
            Entry(keys: "Tab / S-Tab", action: "next / previous screen"),
            Entry(keys: "1-7", action: "Overview, Points, Boards, Devices, Log, History, Plan"),
            Entry(keys: "Up Down j k", action: "move the selection or scroll (PgUp PgDn Home End)"),
            Entry(keys: "/ Esc", action: "points: filter by id, name, board, state / clear"),
            Entry(keys: "? h F1", action: "this help (any key closes it)"),
            Entry(keys: "Ctrl-L", action: "redraw the whole screen"),
            Entry(keys: "q F10", action: "quit (asks first while driving a site)"),
        ]),
        Section(title: "Energy slider", entries: [
            Entry(keys: "+ -", action: "slider up / down 0.1 kW"),
            Entry(keys: "> <", action: "slider up / down 1 kW"),
        ]),
        Section(title: "Selected charge point", entries: [
            Entry(keys: "a m o", action: "mode auto / manual / off"),
            Entry(keys: "] [", action: "manual current up / down 1 A"),
            Entry(keys: "u d", action: "priority up / down"),
        ]),
        Section(title: "Relays, log, history and plan", entries: [
            // One line for both: the help has to fit 80x24.
            Entry(keys: "r R / N F A", action: "relay: next / previous; override on / off / auto"),
            Entry(keys: "l", action: "log: cycle the minimum level shown"),
            // One line: the help has to fit 80x24 (Up Down and Home End move through days too).
            Entry(keys: "Left Right", action: "history: day back/on, PgUp PgDn month, v kWh; plan: 15 min"),
        ]),
    ]

    /// Footer hints per screen: (key, label), shown left to right while they fit; "q Quit" is
    /// always shown at the right end.
    public static func footer(_ screen: ScreenID) -> [(String, String)] {
        let common: [(String, String)] = [("?", "Help"), ("Tab", "Screen")]
        switch screen {
        case .overview, .points:
            return common + [("+-", "Slider"), ("amo", "Mode"), ("[]", "Amps"), ("ud", "Prio"), ("r", "Relay"), ("NFA", "On/Off/Auto")]
        case .boards:
            return common + [("+-", "Slider"), ("<>", "1 kW"), ("r", "Relay"), ("NFA", "On/Off/Auto")]
        case .devices:
            return common + [("Up/Dn", "Select"), ("+-", "Slider")]
        case .log:
            return common + [("l", "Level"), ("Up/Dn", "Scroll"), ("End", "Follow")]
        case .history:
            return common + [("<-/->", "Day"), ("PgUp/Dn", "Month"), ("End", "Today"), ("v", "Day/Month")]
        case .plan:
            return common + [("<-/->", "15 min"), ("Up/Dn", "Hour"), ("PgUp/Dn", "6 h"), ("Home", "Now")]
        }
    }
    public static let footerQuit = ("q", "Quit")
}
