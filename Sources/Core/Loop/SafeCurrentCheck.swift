import Foundation

/// The charger's own safe current against the point's `safe_a`: what the hub wrote and read back.
/// The charger applies it when it loses the hub, and the hub budgets a lost point at `safe_a`,
/// so a charger holding more than `safe_a` breaks the fuse budget exactly when the hub is gone.
public struct SafeCurrentCheck: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Not written/read yet (the point has not answered since start or since it came back).
        case pending
        /// Read back equal to `safe_a`.
        case confirmed(Double)
        /// Written, but the charger has no register to read it back from.
        case writtenUnverified
        /// The charger holds another value (set on the charger itself, or the write was ignored).
        case mismatch(charger: Double)
        /// The write or read failed.
        case failed(String)
    }

    public var configuredA: Double
    public var access: SafeCurrentAccess
    public var outcome: Outcome

    public init(configuredA: Double, access: SafeCurrentAccess, outcome: Outcome = .pending) {
        self.configuredA = configuredA; self.access = access; self.outcome = outcome
    }

    /// Values closer than this are equal (a register in 0.1 A, a float32).
    public static let toleranceA = 0.05

    /// The outcome of a read back of `charger` A (nil: the charger cannot be read).
    public static func outcome(readBack charger: Double?, configuredA: Double) -> Outcome {
        guard let v = charger else { return .writtenUnverified }
        return abs(v - configuredA) <= toleranceA ? .confirmed(v) : .mismatch(charger: v)
    }

    /// Something the installer must look at.
    public var isProblem: Bool {
        switch outcome {
        case .mismatch, .failed: return true
        default: return false
        }
    }

    /// "safe current 6 A (charger confirms)", "safe current MISMATCH: charger 10 A, configured 6 A …".
    public var text: String {
        let want = TextFormat.plain(configuredA)
        switch outcome {
        case .pending: return "safe current \(want) A: not checked yet"
        case .confirmed: return "safe current \(want) A (charger confirms)"
        case .writtenUnverified: return "safe current \(want) A written (the charger cannot read it back)"
        case .mismatch(let c):
            let fix = access == .readOnly ? "set it on the charger itself" : "the charger did not take the write"
            return "safe current MISMATCH: charger \(TextFormat.plain(c)) A, configured \(want) A (\(fix))"
        case .failed(let e): return "safe current \(want) A not set: \(e)"
        }
    }
}
