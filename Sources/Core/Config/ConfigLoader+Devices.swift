import Foundation

extension ConfigLoader {
    static let bauds = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200]

    /// `host:port` with the default Modbus port 502 (or `defaultPort`).
    static func splitHostPort(_ s: String, defaultPort: Int) -> (String, Int)? {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        if let colon = t.lastIndex(of: ":"), !t.hasPrefix("[") || t.hasSuffix("]") == false {
            let host = String(t[..<colon])
            guard let port = Int(t[t.index(after: colon)...]), (1...65535).contains(port), !host.isEmpty else { return nil }
            return (host, port)
        }
        return (t, defaultPort)
    }

    /// Reads `tcp: host[:port]` + `unit:` or `rtu: {bus, address, baud, parity, stop_bits}`.
    func parseTransport(_ m: YAMLMap, defaultUnit: Int = 1, required: Bool = true) -> Transport? {
        if m.has("simulated"), m.bool("simulated") == true { return .simulated }
        if let hp = m.string("tcp") {
            guard let (host, port) = Self.splitHostPort(hp, defaultPort: 502) else {
                m.ctx.error(m.lineOf("tcp"), m.keyPath("tcp"), "'\(hp)' is not host:port",
                            fix: "write e.g. `tcp: 192.168.1.50:502`")
                return nil
            }
            let unit = m.int("unit", min: 0, max: 255) ?? defaultUnit
            return .tcp(host: host, port: port, unit: unit)
        }
        if let r = m.map("rtu") {
            r.rejectUnknown(["bus", "address", "baud", "parity", "stop_bits", "data_bits"])
            guard let bus = r.requiredString("bus", fix: "name the RS485 bus defined under `buses:`") else { return nil }
            guard r.has("address") else { r.missing("address", fix: "give the device's slave id, e.g. `address: 1`"); return nil }
            guard let addr = r.int("address", min: 1, max: 247) else { return nil }
            var serial = SerialSettings(baud: 9600)
            if let b = r.int("baud") {
                if Self.bauds.contains(b) { serial.baud = b } else {
                    r.ctx.error(r.lineOf("baud"), r.keyPath("baud"), "\(b) is not a standard baud rate",
                                fix: "use one of \(Self.bauds.map(String.init).joined(separator: ", "))")
                }
            }
            if let p = r.oneOf("parity", [("N", Parity.none), ("E", Parity.even), ("O", Parity.odd)]) { serial.parity = p }
            if let s = r.int("stop_bits", min: 1, max: 2) { serial.stopBits = s }
            if let d = r.int("data_bits", min: 7, max: 8) { serial.dataBits = d }
            return .rtu(bus: bus, address: addr, serial: serial)
        }
        if m.has("rtu") { return nil }  // wrong type, already reported
        if required {
            m.ctx.error(m.line, m.path, "no transport given",
                        fix: "add `tcp: HOST:PORT` (with `unit:`) or `rtu: { bus: …, address: … }`")
        }
        return nil
    }

    // MARK: meters

    func parseMeters(_ all: YAMLMap) -> [MeterConfig] {
        var out: [MeterConfig] = []
        for e in all.entries {
            guard let m = YAMLMap(e.value, path: all.keyPath(e.key), ctx: all.ctx) else { continue }
            guard let type = m.has("type") ? m.oneOf("type", [("p1", "p1"), ("modbus", "modbus")])
                                          : { m.missing("type", fix: "write `type: p1` or `type: modbus`"); return nil }()
            else { continue }
            if type == "p1" {
                m.rejectUnknown(["type", "serial", "tcp", "file", "stdin", "baud", "passthrough", "stale_after_s", "paced", "simulated"])
                var baud: Int? = nil
                if let b = m.node("baud"), case .scalar(let s) = b, s.string.lowercased() != "auto" {
                    baud = m.oneOf("baud", [("115200", 115200), ("9600", 9600), ("auto", 0)])
                }
                var source: P1Source?
                if let p = m.string("serial") { source = .serial(path: p, baud: baud) }
                else if let hp = m.string("tcp") {
                    if let (h, p) = Self.splitHostPort(hp, defaultPort: 2323) { source = .tcp(host: h, port: p) }
                    else { m.ctx.error(m.lineOf("tcp"), m.keyPath("tcp"), "'\(hp)' is not host:port", fix: "write e.g. `tcp: 192.168.1.20:8088`") }
                } else if let f = m.string("file") { source = .file(path: f, paced: m.bool("paced") ?? true) }
                else if m.bool("stdin") == true { source = .stdin }
                else if m.bool("simulated") == true { source = .simulated }
                else { m.ctx.error(m.line, m.path, "no P1 source given", fix: "add `serial: /dev/ttyUSB0`, `tcp: HOST:PORT` or `file: telegrams.txt`") }
                let pass = m.stringList("passthrough") ?? []
                if pass.count > 3 {
                    m.ctx.error(m.lineOf("passthrough"), m.keyPath("passthrough"), "\(pass.count) pass-through outputs; at most 3",
                                fix: "keep three outputs (the hub has three P1 OUT ports)")
                }
                for p in pass where !(p.hasPrefix("tcp://") || p.hasPrefix("serial:")) {
                    m.ctx.error(m.lineOf("passthrough"), m.keyPath("passthrough"), "'\(p)' is not a pass-through output",
                                fix: "write `tcp://0.0.0.0:2323` or `serial:/dev/ttyS1`")
                }
                let stale = m.double("stale_after_s", unit: "s", min: 1, max: 3600) ?? 10
                if let s = source { out.append(MeterConfig(id: e.key, kind: .p1(source: s, passthrough: pass, staleAfterS: stale), line: e.line)) }
            } else {
                m.rejectUnknown(["type", "driver", "tcp", "unit", "rtu", "stale_after_s", "simulated"])
                let driver = m.requiredString("driver", fix: "name the meter's profile, e.g. `driver: siemens-pac2200`")
                let t = parseTransport(m)
                let stale = m.double("stale_after_s", unit: "s", min: 1, max: 3600) ?? 10
                if let d = driver, let t = t {
                    out.append(MeterConfig(id: e.key, kind: .modbus(driver: d, transport: t, staleAfterS: stale), line: e.line))
                }
            }
        }
        return out
    }

    func parseBuses(_ all: YAMLMap) -> [BusConfig] {
        all.entries.compactMap { e in
            guard let m = YAMLMap(e.value, path: all.keyPath(e.key), ctx: all.ctx) else { return nil }
            m.rejectUnknown(["device", "inter_frame_ms"])
            guard let dev = m.requiredString("device", fix: "give the serial device, e.g. `device: /dev/ttyUSB1`") else { return nil }
            return BusConfig(id: e.key, device: dev, interFrameMs: m.double("inter_frame_ms", unit: "ms", min: 0, max: 1000) ?? 0, line: e.line)
        }
    }

    func parseInverters(_ all: YAMLMap) -> [InverterConfig] {
        all.entries.compactMap { e in
            guard let m = YAMLMap(e.value, path: all.keyPath(e.key), ctx: all.ctx) else { return nil }
            m.rejectUnknown(["driver", "tcp", "unit", "rtu", "simulated"])
            let d = m.requiredString("driver", fix: "name the inverter's profile, e.g. `driver: huawei-sun2000`")
            guard let driver = d, let t = parseTransport(m) else { return nil }
            return InverterConfig(id: e.key, driver: driver, transport: t, line: e.line)
        }
    }

    // MARK: charge points

    static let pointKeys = ["name", "board", "driver", "tcp", "unit", "rtu", "phases", "charger_phases",
                            "min_a", "max_a", "safe_a", "priority", "mode", "manual_a", "phase_switching", "ramp_s",
                            "simulated", "ocpp", "cloud"]

    func parseChargePoints(_ all: YAMLMap, network: NetworkType) -> [ChargePointConfig] {
        var out: [ChargePointConfig] = []
        for e in all.entries {
            guard let m = YAMLMap(e.value, path: all.keyPath(e.key), ctx: all.ctx) else { continue }
            m.rejectUnknown(Self.pointKeys)
            let board = m.requiredString("board", fix: "name the board it hangs under, or `grid`")
            let driver = m.requiredString("driver", fix: "name the charger's profile, e.g. `driver: alfen-eve` (see `kwartier device list`)")
            let transport = driver == "ocpp" ? parseOCPPLink(m)
                : (driver == "zaptec" || driver == "easee") ? parseCloudLink(m, vendor: driver!) : parseTransport(m)
            if driver != "zaptec" && driver != "easee", m.has("cloud") {
                m.ctx.error(m.lineOf("cloud"), m.keyPath("cloud"), "`cloud:` belongs to a charge point with `driver: zaptec` or `driver: easee`",
                            fix: "write the cloud driver, or remove the `cloud:` block")
            }
            if driver != "ocpp", m.has("ocpp") {
                m.ctx.error(m.lineOf("ocpp"), m.keyPath("ocpp"), "`ocpp:` belongs to a charge point with `driver: ocpp`",
                            fix: "write `driver: ocpp`, or remove the `ocpp:` block")
            }
            var map = PhaseMap.standard
            if let name = m.string("phases") {
                if let pm = PhaseMap(name: name) { map = pm } else {
                    let hint = nearest(name, in: PhaseMap.validNames).map { "did you mean '\($0)'? " } ?? ""
                    m.ctx.error(m.lineOf("phases"), m.keyPath("phases"), "'\(name)' is not a phase map",
                                fix: "\(hint)use L1L2L3, L2L3L1 or L3L1L2 (3-phase), L1, L2 or L3 (1-phase)\(network == .IT ? ", L1L2, L2L3 or L3L1 (1-phase on IT)" : "")")
                }
            }
            let chargerPhases = m.int("charger_phases", min: 1, max: 3)
            if let cp = chargerPhases, cp == 2 {
                m.ctx.error(m.lineOf("charger_phases"), m.keyPath("charger_phases"), "a charger has 1 or 3 phases",
                            fix: "write 1 or 3 (a 2-phase car on a 3-phase charger is learned by itself)")
            }
            checkPhaseMapForNetwork(m, map: map, chargerPhases: chargerPhases, network: network)
            let minA = m.double("min_a", unit: "A", min: 6, max: 80,
                                minFix: "set min_a to 6 or more (IEC 61851: no car charges below 6 A)") ?? 6
            let maxA = m.double("max_a", unit: "A", min: 6, max: 80) ?? 16
            if maxA < minA {
                m.ctx.error(m.lineOf("max_a"), m.keyPath("max_a"), "max_a \(TextFormat.plain(maxA)) A is below min_a \(TextFormat.plain(minA)) A",
                            fix: "raise max_a to at least \(TextFormat.plain(minA)) A")
            }
            let safeA = m.double("safe_a", unit: "A", min: 0, max: 80) ?? minA
            if safeA > maxA {
                m.ctx.error(m.lineOf("safe_a"), m.keyPath("safe_a"), "safe_a \(TextFormat.plain(safeA)) A is above max_a \(TextFormat.plain(maxA)) A",
                            fix: "set safe_a between 0 and \(TextFormat.plain(maxA)) A (the charger applies it when it loses the hub)")
            }
            let manual = m.double("manual_a", unit: "A", min: 0, max: 80)
            let prio = m.int("priority", min: -100, max: 100) ?? 0
            let mode = m.oneOf("mode", ChargeMode.allCases.map { ($0.rawValue, $0) }) ?? .auto
            guard let b = board, let d = driver, let t = transport else { continue }
            var cp = ChargePointConfig(id: e.key, name: m.string("name"), board: b, driver: d, transport: t,
                                       phases: map, minA: minA, maxA: maxA, safeA: safeA, priority: prio,
                                       mode: mode, manualA: manual, line: e.line)
            cp.phaseSwitching = m.bool("phase_switching") ?? false
            cp.rampS = m.double("ramp_s", unit: "s", min: 0, max: 120) ?? ChargePointConfig.defaultRampS
            out.append(cp)
        }
        return out
    }

    /// IT networks have no neutral: a 1-phase charger sits between two lines.
    func checkPhaseMapForNetwork(_ m: YAMLMap, map: PhaseMap, chargerPhases: Int?, network: NetworkType) {
        let line = m.lineOf("phases")
        if network == .IT {
            if map.terminals.count == 1 {
                m.ctx.error(line, m.keyPath("phases"), "\(map) needs a neutral, and an IT network has none",
                            fix: "a 1-phase charger on IT is wired between two lines: write L1L2, L2L3 or L3L1")
            } else if chargerPhases == 1 && map.terminals.count == 3 {
                m.ctx.error(line, m.keyPath("phases"), "a 1-phase charger on an IT network given as \(map)",
                            fix: "name the two lines it is wired between: L1L2, L2L3 or L3L1")
            }
        } else {
            if map.lineToLine {
                m.ctx.error(line, m.keyPath("phases"), "\(map) is a line-to-line wiring, only used on IT networks",
                            fix: "on a \(network.rawValue) network a 1-phase charger uses one line and neutral: write L1, L2 or L3")
            } else if chargerPhases == 1 && map.terminals.count == 3 && map != .standard {
                m.ctx.error(line, m.keyPath("phases"), "a 1-phase charger given the 3-phase rotation \(map)",
                            fix: "give the line it is wired to: L1, L2 or L3")
            }
        }
    }
}
