/// The MQTT link (`mqtt:` at the top of the configuration): off unless present. The hub publishes
/// its state under `topic`, takes commands on `…/set` topics and announces itself to Home
/// Assistant. The password is read from `password_file` when the link starts, never kept here.
public struct MQTTConfig: Sendable, Equatable, Codable {
    public var host: String
    public var port: Int
    /// mqtts:// — TLS, verified against `caFile` (or the system's store when none is given).
    public var tls: Bool
    public var username: String?
    public var passwordFile: String?
    /// The hub's name on the broker (default: the site name in lower case with dashes).
    public var clientID: String
    /// Root of every topic the hub publishes or listens to (default `kwartier/<client id>`).
    public var topic: String
    public var caFile: String?
    /// The root every hub of a fleet shares (hubs linked by `remote:` levels); nil for a lone hub.
    /// A fleet hub's own topics are then `<fleet root>/hubs/<client id>/…`.
    public var fleetRoot: String?
    public static let defaultFleetRoot = "kwartier"
    /// Home Assistant's discovery prefix.
    public var discoveryPrefix = "homeassistant"
    public var line = 0
    public init(host: String, port: Int, tls: Bool = false, username: String? = nil, passwordFile: String? = nil,
                clientID: String, topic: String, caFile: String? = nil) {
        self.host = host; self.port = port; self.tls = tls; self.username = username; self.passwordFile = passwordFile
        self.clientID = clientID; self.topic = topic; self.caFile = caFile
    }

    /// Makes this hub one of the fleet under `root`: its own topics move below `root/hubs/<client id>`.
    public mutating func joinFleet(root: String) {
        fleetRoot = root
        topic = HubTopics.hubRoot(fleet: root, hub: clientID)
    }

    /// "My Site 2" → "my-site-2": what a broker and a topic accept without quoting.
    public static func slug(_ name: String) -> String {
        var out = ""
        var dash = false
        for ch in name.lowercased() {
            if ch.isASCII && (ch.isLetter || ch.isNumber) { out.append(ch); dash = false }
            else if !dash && !out.isEmpty { out.append("-"); dash = true }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "kwartier" : out
    }
}
