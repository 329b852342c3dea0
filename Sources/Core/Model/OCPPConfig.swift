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

/// A charge point driven through its vendor's cloud (`driver: zaptec` or `driver: easee`,
/// `cloud: { username, password_file, installation, charger, site, circuit, api }`).
public struct CloudPointLink: Sendable, Equatable, Codable {
    public var vendor: String
    public var username: String
    /// The file holding the account password (never kept in the config, never logged).
    public var passwordFile: String
    /// Zaptec: the installation balanced as one group; the charger read for state and currents.
    public var installation: String?
    public var charger: String
    /// Easee: the site and circuit, when the circuit's per-phase current is written.
    public var site: String?
    public var circuit: String?
    /// The API's base URL; the vendor's public one unless a test points it at an emulator.
    public var api: String
    /// Increases are sent at most this often (the vendor's fair use); decreases go at once.
    public var minIntervalS: Double
    public init(vendor: String, username: String, passwordFile: String, installation: String? = nil, charger: String,
                site: String? = nil, circuit: String? = nil, api: String, minIntervalS: Double) {
        self.vendor = vendor; self.username = username; self.passwordFile = passwordFile; self.installation = installation
        self.charger = charger; self.site = site; self.circuit = circuit; self.api = api; self.minIntervalS = minIntervalS
    }

    public static let defaultAPI = ["zaptec": "https://api.zaptec.com", "easee": "https://api.easee.com"]
}
