import Foundation

/// A fuse the load Kwartier does not control holds over its limit by itself: the house and the
/// other unmanaged loads under a level, devices served before the cars, lost chargers at their
/// budget — with every car it controls stopped, the line is still over. Kwartier cannot avoid
/// it; an alert says so (the simulation counts these apart from the violations it causes).
public struct LimitOverload: Sendable, Equatable, Codable {
    /// Level id and grid line ("grid", "L2").
    public var level: String
    public var phase: String
    /// The uncontrollable load's current on that line (A) and the level's limit.
    public var amps: Double
    public var limitA: Double

    /// An alert rises when the load goes over the limit and clears when it is this much under.
    public static let hysteresisA = 1.0

    public var key: String { "limit-over:\(level) \(phase)" }
    /// "grid L2 64.2 A over its 63 A limit from the load Kwartier does not control — nothing left to shed"
    public var text: String {
        "\(level) \(phase) \(fmt1(amps)) A over its \(TextFormat.plain(limitA)) A limit from the load Kwartier does not control"
            + " — nothing left to shed"
    }
}
