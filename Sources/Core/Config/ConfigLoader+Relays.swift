import Foundation

extension ConfigLoader {
    func parseRelays(_ all: YAMLMap) -> [RelayConfig] {
        var out: [RelayConfig] = []
        for e in all.entries {
            guard let m = YAMLMap(e.value, path: all.keyPath(e.key), ctx: all.ctx) else { continue }
            guard m.has("type") else { m.missing("type", fix: "write `type: sg-ready` or `type: switch`"); continue }
            guard let type = m.oneOf("type", [("sg-ready", "sg"), ("switch", "switch")]) else { continue }
            let order = m.oneOf("order", [("before-cars", SurplusOrder.beforeCars), ("after-cars", SurplusOrder.afterCars)]) ?? .afterCars
            if type == "sg" {
                m.rejectUnknown(["type", "outputs", "states", "comfort_above_kw", "boost_above_kw", "power_kw",
                                 "preset", "order", "hysteresis_kw"])
                let outputs = m.stringList("outputs") ?? []
                if outputs.count != 2 {
                    m.ctx.error(m.lineOf("outputs"), m.keyPath("outputs"), "an SG-Ready pump needs exactly two outputs (SG0, SG1)",
                                fix: "write `outputs: [relay1, relay2]` (relay 1 = SG0, relay 2 = SG1)")
                }
                var states: [SGState] = [.off, .normal, .comfort, .boost]
                if let names = m.stringList("states") {
                    states = []
                    for n in names {
                        if let s = SGState(rawValue: n.lowercased()) { states.append(s) } else {
                            m.ctx.error(m.lineOf("states"), m.keyPath("states"), "'\(n)' is not an SG-Ready state",
                                        fix: "use off, normal, comfort, boost")
                        }
                    }
                    if !states.contains(.normal) {
                        m.ctx.error(m.lineOf("states"), m.keyPath("states"), "every SG-Ready pump supports normal",
                                    fix: "add normal to the list")
                    }
                }
                var power: [String: Double] = [:]
                if let p = m.map("power_kw") {
                    p.rejectUnknown(SGState.allCases.map(\.rawValue))
                    for s in SGState.allCases { if let v = p.double(s.rawValue, unit: "kW", min: 0, max: 100) { power[s.rawValue] = v } }
                }
                let comfort = m.double("comfort_above_kw", unit: "kW", min: 0, max: 1000) ?? 1.5
                let boost = m.double("boost_above_kw", unit: "kW", min: 0, max: 1000) ?? 3.0
                if boost < comfort {
                    m.ctx.error(m.lineOf("boost_above_kw"), m.keyPath("boost_above_kw"),
                                "boost threshold \(formatNumber(boost)) kW is below the comfort threshold \(formatNumber(comfort)) kW",
                                fix: "set boost_above_kw above comfort_above_kw")
                }
                let preset = m.oneOf("preset", SGPreset.allCases.map { ($0.rawValue, $0) }) ?? .chargingHub
                var c = SGReadyConfig(outputs: outputs, states: states, comfortAboveKW: comfort, boostAboveKW: boost,
                                      powerKW: power, preset: preset, order: order)
                if let h = m.double("hysteresis_kw", unit: "kW", min: 0, max: 100) { c.hysteresisKW = h }
                out.append(RelayConfig(id: e.key, kind: .sgReady(c), line: e.line))
            } else {
                m.rejectUnknown(["type", "output", "on_above_kw", "power_kw", "hysteresis_kw", "min_on_s", "min_off_s",
                                 "timer", "timers", "order"])
                guard let output = m.requiredString("output", fix: "name the output under `outputs:`, e.g. `output: relay3`") else { continue }
                let on = m.double("on_above_kw", unit: "kW", min: 0, max: 1000) ?? 1
                var c = SwitchConfig(output: output, onAboveKW: on, powerKW: m.double("power_kw", unit: "kW", min: 0, max: 1000) ?? on)
                if let h = m.double("hysteresis_kw", unit: "kW", min: 0, max: 100) { c.hysteresisKW = h }
                c.minOnS = m.double("min_on_s", unit: "s", min: 0, max: 86_400) ?? 0
                c.minOffS = m.double("min_off_s", unit: "s", min: 0, max: 86_400) ?? 0
                c.timers = (m.stringList("timer") ?? []) + (m.stringList("timers") ?? [])
                for t in c.timers where TimeWindow(parse: t) == nil {
                    m.ctx.error(m.lineOf(m.has("timer") ? "timer" : "timers"), m.keyPath("timer"), "'\(t)' is not a time window",
                                fix: "write HH:MM-HH:MM, e.g. \"02:00-05:00\" (across midnight: \"22:00-06:00\")")
                }
                c.order = order
                out.append(RelayConfig(id: e.key, kind: .switched(c), line: e.line))
            }
        }
        return out
    }

    func parseOutputs(_ all: YAMLMap) -> [OutputConfig] {
        var out: [OutputConfig] = []
        for e in all.entries {
            guard let m = YAMLMap(e.value, path: all.keyPath(e.key), ctx: all.ctx) else { continue }
            m.rejectUnknown(["modbus_coil", "command", "gpio", "simulated"])
            if let c = m.map("modbus_coil") {
                c.rejectUnknown(["bus", "address", "coil", "tcp", "unit", "baud", "parity", "stop_bits"])
                var t: Transport?
                if c.has("tcp") { t = parseTransport(c) } else if let bus = c.requiredString("bus", fix: "name the RS485 bus") {
                    var serial = SerialSettings(baud: 9600)
                    if let b = c.int("baud") { serial.baud = b }
                    if let p = c.oneOf("parity", [("N", Parity.none), ("E", Parity.even), ("O", Parity.odd)]) { serial.parity = p }
                    if let s = c.int("stop_bits", min: 1, max: 2) { serial.stopBits = s }
                    if let a = c.int("address", min: 1, max: 247) { t = .rtu(bus: bus, address: a, serial: serial) }
                    else if !c.has("address") { c.missing("address", fix: "give the relay module's slave id") }
                }
                let coil = c.int("coil", min: 0, max: 65535) ?? 0
                if let t = t { out.append(OutputConfig(id: e.key, kind: .modbusCoil(transport: t, coil: coil), line: e.line)) }
            } else if let cmd = m.string("command") {
                out.append(OutputConfig(id: e.key, kind: .command(path: cmd), line: e.line))
            } else if let g = m.map("gpio") {
                g.rejectUnknown(["chip", "line"])
                let chip = g.string("chip") ?? "/dev/gpiochip0"
                if let l = g.int("line", min: 0, max: 1023) { out.append(OutputConfig(id: e.key, kind: .gpio(chip: chip, line: l), line: e.line)) }
                else if !g.has("line") { g.missing("line", fix: "give the GPIO line offset") }
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
            m.rejectUnknown(["modbus_counter", "gpio", "simulated", "pulses_per_kwh", "measures"])
            guard m.has("pulses_per_kwh") else { m.missing("pulses_per_kwh", fix: "give the meter's pulses per kWh, e.g. 1000"); continue }
            guard let ppk = m.double("pulses_per_kwh", min: 1, max: 100_000) else { continue }
            var src: PulseSource?
            if let c = m.map("modbus_counter") {
                c.rejectUnknown(["tcp", "unit", "rtu", "register"])
                if let t = parseTransport(c) { src = .modbusCounter(transport: t, register: c.int("register", min: 0, max: 65535) ?? 0) }
            } else if let g = m.map("gpio") {
                g.rejectUnknown(["chip", "line"])
                src = .gpio(chip: g.string("chip") ?? "/dev/gpiochip0", line: g.int("line", min: 0, max: 1023) ?? 0)
            } else if m.bool("simulated") == true { src = .simulated }
            else { m.ctx.error(m.line, m.path, "no pulse source given", fix: "use modbus_counter, gpio or simulated: true") }
            let measures = m.oneOf("measures", [("consumption", "consumption"), ("production", "production")]) ?? "consumption"
            if let s = src { out.append(PulseInputConfig(id: e.key, source: s, pulsesPerKWh: ppk, measures: measures, line: e.line)) }
        }
        return out
    }
}
