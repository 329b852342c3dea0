/// The OCPP 1.6J central system (`ocpp:` at the top of the configuration): off unless present.
/// Charge points connect to `ws://HOST:PORT/<charge point id>` with subprotocol `ocpp1.6`.
public struct OCPPServerConfig: Sendable, Equatable, Codable {
    public var host: String
    public var port: Int
    /// Security profile 1 (HTTP basic auth with a per-charger password) is required unless this is set.
    public var allowUnauthenticated = false
    /// The heartbeat interval given in the BootNotification answer (s).
    public var heartbeatS = 60
    /// MeterValueSampleInterval set on each charger at boot (s).
    public var meterIntervalS = 5
    /// How long a setpoint profile stays valid (s); the hub renews it at a third of that.
    /// If the hub stops, the charger falls back to its `safe_a` default profile when it runs out.
    public var leaseS = 60
    /// Id tags accepted by Authorize/StartTransaction; nil accepts every tag.
    public var idTags: [String]?
    public var line = 0
    public init(host: String, port: Int) { self.host = host; self.port = port }
}

/// A charge point driven over OCPP (`driver: ocpp`, `ocpp: { id, connector, password_file }`).
public struct OCPPPointLink: Sendable, Equatable, Codable {
    /// The charge point identity: the last part of the URL the charger connects to.
    public var id: String
    public var connector: Int
    /// The file holding the charger's basic-auth password (the password itself is never kept in the config).
    public var passwordFile: String?
    public init(id: String, connector: Int = 1, passwordFile: String? = nil) {
        self.id = id; self.connector = connector; self.passwordFile = passwordFile
    }
}
