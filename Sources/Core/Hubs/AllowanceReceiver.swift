/// A child hub's view of its parent: the latest allowance and whether it still holds.
///
/// Validity is counted from the reception on the child's own monotonic clock (hubs need not
/// agree on the time), for the shorter of what the parent says and what the child is configured
/// with. An allowance older than one already taken is dropped (a message late on the way).
public struct AllowanceReceiver: Sendable {
    public let validityS: Double
    public private(set) var latest: HubAllowance?
    public private(set) var receivedAt: Double = -.infinity

    public init(validityS: Double) { self.validityS = validityS }

    /// False when it was dropped (older than the one in force).
    @discardableResult
    public mutating func receive(_ a: HubAllowance, at mono: Double) -> Bool {
        if let l = latest, !a.id.isNewer(than: l.id) { return false }
        latest = a
        receivedAt = mono
        return true
    }

    /// The allowance in force, nil when none came or it ran out.
    public func valid(at mono: Double) -> HubAllowance? {
        guard let a = latest else { return nil }
        return mono - receivedAt <= Swift.min(validityS, a.validityS) ? a : nil
    }
}
