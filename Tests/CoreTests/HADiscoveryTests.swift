import XCTest
@testable import KwartierCore

/// Home Assistant device discovery: topics, ids, and the fields HA needs on every component.
final class HADiscoveryTests: XCTestCase {
    func discovery() throws -> HADiscovery {
        let yaml = """
        site: { name: Home, voltage: 230 }
        grid: { fuse_a: 25, meter: virtual }
        boards:
          garage: { parent: grid, limit_a: 20 }
        outputs:
          k1: { simulated: true }
        relays:
          boiler: { type: switch, output: k1, on_above_kw: 2 }
        chargepoints:
          "cp 1": { board: garage, driver: alfen-eve, tcp: 10.0.0.5, min_a: 6, max_a: 16, name: Drive }
        mqtt: { url: mqtt://b }
        """
        let c = try ConfigLoader().load(yaml: yaml, file: "k.yaml").0
        return HADiscovery(config: c, mqtt: c.mqtt!, version: "9.9")
    }

    func json(_ d: HADiscovery.Device) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(d.payload.utf8)) as! [String: Any]
    }

    func testDevicesTopicsAndFields() throws {
        let d = try discovery()
        let devices = d.devices()
        XCTAssertEqual(devices.map(\.topic), ["homeassistant/device/kwartier_home/config",
                                              "homeassistant/device/kwartier_home_cp_1/config"])
        let site = try json(devices[0])
        XCTAssertEqual(site["origin"] as? [String: String], ["name": "Kwartier", "sw_version": "9.9"])
        let comps = site["components"] as! [String: [String: Any]]
        XCTAssertEqual(comps["slider"]?["max"] as? Double, 18)      // 3 × 25 A × 230 V = 17.25 kW, rounded up
        XCTAssertEqual(comps["relay_boiler_override"]?["command_topic"] as? String, "kwartier/home/relays/boiler/override/set")
        XCTAssertEqual(comps["relay_boiler_override"]?["options"] as? [String], ["auto", "on", "off"])
        XCTAssertEqual(comps["board_garage_l1_current"]?["state_topic"] as? String, "kwartier/home/boards/garage/l1_current_a")
        XCTAssertNil(comps["pv_power"])      // no inverter, no PV counter: no PV sensor
        let point = try json(devices[1])
        let dev = point["device"] as! [String: Any]
        XCTAssertEqual(dev["identifiers"] as? [String], ["kwartier_home_cp_1"])
        XCTAssertEqual(dev["name"] as? String, "Drive")
        XCTAssertEqual(dev["via_device"] as? String, "kwartier_home")
        let pc = point["components"] as! [String: [String: Any]]
        XCTAssertEqual(pc["manual_current"]?["min"] as? Double, 6)
        XCTAssertEqual(pc["manual_current"]?["max"] as? Double, 16)
        XCTAssertEqual(pc["mode"]?["state_topic"] as? String, "kwartier/home/chargepoints/cp 1/mode")
        for (node, cs) in [("kwartier_home", comps), ("kwartier_home_cp_1", pc)] {
            for (key, c) in cs {
                XCTAssertEqual(c["unique_id"] as? String, "\(node)_\(key)")
                XCTAssertEqual(c["availability_topic"] as? String, "kwartier/home/status")
                XCTAssertNotNil(c["platform"] as? String, key)
                XCTAssertNotNil(c["state_topic"] as? String, key)
                if ["number", "select"].contains(c["platform"] as? String) { XCTAssertNotNil(c["command_topic"], key) }
                if let cls = c["device_class"] as? String, ["power", "current", "energy"].contains(cls) {
                    XCTAssertNotNil(c["unit_of_measurement"], key)
                    if c["platform"] as? String == "sensor" { XCTAssertNotNil(c["state_class"], key) }
                }
            }
        }
        XCTAssertEqual(d.removal(node: "kwartier_home_old").topic, "homeassistant/device/kwartier_home_old/config")
        XCTAssertEqual(d.removal(node: "kwartier_home_old").payload, "")
    }

    func testSameConfigurationSameBytes() throws {
        XCTAssertEqual(try discovery().devices(), try discovery().devices())
    }
}
