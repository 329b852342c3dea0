// Public constructors for config types whose memberwise initialisers are internal (used by the
// IO layer to build single devices for the technician tools, and by tests).

public extension InverterConfig {
    static func make(id: String, driver: String, transport: Transport, line: Int = 0) -> InverterConfig {
        InverterConfig(id: id, driver: driver, transport: transport, line: line)
    }
}

public extension BusConfig {
    static func make(id: String, device: String, interFrameMs: Double = 0, line: Int = 0) -> BusConfig {
        BusConfig(id: id, device: device, interFrameMs: interFrameMs, line: line)
    }
}
