import Foundation
import KwartierCore

/// `device probe --safe-current A`: the point's `safe_a` written to the charger's own safe
/// current (where the profile can), read back and compared — the same check the hub makes at
/// start and after each reconnect. A mismatch or a failure is an error line (the probe fails).
public enum SafeCurrentProbe {
    public static func line(_ cp: ProfileChargePoint, safeA: Double) -> ProbeLine {
        let name = "safe current check"
        guard let s = cp.spec.safeCurrent else {
            return ProbeLine(name: name, value: nil, unit: nil,
                             error: "\(cp.profile.name) has no safe current register: when it loses the hub it falls to its own default",
                             register: "")
        }
        let check = SafeCurrentCheck(configuredA: safeA, access: s.access)
        let where_ = ([s.register] + (s.readBack.map { [$0] } ?? [])).map(\.description).joined(separator: ", ")
        do {
            if s.access != .readOnly { try cp.writeSafeCurrent(safeA) }
            var done = check
            done.outcome = SafeCurrentCheck.outcome(readBack: try cp.readSafeCurrent(), configuredA: safeA)
            return ProbeLine(name: name, value: done.isProblem ? nil : done.text, unit: nil,
                             error: done.isProblem ? done.text : nil, register: where_)
        } catch {
            return ProbeLine(name: name, value: nil, unit: nil, error: "\(error)", register: where_)
        }
    }
}
