/// A level's link to another hub of the same fleet over MQTT (`remote:`). On the parent's side a
/// board that is a child hub's whole tree (`remote: { hub: NAME }`); on the child's side its grid,
/// whose per-phase limit is the allowance the parent publishes (`remote: { parent: NAME }`).
/// Names are the hubs' `mqtt.client_id`.
public struct RemoteLink: Sendable, Equatable, Codable {
    /// Parent side: the child hub that feeds this board.
    public var hub: String?
    /// Child side: the hub that gives this one its allowance.
    public var parent: String?
    /// How long one allowance holds (s): counted from its reception by the child; the parent
    /// counts what it allowed for this long (plus `RemoteLink.graceS`) after sending it.
    public var validityS: Double
    public static let defaultValidityS = 10.0
    /// The parent's margin over the child's validity: the message's time on the way.
    public static let graceS = 1.0
    public init(hub: String? = nil, parent: String? = nil, validityS: Double = RemoteLink.defaultValidityS) {
        self.hub = hub; self.parent = parent; self.validityS = validityS
    }
}
