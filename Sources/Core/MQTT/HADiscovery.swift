import Foundation

/// Home Assistant's MQTT device discovery for one hub: one retained config per device
/// (`<prefix>/device/<node id>/config`) listing its components, the site and each charge point
/// as devices. Every entity is available while `<root>/status` says online (the hub's last will
/// says offline). Pure: the MQTT link publishes these and keeps a record of the node ids, so that
/// a point removed from the configuration gets an empty config (Home Assistant removes it).
public struct HADiscovery: Sendable {
    public struct Device: Sendable, Equatable {
        /// `<prefix>/device/<nodeID>/config`.
        public var nodeID: String
        public var topic: String
        /// JSON, keys sorted (the same configuration gives the same bytes).
        public var payload: String
    }

    public let config: SiteConfig
    public let mqtt: MQTTConfig
    public let version: String

    public init(config: SiteConfig, mqtt: MQTTConfig, version: String) {
        self.config = config; self.mqtt = mqtt; self.version = version
    }

    public static let pointStates = ["no_car", "connected", "charging", "waiting", "error", "lost"]

    var root: String { mqtt.topic }
    public var siteNode: String { "kwartier_" + Self.nodeWord(mqtt.clientID) }
    public func pointNode(_ id: String) -> String { siteNode + "_" + Self.nodeWord(id) }
    public func topic(node: String) -> String { "\(mqtt.discoveryPrefix)/device/\(node)/config" }

    /// The configs of every device this configuration has: the site first, then the points.
    public func devices() -> [Device] {
        [site()] + config.chargepoints.map(point)
    }

    /// The empty retained config that removes a device and its entities.
    public func removal(node: String) -> (topic: String, payload: String) { (topic(node: node), "") }

    // MARK: the site

    func site() -> Device {
        var c: [(String, [String: Any])] = []
        let s = "\(root)/site/"
        c.append(("grid_power", sensor("Grid power", s + "grid_power_w", cls: "power", unit: "W")))
        for l in 1...3 {
            c.append(("grid_l\(l)_current", sensor("Grid L\(l) current", s + "grid_l\(l)_current_a", cls: "current", unit: "A")))
        }
        c.append(("grid_import", sensor("Grid import", s + "grid_import_kwh", cls: "energy", unit: "kWh", state: "total_increasing")))
        c.append(("grid_export", sensor("Grid export", s + "grid_export_kwh", cls: "energy", unit: "kWh", state: "total_increasing")))
        c.append(("meter_stale", ["platform": "binary_sensor", "name": "Meter stale", "state_topic": s + "meter_stale",
                                  "device_class": "problem", "payload_on": "true", "payload_off": "false",
                                  "entity_category": "diagnostic"]))
        let measuresPV = !config.inverters.isEmpty || config.pulseInputs.contains { $0.measures == "production" }
        if measuresPV { c.append(("pv_power", sensor("PV power", s + "pv_power_w", cls: "power", unit: "W"))) }
        if !config.inverters.isEmpty {
            c.append(("battery_power", sensor("Battery power", s + "battery_power_w", cls: "power", unit: "W")))
            c.append(("battery_soc", sensor("Battery charge", s + "battery_soc_pct", cls: "battery", unit: "%")))
        }
        c.append(("house_power", sensor("House power", s + "house_power_w", cls: "power", unit: "W")))
        c.append(("charge_park_power", sensor("Charging power", s + "charge_park_power_w", cls: "power", unit: "W")))
        c.append(("quarter_average", sensor("Quarter-hour average", s + "quarter_average_kw", cls: "power", unit: "kW")))
        c.append(("quarter_forecast", sensor("Quarter-hour forecast", s + "quarter_forecast_kw", cls: "power", unit: "kW")))
        c.append(("allowed", sensor("Allowed power", s + "allowed_kw", cls: "power", unit: "kW")))
        c.append(("target", sensor("Quarter-hour target", s + "target_kw", cls: "power", unit: "kW")))
        c.append(("month_peak", sensor("Month peak", s + "month_peak_kw", cls: "power", unit: "kW")))
        c.append(("slider", ["platform": "number", "name": "Peak limit (slider)", "state_topic": s + "slider_kw",
                             "command_topic": s + "slider_kw/set", "device_class": "power", "unit_of_measurement": "kW",
                             "min": 0.5, "max": sliderMax, "step": 0.1, "mode": "box"]))
        c.append(("alerts", ["platform": "sensor", "name": "Active alerts", "state_topic": "\(root)/alerts",
                             "value_template": "{{ value_json | count }}", "state_class": "measurement"]))
        for b in config.boards {
            let t = "\(root)/boards/\(b.id)/"
            for l in 1...3 {
                c.append(("board_\(Self.nodeWord(b.id))_l\(l)_current",
                          sensor("\(b.id) L\(l) current", t + "l\(l)_current_a", cls: "current", unit: "A")))
            }
        }
        for r in config.relays {
            let t = "\(root)/relays/\(r.id)/", k = "relay_" + Self.nodeWord(r.id)
            c.append((k + "_state", ["platform": "sensor", "name": "\(r.id) state", "state_topic": t + "state"]))
            c.append((k + "_override", ["platform": "select", "name": "\(r.id) override", "state_topic": t + "override",
                                        "command_topic": t + "override/set", "options": ["auto", "on", "off"]]))
            c.append((k + "_power", sensor("\(r.id) power", t + "power_w", cls: "power", unit: "W")))
        }
        let device: [String: Any] = ["identifiers": [siteNode], "name": config.site.name, "manufacturer": "Kwartier",
                                     "model": "Energy hub", "sw_version": version]
        return make(node: siteNode, device: device, components: c)
    }

    /// The most the grid connection can carry (kW), rounded up: the slider's range in Home Assistant.
    var sliderMax: Double {
        // IT: 3x230 V between lines, so √3·U·I; TN and TT: 3·U·I (U to neutral).
        let factor = config.site.network == .IT ? 3.0.squareRoot() : 3.0
        return max(2.5, (factor * config.grid.limitA * config.site.voltage / 1000).rounded(.up))
    }

    // MARK: a charge point

    func point(_ cp: ChargePointConfig) -> Device {
        let node = pointNode(cp.id), t = "\(root)/chargepoints/\(cp.id)/"
        var c: [(String, [String: Any])] = []
        c.append(("state", ["platform": "sensor", "name": "State", "state_topic": t + "state", "device_class": "enum",
                            "options": Self.pointStates]))
        c.append(("mode", ["platform": "select", "name": "Mode", "state_topic": t + "mode", "command_topic": t + "mode/set",
                           "options": ChargeMode.allCases.map(\.rawValue)]))
        c.append(("manual_current", ["platform": "number", "name": "Manual current", "state_topic": t + "manual_current_a",
                                     "command_topic": t + "manual_current_a/set", "device_class": "current",
                                     "unit_of_measurement": "A", "min": cp.minA, "max": cp.maxA, "step": 0.5, "mode": "slider"]))
        c.append(("priority", ["platform": "number", "name": "Priority", "state_topic": t + "priority",
                               "command_topic": t + "priority/set", "min": -100, "max": 100, "step": 1, "mode": "box"]))
        c.append(("setpoint", sensor("Setpoint", t + "setpoint_a", cls: "current", unit: "A")))
        for l in 1...3 { c.append(("l\(l)_current", sensor("L\(l) current", t + "l\(l)_current_a", cls: "current", unit: "A"))) }
        c.append(("power", sensor("Power", t + "power_w", cls: "power", unit: "W")))
        c.append(("session_energy", sensor("Session energy", t + "session_kwh", cls: "energy", unit: "kWh", state: "total_increasing")))
        c.append(("phases", ["platform": "sensor", "name": "Phases in use", "state_topic": t + "phases", "state_class": "measurement"]))
        c.append(("explanation", ["platform": "sensor", "name": "Explanation", "state_topic": t + "explanation",
                                  "entity_category": "diagnostic"]))
        let device: [String: Any] = ["identifiers": [node], "name": cp.name, "manufacturer": "Kwartier",
                                     "model": "Charge point (\(cp.driver))", "via_device": siteNode]
        return make(node: node, device: device, components: c)
    }

    // MARK: building

    func sensor(_ name: String, _ topic: String, cls: String, unit: String, state: String = "measurement") -> [String: Any] {
        ["platform": "sensor", "name": name, "state_topic": topic, "device_class": cls, "unit_of_measurement": unit,
         "state_class": state]
    }

    func make(node: String, device: [String: Any], components: [(String, [String: Any])]) -> Device {
        var cmps: [String: Any] = [:]
        for (key, var c) in components {
            c["unique_id"] = "\(node)_\(key)"
            c["availability_topic"] = "\(root)/status"
            c["payload_available"] = "online"
            c["payload_not_available"] = "offline"
            cmps[key] = c
        }
        let doc: [String: Any] = ["device": device, "origin": ["name": "Kwartier", "sw_version": version],
                                  "components": cmps, "qos": 1]
        let data = (try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Device(nodeID: node, topic: topic(node: node), payload: String(decoding: data, as: UTF8.self))
    }

    /// Letters, digits, '_' and '-' (what a discovery topic level and an id may hold); others become '_'.
    public static func nodeWord(_ s: String) -> String {
        String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") ? $0 : "_" })
    }
}
