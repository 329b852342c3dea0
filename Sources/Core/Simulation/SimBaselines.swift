/// The two naive controllers `kwartier simulate` compares Kwartier against.
public enum SimBaseline: String, CaseIterable, Sendable {
    /// Every car at its maximum: no balancing at all.
    case uncontrolled
    /// The connection split equally: each point gets its equal share of every level above it.
    case `static`

    /// The setpoint of every point (A), fixed for the whole run.
    public func setpoints(_ config: SiteConfig) -> [String: Double] {
        var out: [String: Double] = [:]
        for cp in config.chargepoints {
            switch self {
            case .uncontrolled: out[cp.id] = cp.maxA
            case .static:
                var share = cp.maxA
                for lvl in config.ancestors(ofLevel: cp.board) {
                    guard let l = config.level(lvl) else { continue }
                    let below = config.chargepoints.filter { config.ancestors(ofLevel: $0.board).contains(lvl) }.count
                    share = min(share, l.usableA / Double(max(1, below)))
                }
                // A share under the minimum would never charge: such a static site would not be built.
                out[cp.id] = share >= cp.minA ? share : cp.minA
            }
        }
        return out
    }
}
