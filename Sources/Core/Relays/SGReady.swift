import Foundation

/// The SG-Ready contact pattern of each operating state, as (relay 1 = SG0, relay 2 = SG1).
///
/// Source: the SG-Ready label of the Bundesverband Wärmepumpe (BWP) defines four operating
/// states signalled on two contacts, written "1:0", "0:0", "0:1", "1:1"; energy managers that
/// drive SG-Ready pumps use the same table:
/// 10 = blocked operation (utility lock), 00 = normal operation, 01 = encouraged operation
/// (switch-on recommendation), 11 = ordered operation (definitive switch-on command).
/// The seeds wire relay 1 to SG0 and relay 2 to SG1, so the first digit is relay 1.
/// The pump's own terminal names differ per brand (seed annex 1); that annex says which pump
/// terminal goes on relay 1 and which on relay 2.
public extension SGState {
    /// Contacts closed, in output order (SG0, SG1).
    var contacts: [Bool] {
        switch self {
        case .off: return [true, false]       // 1:0 utility lock
        case .normal: return [false, false]   // 0:0 normal operation (also: relay module without power)
        case .comfort: return [false, true]   // 0:1 switch-on recommendation
        case .boost: return [true, true]      // 1:1 definitive switch-on command
        }
    }

    /// The state signalled by a contact pair, if it is one.
    static func from(contacts c: [Bool]) -> SGState? {
        guard c.count == 2 else { return nil }
        return SGState.allCases.first { $0.contacts == c }
    }

    /// Name shown on the dashboard.
    var title: String {
        switch self {
        case .off: return "Off"
        case .normal: return "Normal"
        case .comfort: return "Comfort"
        case .boost: return "Boost"
        }
    }

    /// The BWP label's number of the state (1 = lock … 4 = forced on).
    var labelNumber: Int {
        switch self { case .off: return 1; case .normal: return 2; case .comfort: return 3; case .boost: return 4 }
    }
}

/// Dwell times of the seed products (SPEC §3.4).
public extension SGPreset {
    /// How long a state reached by moving up is held (s). Seed 000 (charging hub): "le module
    /// reste 10 minutes en mode normal et boost et 15 minutes en mode confort"; seed 001 (home
    /// module): "5 minutes en mode Normal et Boost et 10 minutes en mode Confort".
    func upHoldS(_ s: SGState) -> Double {
        switch (self, s) {
        case (.chargingHub, .comfort): return 15 * 60
        case (.chargingHub, _): return 10 * 60
        case (.home, .comfort): return 10 * 60
        case (.home, _): return 5 * 60
        }
    }
}

/// The timing rules every preset shares (both seeds).
public enum SGRules {
    /// Moving down, every state lasts at least 1 minute.
    public static let downHoldS: Double = 60
    /// Off (utility lock) lasts at most 2 hours …
    public static let maxOffS: Double = 2 * 3600
    /// … and is followed by Normal for at least 1 hour.
    public static let normalAfterOffS: Double = 3600

    /// The order in which to write the two contacts going from `from` to `to`, so that the pump
    /// never sees a lock (1:0) or a forced-on (1:1) pattern between two other states.
    /// Returns output indexes (0 = SG0, 1 = SG1) whose contact changes, in write order.
    public static func writeOrder(from: [Bool], to: [Bool]) -> [Int] {
        let changed = (0..<min(from.count, to.count)).filter { from[$0] != to[$0] }
        guard changed.count == 2 else { return changed }
        // Two possible intermediate patterns: write SG0 first, or SG1 first.
        var viaFirst0 = from; viaFirst0[0] = to[0]
        var viaFirst1 = from; viaFirst1[1] = to[1]
        func risk(_ c: [Bool]) -> Int {
            switch SGState.from(contacts: c) {
            case .normal?: return 0
            case .comfort?: return 1
            case .boost?: return 2
            default: return 3   // off: the lock
            }
        }
        return risk(viaFirst0) <= risk(viaFirst1) ? [0, 1] : [1, 0]
    }
}
