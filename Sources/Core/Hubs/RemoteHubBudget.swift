/// A parent hub's view of one child: what it draws and what it may draw.
///
/// The child is counted, per line, at the highest of: its safe budget, its last reported draw
/// (the lost-charger rule: a silent child's chargers keep their last setpoint until their own
/// watchdog), and every allowance the parent sent that the child may still apply — those from
/// the one the child last said it applies onwards, each until its validity (plus the time on the
/// way) has run out since it was sent. So room given to a child is never given to anybody else
/// before the child has taken a lower allowance, and a child that falls silent is budgeted at its
/// safe budget (or last draw) once its last allowance has run out.
public struct RemoteHubBudget: Sendable {
    public let validityS: Double
    /// The last report (nil: none since the start) and when it came.
    public private(set) var draw: HubDraw?
    public private(set) var drawAt: Double = -.infinity
    /// Allowances sent and not superseded (oldest first) and when.
    private var unacked: [(HubAllowance, Double)] = []
    /// The child's safe budget as configured here, until the child says its own.
    let declaredSafeA: PhaseValues

    public init(validityS: Double, declaredSafeA: PhaseValues = .zero) {
        self.validityS = validityS; self.declaredSafeA = declaredSafeA
    }

    public mutating func receive(_ d: HubDraw, at mono: Double) {
        draw = d
        drawAt = mono
        // The child applies the newest allowance it received: older ones no longer bind it.
        if let id = d.applying { unacked.removeAll { $0.0.id.boot == id.boot && $0.0.id.seq < id.seq } }
    }

    public mutating func sent(_ a: HubAllowance, at mono: Double) {
        prune(at: mono)
        unacked.append((a, mono))
    }

    /// The child's report came within the validity time.
    public func fresh(at mono: Double) -> Bool { mono - drawAt <= validityS }

    /// Allowances the child may still be applying.
    public func outstanding(at mono: Double) -> [HubAllowance] {
        unacked.filter { mono - $0.1 <= $0.0.validityS + RemoteLink.graceS }.map(\.0)
    }

    /// Per line: the measured draw and what the child is counted at.
    public func load(at mono: Double) -> RemoteLoad {
        let d = draw?.drawA ?? .zero
        let safe = draw?.safeA ?? declaredSafeA
        var b = PhaseValues(SafeBudget.line(safeA: safe.l1, lastDrawA: d.l1), SafeBudget.line(safeA: safe.l2, lastDrawA: d.l2),
                            SafeBudget.line(safeA: safe.l3, lastDrawA: d.l3))
        for a in outstanding(at: mono) {
            b = PhaseValues(Swift.max(b.l1, a.limitA.l1), Swift.max(b.l2, a.limitA.l2), Swift.max(b.l3, a.limitA.l3))
        }
        return RemoteLoad(drawA: d, budgetA: b, fresh: fresh(at: mono), safeA: safe)
    }

    private mutating func prune(at mono: Double) {
        unacked.removeAll { mono - $0.1 > $0.0.validityS + RemoteLink.graceS }
    }
}

/// A remote board's load for one decision (see `RemoteHubBudget`).
public struct RemoteLoad: Sendable, Equatable {
    /// What the child's points draw, as it last said (already in the meters above the board).
    public var drawA: PhaseValues
    /// What the board is counted at.
    public var budgetA: PhaseValues
    /// The child's report is recent.
    public var fresh: Bool
    public var safeA: PhaseValues
    public init(drawA: PhaseValues, budgetA: PhaseValues, fresh: Bool, safeA: PhaseValues) {
        self.drawA = drawA; self.budgetA = budgetA; self.fresh = fresh; self.safeA = safeA
    }
    /// A child not heard from since the start.
    public static let unheard = RemoteLoad(drawA: .zero, budgetA: .zero, fresh: false, safeA: .zero)
}
