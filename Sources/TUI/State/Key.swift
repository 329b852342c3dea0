/// A key press, decoded from ncurses' key codes (or built directly in tests).
public enum Key: Equatable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case tab, backTab, enter, escape, backspace
    case function(Int)
    /// Ctrl-letter, e.g. `.ctrl("l")` for Ctrl-L.
    case ctrl(Character)
    case unknown(Int32)
}

/// The screens, in tab order; the number is the key that selects it.
public enum ScreenID: Int, CaseIterable, Sendable {
    case overview = 1, points, boards, devices, log, history, plan

    public var title: String {
        switch self {
        case .overview: return "Overview"
        case .points: return "Points"
        case .boards: return "Boards"
        case .devices: return "Devices"
        case .log: return "Log"
        case .history: return "History"
        case .plan: return "Plan"
        }
    }
    public var next: ScreenID { ScreenID(rawValue: rawValue % ScreenID.allCases.count + 1)! }
    public var previous: ScreenID { ScreenID(rawValue: (rawValue + ScreenID.allCases.count - 2) % ScreenID.allCases.count + 1)! }
}
