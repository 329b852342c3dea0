import Foundation
import Yams

/// Parses and validates `kwartier.yaml` text into a `SiteConfig`.
///
/// Pure: the caller reads the file. Every problem is collected with its line, key and fix;
/// `load` throws `ConfigErrors` when any is an error (warnings are returned with the config).
public struct ConfigLoader {
    /// Driver names the profiles provide; an unknown one is an error. Empty = not checked.
    public var knownDrivers: Set<String>
    public init(knownDrivers: Set<String> = []) { self.knownDrivers = knownDrivers }

    static let topKeys = ["site", "grid", "meters", "buses", "boards", "chargepoints", "inverters",
                          "relays", "outputs", "pulse_inputs", "alerts", "ui", "ocpp", "mqtt", "energy"]

    public func load(yaml text: String, file: String) throws -> (SiteConfig, [ConfigProblem]) {
        let ctx = ConfigContext(file: file)
        let root: Node
        do {
            // Every value is read as its text (YAMLMap/PNode type it themselves): the basic resolver
            // spares Yams' tag regexes, which would load ICU's regex engine into every run.
            guard let r = try Yams.compose(yaml: text, .basic) else {
                throw ConfigErrors(problems: [ConfigProblem(file: file, line: 0, key: "(file)",
                    message: "the file is empty", fix: "start from the example in README.md (section Configuration)")])
            }
            root = r
        } catch let e as ConfigErrors {
            throw e
        } catch {
            throw ConfigErrors(problems: [Self.yamlSyntaxProblem(error, file: file)])
        }
        guard let top = YAMLMap(root, path: "", ctx: ctx) else { throw ConfigErrors(problems: ctx.problems) }
        checkDuplicateKeys(root, path: "", ctx: ctx)
        top.rejectUnknown(Self.topKeys)

        var grid = LevelConfig(id: "grid", parent: nil, limitA: 0, meter: .virtual)
        var haveGrid = false
        if let g = top.map("grid") {
            if let lvl = parseLevel(g, id: "grid", isGrid: true) { grid = lvl; haveGrid = true }
        } else if top.node("grid") == nil {
            top.missing("grid", fix: "add a `grid:` section with at least `fuse_a:` and `meter:`")
        }
        var config = SiteConfig(grid: grid)
        config.file = file
        if let s = top.map("site") { config.site = parseSite(s) }
        if let m = top.map("meters") { config.meters = parseMeters(m) }
        if let b = top.map("buses") { config.buses = parseBuses(b) }
        if let b = top.map("boards") {
            config.boards = b.entries.compactMap { e in
                YAMLMap(e.value, path: b.keyPath(e.key), ctx: ctx).flatMap { parseLevel($0, id: e.key, isGrid: false) }
            }
        }
        if let o = top.map("ocpp") { config.ocpp = parseOCPPServer(o) }
        if let c = top.map("chargepoints") {
            config.chargepoints = parseChargePoints(c, network: config.site.network)
            let n = config.chargepoints.count
            if n > SiteSettings.measuredPoints {
                ctx.warning(top.lineOf("chargepoints"), "chargepoints",
                            "\(n) charge points are more than the \(SiteSettings.measuredPoints) the reference hub is measured with",
                            fix: "check the hub's CPU and the setpoint latency with that many points (make bench), or split the site over two hubs")
            }
        }
        if let i = top.map("inverters") { config.inverters = parseInverters(i) }
        if let r = top.map("relays") { config.relays = parseRelays(r) }
        if let o = top.map("outputs") { config.outputs = parseOutputs(o) }
        if let p = top.map("pulse_inputs") { config.pulseInputs = parsePulseInputs(p) }
        if let a = top.map("alerts") { config.alerts = parseAlerts(a) }
        if let u = top.map("ui") { config.ui = parseUI(u) }
        if let q = top.map("mqtt") {
            config.mqtt = parseMQTT(q, siteName: config.site.name)
            // In a fleet `topic` is the root every hub shares; each hub's own topics are below it.
            if config.inFleet { config.mqtt?.joinFleet(root: q.string("topic") ?? MQTTConfig.defaultFleetRoot) }
        }
        if let e = top.map("energy") { config.energy = parseEnergy(e, inverters: config.inverters.map(\.id), relays: config.relays) }

        if haveGrid {
            ConfigValidator(config: config, ctx: ctx, knownDrivers: knownDrivers).validate()
        }
        let problems = ctx.problems.sorted { ($0.line, $0.key) < ($1.line, $1.key) }
        if problems.contains(where: { $0.severity == .error }) { throw ConfigErrors(problems: problems) }
        return (config, problems)
    }

    static func yamlSyntaxProblem(_ error: Error, file: String) -> ConfigProblem {
        var line = 0
        if let y = error as? YamlError {
            switch y {
            case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
                line = mark.line
            default: break
            }
        }
        let text = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
        return ConfigProblem(file: file, line: line, key: "(syntax)", message: "not valid YAML: \(text)",
                             fix: "check the indentation (spaces, not tabs) and the `key: value` form on that line")
    }

    /// libyaml accepts a key twice in one mapping; a configuration must not.
    func checkDuplicateKeys(_ node: Node, path: String, ctx: ConfigContext) {
        switch node {
        case .mapping(let m):
            var seen: [String: Int] = [:]
            for (k, v) in m {
                let key = k.string ?? ""
                let line = k.mark?.line ?? 0
                let p = path.isEmpty ? key : "\(path).\(key)"
                if let first = seen[key] {
                    ctx.error(line, p, "duplicate id '\(key)' (first defined on line \(first))",
                              fix: "give each entry its own id, or merge the two")
                } else {
                    seen[key] = line
                }
                checkDuplicateKeys(v, path: p, ctx: ctx)
            }
        case .sequence(let s):
            for item in s { checkDuplicateKeys(item, path: path, ctx: ctx) }
        default: break
        }
    }

    // MARK: site, grid, boards

    static let siteKeys = ["name", "network", "voltage", "slider_kw", "data_dir", "control_socket", "max_tcp_connections",
                           "start_buffer_a", "min_run_time_s", "min_pause_s", "phase_switch_dwell_s",
                           "follow_month_peak", "time_zone"]

    func parseSite(_ m: YAMLMap) -> SiteSettings {
        m.rejectUnknown(Self.siteKeys)
        var s = SiteSettings()
        if let v = m.string("name") { s.name = v }
        if let v = m.oneOf("network", NetworkType.allCases.map { ($0.rawValue, $0) }) { s.network = v }
        if let v = m.double("voltage", unit: "V", min: 100, max: 400) { s.voltage = v }
        if let v = m.double("slider_kw", unit: "kW", min: 0.5, max: 10_000) {
            s.sliderKW = v
            if v < 2.5 {
                m.ctx.warning(m.lineOf("slider_kw"), m.keyPath("slider_kw"),
                              "\(TextFormat.plain(v)) kW is below the 2.5 kW that Flanders bills at least",
                              fix: "a slider under 2.5 kW saves nothing on the capacity tariff; 2.5 is a sensible floor")
            }
        }
        if let v = m.string("data_dir") { s.dataDir = v }
        if let v = m.string("control_socket") {
            if v.utf8.count > 107 {
                m.ctx.error(m.lineOf("control_socket"), m.keyPath("control_socket"), "\(v.utf8.count) bytes is too long for a Unix socket path (107 at most)",
                            fix: "use a shorter path, e.g. /run/kwartier/kwartier.sock")
            } else if v.isEmpty {
                m.ctx.error(m.lineOf("control_socket"), m.keyPath("control_socket"), "the control socket path is empty",
                            fix: "leave control_socket out for <data_dir>/kwartier.sock")
            } else { s.controlSocket = v }
        }
        if let v = m.int("max_tcp_connections", min: 1, max: 247) {
            s.maxTCPConnections = v
            if v > SiteSettings.measuredTCPConnections {
                m.ctx.warning(m.lineOf("max_tcp_connections"), m.keyPath("max_tcp_connections"),
                              "\(v) is above the \(SiteSettings.measuredTCPConnections) Modbus TCP connections the reference hub is measured with",
                              fix: "check the hub's CPU and the setpoint latency with that many devices (make bench), or use RTU buses and gateways")
            }
        }
        if let v = m.double("start_buffer_a", unit: "A", min: 0, max: 10) { s.startBufferA = v }
        if let v = m.double("min_run_time_s", unit: "s", min: 0, max: 86_400) { s.minRunTimeS = v }
        if let v = m.double("min_pause_s", unit: "s", min: 0, max: 86_400) { s.minPauseS = v }
        if let v = m.double("phase_switch_dwell_s", unit: "s", min: 30, max: 86_400) { s.phaseSwitchDwellS = v }
        if let v = m.bool("follow_month_peak") { s.followMonthPeak = v }
        if let v = m.string("time_zone") {
            if TimeZone(identifier: v) == nil {
                m.ctx.error(m.lineOf("time_zone"), m.keyPath("time_zone"), "unknown time zone '\(v)'",
                            fix: "use an IANA name such as Europe/Brussels")
            } else { s.timeZone = v }
        }
        return s
    }

    static let gridKeys = ["fuse_a", "limit_a", "margin_a", "meter", "unmanaged_kw", "consumers", "remote"]
    static let boardKeys = ["parent", "fuse_a", "limit_a", "margin_a", "meter", "unmanaged_kw", "consumers", "remote"]

    func parseLevel(_ m: YAMLMap, id: String, isGrid: Bool) -> LevelConfig? {
        m.rejectUnknown(isGrid ? Self.gridKeys : Self.boardKeys)
        var parent: String? = nil
        if !isGrid {
            parent = m.requiredString("parent", fix: "name the board it hangs under, or `grid`")
            if parent == nil { return nil }
        }
        let negFix = "a per-phase limit is a positive current in amperes"
        let fuse = m.double("fuse_a", unit: "A", min: 1, max: 4000, minFix: negFix)
        let limit = m.double("limit_a", unit: "A", min: 1, max: 4000, minFix: negFix)
        guard fuse != nil || limit != nil else {
            if !m.has("fuse_a") && !m.has("limit_a") {
                m.missing(isGrid ? "fuse_a" : "limit_a",
                          fix: isGrid ? "give the main fuse per phase, e.g. `fuse_a: 40`"
                                      : "give the board's per-phase limit, e.g. `limit_a: 32`")
            }
            return nil
        }
        if let f = fuse, let l = limit, l > f {
            m.ctx.error(m.lineOf("limit_a"), m.keyPath("limit_a"),
                        "limit \(TextFormat.plain(l)) A is above the fuse of \(TextFormat.plain(f)) A",
                        fix: "set limit_a to \(TextFormat.plain(f)) A or less (the limit may only be lower than the fuse)")
        }
        let margin = m.double("margin_a", unit: "A", min: 0, max: 100) ?? 0
        var meter = LevelMeter.virtual
        let remote = m.map("remote").map(parseRemote)
        if let name = m.string("meter") {
            meter = name == "virtual" ? .virtual : name == "remote" ? .remote : .device(name)
        } else if !m.has("meter") {
            if remote?.hub != nil {
                meter = .remote     // a child hub's board: its draw comes from the child
            } else if isGrid {
                m.missing("meter", fix: "name the main meter, e.g. `meter: p1` (defined under `meters:`)")
            }
        }
        var unmanaged = m.double("unmanaged_kw", unit: "kW", min: 0, max: 100_000)
        if m.has("consumers") {
            let list = m.stringList("consumers") ?? []
            if !list.isEmpty && unmanaged == nil { unmanaged = 0 }
        }
        let effective = Swift.min(limit ?? .infinity, fuse ?? .infinity)
        return LevelConfig(id: id, parent: parent, fuseA: fuse, limitA: effective, marginA: margin,
                           meter: meter, unmanagedKW: unmanaged, remote: remote, line: m.line)
    }

    /// `remote: { hub: NAME | parent: NAME, validity_s: S }` (checked against the level by the validator).
    func parseRemote(_ m: YAMLMap) -> RemoteLink {
        m.rejectUnknown(["hub", "parent", "validity_s"])
        var r = RemoteLink(hub: m.string("hub"), parent: m.string("parent"))
        for (key, name) in [("hub", r.hub), ("parent", r.parent)] {
            if let n = name, n.isEmpty || n.utf8.count > 64 || !n.allSatisfy(Self.topicWordCharacter) {
                m.ctx.error(m.lineOf(key), m.keyPath(key), "'\(n)' cannot be a hub's name on the broker",
                            fix: "use the other hub's `mqtt.client_id`: 1-64 letters, digits, '-' or '_'")
            }
        }
        if let v = m.double("validity_s", unit: "s", min: 1, max: 600) { r.validityS = v }
        return r
    }

    // MARK: alerts, ui

    func parseAlerts(_ m: YAMLMap) -> AlertConfig {
        m.rejectUnknown(["consumption_above_kw", "production_above_kw", "forecast_peak_above_kw", "hysteresis_kw", "hook"])
        var a = AlertConfig()
        a.consumptionAboveKW = m.double("consumption_above_kw", unit: "kW", min: 0)
        a.productionAboveKW = m.double("production_above_kw", unit: "kW", min: 0)
        a.forecastPeakAboveKW = m.double("forecast_peak_above_kw", unit: "kW", min: 0)
        if let h = m.double("hysteresis_kw", unit: "kW", min: 0, max: 100) { a.hysteresisKW = h }
        a.hook = m.string("hook")
        return a
    }

    func parseUI(_ m: YAMLMap) -> UIConfig {
        m.rejectUnknown(["theme", "refresh_hz", "ascii"])
        var u = UIConfig()
        if let t = m.string("theme") { u.theme = t }
        if let r = m.double("refresh_hz", unit: "Hz", min: 0.1, max: 20) { u.refreshHz = r }
        if let a = m.bool("ascii") { u.ascii = a }
        return u
    }
}
