import Foundation

extension ConfigLoader {
    static let sgKeys = ["type", "outputs", "states", "comfort_above_kw", "boost_above_kw", "power_kw",
                         "preset", "order", "hysteresis_kw", "shave_peak", "safe_state"]
    static let switchKeys = ["type", "output", "on_above_kw", "power_kw", "hysteresis_kw", "min_on_s", "min_off_s",
                             "timer", "timers", "order", "safe_state"]

    func parseRelays(_ all: YAMLMap) -> [RelayConfig] {
        var out: [RelayConfig] = []
        for e in all.entries {
            guard let m = YAMLMap(e.value, path: all.keyPath(e.key), ctx: all.ctx) else { continue }
            guard m.has("type") else { m.missing("type", fix: "write `type: sg-ready` or `type: switch`"); continue }
            guard let type = m.oneOf("type", [("sg-ready", "sg"), ("switch", "switch")]) else { continue }
            let order = m.oneOf("order", [("before-cars", SurplusOrder.beforeCars), ("after-cars", SurplusOrder.afterCars)]) ?? .afterCars
            if type == "sg" {
                if let c = parseSGReady(m, order: order) { out.append(RelayConfig(id: e.key, kind: .sgReady(c), line: e.line)) }
            } else {
                if let c = parseSwitch(m, order: order) { out.append(RelayConfig(id: e.key, kind: .switched(c), line: e.line)) }
            }
        }
        return out
    }

    func parseSGReady(_ m: YAMLMap, order: SurplusOrder) -> SGReadyConfig? {
        m.rejectUnknown(Self.sgKeys)
        let outputs = m.stringList("outputs") ?? []
        if outputs.count != 2 {
            m.ctx.error(m.lineOf("outputs"), m.keyPath("outputs"), "an SG-Ready pump needs exactly two outputs (SG0, SG1)",
                        fix: "write `outputs: [relay1, relay2]` (relay 1 = SG0, relay 2 = SG1)")
        }
        var states: [SGState] = [.off, .normal, .comfort, .boost]
        if let names = m.stringList("states") {
            states = []
            for n in names {
                if let s = SGState(rawValue: n.lowercased()) { if !states.contains(s) { states.append(s) } } else {
                    m.ctx.error(m.lineOf("states"), m.keyPath("states"), "'\(n)' is not an SG-Ready state",
                                fix: "use off, normal, comfort, boost")
                }
            }
            if !states.contains(.normal) {
                m.ctx.error(m.lineOf("states"), m.keyPath("states"), "every SG-Ready pump supports normal",
                            fix: "add normal to the list")
            } else if states.count == 1 {
                m.ctx.warning(m.lineOf("states"), m.keyPath("states"), "with only normal the relays never switch",
                              fix: "list the states the pump supports, e.g. [off, normal, comfort, boost]")
            }
        }
        var power: [String: Double] = [:]
        if let p = m.map("power_kw") {
            p.rejectUnknown(SGState.allCases.map(\.rawValue))
            for s in SGState.allCases { if let v = p.double(s.rawValue, unit: "kW", min: 0, max: 100) { power[s.rawValue] = v } }
        }
        for s in [SGState.comfort, .boost] where states.contains(s) && power[s.rawValue] == nil {
            m.ctx.warning(m.lineOf("power_kw"), m.keyPath("power_kw.\(s.rawValue)"),
                          "no power given for \(s.rawValue): it counts as 0 kW in the energy budget",
                          fix: "give the pump's power in that state, e.g. `power_kw: { normal: 1.2, comfort: 2.0, boost: 3.5 }`")
        }
        let comfort = m.double("comfort_above_kw", unit: "kW", min: 0, max: 1000) ?? 1.5
        let boost = m.double("boost_above_kw", unit: "kW", min: 0, max: 1000) ?? 3.0
        if boost < comfort {
            m.ctx.error(m.lineOf("boost_above_kw"), m.keyPath("boost_above_kw"),
                        "boost threshold \(TextFormat.plain(boost)) kW is below the comfort threshold \(TextFormat.plain(comfort)) kW",
                        fix: "set boost_above_kw above comfort_above_kw")
        }
        let preset = m.oneOf("preset", SGPreset.allCases.map { ($0.rawValue, $0) }) ?? .chargingHub
        var c = SGReadyConfig(outputs: outputs, states: states, comfortAboveKW: comfort, boostAboveKW: boost,
                              powerKW: power, preset: preset, order: order)
        if let h = m.double("hysteresis_kw", unit: "kW", min: 0, max: 100) { c.hysteresisKW = h }
        if let v = m.bool("shave_peak") { c.shavePeak = v }
        if let s = m.oneOf("safe_state", SGState.allCases.map { ($0.rawValue, $0) }) {
            if s == .normal || states.contains(s) { c.safeState = s } else {
                m.ctx.error(m.lineOf("safe_state"), m.keyPath("safe_state"), "the pump does not support \(s.rawValue)",
                            fix: "use normal (both contacts open, also what a relay module without power gives)")
            }
        }
        return c
    }

    func parseSwitch(_ m: YAMLMap, order: SurplusOrder) -> SwitchConfig? {
        m.rejectUnknown(Self.switchKeys)
        guard let output = m.requiredString("output", fix: "name the output under `outputs:`, e.g. `output: relay3`") else { return nil }
        let onAbove = m.double("on_above_kw", unit: "kW", min: 0, max: 1000)
        let power = m.double("power_kw", unit: "kW", min: 0, max: 1000)
        let timers = (m.stringList("timer") ?? []) + (m.stringList("timers") ?? [])
        for t in timers where TimeWindow(parse: t) == nil {
            let key = m.has("timer") ? "timer" : "timers"
            m.ctx.error(m.lineOf(key), m.keyPath(key), "'\(t)' is not a time window",
                        fix: "write HH:MM-HH:MM, e.g. \"02:00-05:00\" (across midnight: \"22:00-06:00\")")
        }
        if onAbove == nil && power == nil && timers.isEmpty && !m.has("on_above_kw") && !m.has("power_kw") {
            m.missing("on_above_kw", fix: "give the export above which the device switches on (its power), e.g. `on_above_kw: 2.5`, or a `timer:`")
            return nil
        }
        let on = onAbove ?? power ?? 0
        var c = SwitchConfig(output: output, onAboveKW: on, powerKW: power ?? on)
        c.surplusSwitching = onAbove != nil || power != nil
        if let h = m.double("hysteresis_kw", unit: "kW", min: 0, max: 100) { c.hysteresisKW = h }
        c.minOnS = m.double("min_on_s", unit: "s", min: 0, max: 86_400) ?? 0
        c.minOffS = m.double("min_off_s", unit: "s", min: 0, max: 86_400) ?? 0
        c.timers = timers
        c.order = order
        if let s = m.oneOf("safe_state", [("off", false), ("on", true)]) { c.safeOn = s }
        return c
    }

    /// A relay or DI module's address: `tcp: HOST:PORT` + `unit:`, `rtu: {…}`, or the short
    /// RTU form `bus:` + `address:` (+ `baud`, `parity`, `stop_bits`) of SPEC §5.
    func parseModuleTransport(_ c: YAMLMap) -> Transport? {
        if c.has("tcp") || c.has("rtu") { return parseTransport(c) }
        guard let bus = c.requiredString("bus", fix: "name the RS485 bus (or give `tcp: HOST:PORT`)") else { return nil }
        var serial = SerialSettings(baud: 9600)
        if let b = c.int("baud") {
            if Self.bauds.contains(b) { serial.baud = b } else {
                c.ctx.error(c.lineOf("baud"), c.keyPath("baud"), "\(b) is not a standard baud rate",
                            fix: "use one of \(Self.bauds.map(String.init).joined(separator: ", "))")
            }
        }
        if let p = c.oneOf("parity", [("N", Parity.none), ("E", Parity.even), ("O", Parity.odd)]) { serial.parity = p }
        if let s = c.int("stop_bits", min: 1, max: 2) { serial.stopBits = s }
        guard c.has("address") else { c.missing("address", fix: "give the module's slave id"); return nil }
        guard let a = c.int("address", min: 1, max: 247) else { return nil }
        return .rtu(bus: bus, address: a, serial: serial)
    }

    func parseOutputs(_ all: YAMLMap) -> [OutputConfig] {
        var out: [OutputConfig] = []
        for e in all.entries {
            guard let m = YAMLMap(e.value, path: all.keyPath(e.key), ctx: all.ctx) else { continue }
            m.rejectUnknown(["modbus_coil", "command", "gpio", "simulated"])
            if let c = m.map("modbus_coil") {
                c.rejectUnknown(["bus", "address", "coil", "tcp", "unit", "rtu", "baud", "parity", "stop_bits"])
                let coil = c.int("coil", min: 0, max: 65535) ?? 0
                if let t = parseModuleTransport(c) { out.append(OutputConfig(id: e.key, kind: .modbusCoil(transport: t, coil: coil), line: e.line)) }
            } else if let cmd = m.string("command") {
                if cmd.trimmingCharacters(in: .whitespaces).isEmpty {
                    m.ctx.error(m.lineOf("command"), m.keyPath("command"), "the command is empty",
                                fix: "give the program to run with on/off, e.g. `command: /usr/local/bin/boiler`")
                } else {
                    out.append(OutputConfig(id: e.key, kind: .command(path: cmd), line: e.line))
                }
            } else if let g = m.map("gpio") {
                g.rejectUnknown(["chip", "line"])
                m.ctx.error(m.lineOf("gpio"), m.keyPath("gpio"), "gpio outputs are not supported in this build",
                            fix: "drive the relay through a Modbus relay module (`modbus_coil`) or a `command`; see docs/RELAYS.md")
            } else if m.bool("simulated") == true {
                out.append(OutputConfig(id: e.key, kind: .simulated, line: e.line))
            } else {
                m.ctx.error(m.line, m.path, "no output kind given", fix: "use modbus_coil, command, gpio or simulated: true")
            }
        }
        return out
    }

    func parsePulseInputs(_ all: YAMLMap) -> [PulseInputConfig] {
        var out: [PulseInputConfig] = []
        for e in all.entries {
            guard let m = YAMLMap(e.value, path: all.keyPath(e.key), ctx: all.ctx) else { continue }
            m.rejectUnknown(["modbus_counter", "gpio", "simulated", "pulses_per_kwh", "measures", "zero_after_s"])
            guard m.has("pulses_per_kwh") else { m.missing("pulses_per_kwh", fix: "give the meter's pulses per kWh, e.g. 1000"); continue }
            guard let ppk = m.double("pulses_per_kwh", min: 1, max: 100_000) else { continue }
            var src: PulseSource?
            var words = 2, function = "input"
            if let c = m.map("modbus_counter") {
                c.rejectUnknown(["tcp", "unit", "rtu", "bus", "address", "baud", "parity", "stop_bits", "register", "words", "function"])
                if let w = c.int("words", min: 1, max: 2) { words = w }
                if let f = c.oneOf("function", [("input", "input"), ("holding", "holding")]) { function = f }
                if !c.has("register") { c.missing("register", fix: "give the counter's register address, e.g. `register: 0`") }
                if let t = parseModuleTransport(c), let r = c.int("register", min: 0, max: 65535) {
                    src = .modbusCounter(transport: t, register: r)
                }
            } else if let g = m.map("gpio") {
                g.rejectUnknown(["chip", "line"])
                m.ctx.error(m.lineOf("gpio"), m.keyPath("gpio"), "gpio pulse inputs are not supported in this build",
                            fix: "count the pulses on a Modbus DI module (`modbus_counter`); see docs/RELAYS.md")
                continue
            } else if m.bool("simulated") == true { src = .simulated }
            else { m.ctx.error(m.line, m.path, "no pulse source given", fix: "use modbus_counter or simulated: true") }
            let measures = m.oneOf("measures", [("consumption", "consumption"), ("production", "production")]) ?? "consumption"
            guard let s = src else { continue }
            var p = PulseInputConfig(id: e.key, source: s, pulsesPerKWh: ppk, measures: measures, line: e.line)
            if let z = m.double("zero_after_s", unit: "s", min: 1, max: 86_400) { p.zeroAfterS = z }
            p.counterWords = words
            p.counterFunction = function
            out.append(p)
        }
        return out
    }
}
