/// What each decision changed in the setpoints sent, for the run log. A site of 250 points moves
/// most of them on every telegram: one line a point would be 250 lines a second (and the log's
/// own cost on the decision path), so a decision gets one summary line naming the first few
/// changes; every change with its reason stays available as a line of its own (`detail`).
public struct SetpointChanges: Sendable {
    public struct Change: Sendable, Equatable {
        public var id: String
        /// The setpoint sent before (A); nil for the first one since the start.
        public var from: Double?
        public var to: Double
        public var why: String

        /// `cp12 16.0→10.0 A: grid L1 …`; the first setpoint since the start: `cp12 →10.0 A: …`.
        public var text: String { "\(id) \(from.map(fmt1) ?? "")→\(fmt1(to)) A: \(why)" }
    }

    /// Changes named in the summary line.
    public static let listed = 3

    private var lastSent: [String: Double] = [:]

    public init() {}

    /// The decision's setpoints to send that differ from the last one sent to the same point
    /// (remembered from now on), in decision order, and how many points did not change.
    public mutating func record(_ decision: Decision) -> (changes: [Change], unchanged: Int) {
        var changes: [Change] = []
        for p in decision.points where p.send {
            let before = lastSent[p.id]
            guard before != p.setpointA else { continue }
            lastSent[p.id] = p.setpointA
            changes.append(Change(id: p.id, from: before, to: p.setpointA, why: p.explanation.text))
        }
        return (changes, decision.points.count - changes.count)
    }

    /// `setpoints: 37 changed (cp12 16.0→10.0 A: …; cp13 …; cp14 …; 34 more), 213 unchanged`;
    /// nil when nothing changed (nothing to log).
    public static func summary(_ changes: [Change], unchanged: Int) -> String? {
        guard !changes.isEmpty else { return nil }
        var named = changes.prefix(listed).map(\.text).joined(separator: "; ")
        if changes.count > listed { named += "; \(changes.count - listed) more" }
        return "setpoints: \(changes.count) changed (\(named)), \(unchanged) unchanged"
    }
}
