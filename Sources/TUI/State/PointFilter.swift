import KwartierCore

/// The Points screen's filter (`/` then a substring): which points it shows, in site order. A
/// point matches when its id, name, board or state contains the text, ignoring case.
enum PointFilter {
    static func matches(_ p: PointView, _ text: String) -> Bool {
        guard !text.isEmpty else { return true }
        let t = text.lowercased()
        return [p.id, p.name, p.board, p.state.rawValue].contains { $0.lowercased().contains(t) }
    }

    /// Indexes into `s.points` of the points shown.
    static func visible(_ s: SiteSnapshot, _ text: String) -> [Int] {
        text.isEmpty ? Array(s.points.indices) : s.points.indices.filter { matches(s.points[$0], text) }
    }
}
