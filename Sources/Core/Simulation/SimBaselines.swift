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

/// What Kwartier's energy plan is compared against on a scenario with prices (same cars, same
/// control of the chargers; only the battery and the inverter differ).
public enum SimEnergyBaseline: String, CaseIterable, Sendable {
    /// The battery in its own self-consumption mode, the inverter never limited.
    case no_battery_control
    /// Real-time rules without a plan: curtail at a negative injection price, charge from the
    /// grid while taking is paid for, otherwise self-consumption.
    case no_planning

    public var control: SimEnergyControl {
        switch self {
        case .no_battery_control: return .none
        case .no_planning: return .manager(.reactive)
        }
    }
}
