extension SiteConfig {
    /// A Modbus device of the configuration, with the key path that declares it.
    public struct ModbusDeviceRef: Sendable {
        public var key: String
        public var line: Int
        public var transport: Transport
        /// Where its transport keys (`tcp`, `rtu`, `bus` …) are: the entry itself, or its
        /// `modbus_coil` / `modbus_counter` map.
        public var transportKey: String
        public init(key: String, line: Int, transport: Transport, transportKey: String? = nil) {
            self.key = key; self.line = line; self.transport = transport; self.transportKey = transportKey ?? key
        }
    }

    /// Every Modbus device: charge points, meters, inverters, relay modules and counter inputs.
    /// Several coils or counters of one module share an address: the module is listed once.
    public var modbusDevices: [ModbusDeviceRef] {
        var out: [ModbusDeviceRef] = []
        for c in chargepoints { out.append(.init(key: "chargepoints.\(c.id)", line: c.line, transport: c.transport)) }
        for m in meters { if case .modbus(_, let t, _) = m.kind { out.append(.init(key: "meters.\(m.id)", line: m.line, transport: t)) } }
        for i in inverters { out.append(.init(key: "inverters.\(i.id)", line: i.line, transport: i.transport)) }
        var modules = Set<String>()
        for o in outputs {
            if case .modbusCoil(let t, _) = o.kind, modules.insert("\(t)").inserted {
                out.append(.init(key: "outputs.\(o.id)", line: o.line, transport: t, transportKey: "outputs.\(o.id).modbus_coil"))
            }
        }
        for p in pulseInputs {
            if case .modbusCounter(let t, _) = p.source, modules.insert("\(t)").inserted {
                out.append(.init(key: "pulse_inputs.\(p.id)", line: p.line, transport: t,
                                 transportKey: "pulse_inputs.\(p.id).modbus_counter"))
            }
        }
        return out
    }

    /// Distinct Modbus TCP endpoints (host:port): each is one connection of `max_tcp_connections`.
    public var tcpEndpoints: Set<String> { Set(modbusDevices.compactMap { $0.transport.tcpEndpoint }) }
}
