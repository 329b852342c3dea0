/// Serial parity of an RS485 or P1 line.
public enum Parity: String, Sendable, Codable, CaseIterable {
    case none = "N", even = "E", odd = "O"
}

/// Serial line settings of one device on an RS485 bus (each device may use its own).
public struct SerialSettings: Sendable, Equatable, Codable, CustomStringConvertible {
    public var baud: Int
    public var parity: Parity
    public var dataBits: Int
    public var stopBits: Int
    public init(baud: Int, parity: Parity = .none, dataBits: Int = 8, stopBits: Int = 1) {
        self.baud = baud; self.parity = parity; self.dataBits = dataBits; self.stopBits = stopBits
    }
    public var description: String { "\(baud) \(dataBits)\(parity.rawValue)\(stopBits)" }
}

/// Where a Modbus device is reached.
public enum Transport: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Modbus TCP: host, port, unit id. Several unit ids may share one gateway host:port.
    case tcp(host: String, port: Int, unit: Int)
    /// Modbus RTU on a named RS485 bus: slave address and the device's own line settings.
    case rtu(bus: String, address: Int, serial: SerialSettings)
    /// A device of the simulated site (demo, backtests).
    case simulated
    /// A charge point connected to the hub's OCPP central system (not Modbus).
    case ocpp(OCPPPointLink)
    /// A charge point reached through its vendor's cloud REST API (Zaptec, Easee).
    case cloud(CloudPointLink)

    public var description: String {
        switch self {
        case let .tcp(host, port, unit): return "tcp \(host):\(port) unit \(unit)"
        case let .rtu(bus, address, serial): return "rtu \(bus) addr \(address) @ \(serial)"
        case .simulated: return "simulated"
        case .ocpp(let l): return "ocpp \(l.id) connector \(l.connector)"
        case .cloud(let c): return "\(c.vendor) cloud charger \(c.charger)"
        }
    }
    public var isOCPP: Bool { if case .ocpp = self { return true } else { return false } }
    public var isCloud: Bool { if case .cloud = self { return true } else { return false } }
    /// Reached by the hub's own servers or clients, not over Modbus.
    public var isRemote: Bool { isOCPP || isCloud }
    public var isTCP: Bool { if case .tcp = self { return true } else { return false } }
    /// The TCP endpoint "host:port" (one connection each), or nil.
    public var tcpEndpoint: String? {
        if case let .tcp(host, port, _) = self { return "\(host):\(port)" }
        return nil
    }
}
