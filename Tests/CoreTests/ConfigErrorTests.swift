import XCTest
@testable import KwartierCore

/// Each bad configuration gives its own specific, located error (file, line, key, fix).
final class ConfigErrorTests: XCTestCase {
    static let drivers: Set<String> = ["alfen-eve", "abb-terra-ac", "mennekes-amtron-compact", "siemens-pac2200"]

    func problems(_ fixture: String) throws -> [String] {
        let url = Bundle.module.url(forResource: "Fixtures/config/\(fixture)", withExtension: "yaml")!
        let text = try String(contentsOf: url, encoding: .utf8)
        do {
            _ = try ConfigLoader(knownDrivers: Self.drivers).load(yaml: text, file: "\(fixture).yaml")
            XCTFail("\(fixture) was accepted")
            return []
        } catch let e as ConfigErrors {
            return e.errors.map(\.description)
        }
    }

    func assertOnly(_ fixture: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let p = try problems(fixture)
        XCTAssertEqual(p, [expected], file: file, line: line)
    }

    func testUnknownKeySuggestsNearest() throws {
        try assertOnly("unknown_key", "unknown_key.yaml:17: chargepoints.cp1.max_amps: unknown key 'max_amps' — did you mean 'max_a'?")
    }
    func testMissingRequiredKey() throws {
        try assertOnly("missing_required", "missing_required.yaml:14: chargepoints.cp1.driver: required key 'driver' is missing — name the charger's profile, e.g. `driver: alfen-eve` (see `kwartier device list`)")
    }
    func testWrongType() throws {
        try assertOnly("wrong_type", "wrong_type.yaml:17: chargepoints.cp1.max_a: expected a number (A), found 'sixteen' — write a number such as `max_a: 6`")
    }
    func testMinBelowSix() throws {
        try assertOnly("min_below_6", "min_below_6.yaml:17: chargepoints.cp1.min_a: 5 A is below the minimum of 6 A — set min_a to 6 or more (IEC 61851: no car charges below 6 A)")
    }
    func testMaxAboveBoardLimit() throws {
        try assertOnly("max_above_board", "max_above_board.yaml:19: chargepoints.cp1.max_a: max_a 32 A is above the limit of its board garage (20 A) — set max_a to 20 A or less")
    }
    func testNegativeLimit() throws {
        try assertOnly("negative_limit", "negative_limit.yaml:13: boards.garage.limit_a: -10 A is below the minimum of 1 A — a per-phase limit is a positive current in amperes")
    }
    func testChildAboveParent() throws {
        try assertOnly("child_above_parent", "child_above_parent.yaml:13: boards.garage.limit_a: limit 50 A is above its parent grid's 40 A — a board can never carry more than the level above it: set its limit to 40 A or less")
    }
    func testUnknownParent() throws {
        try assertOnly("unknown_parent", "unknown_parent.yaml:13: boards.garage.parent: unknown parent 'grdi' — did you mean 'grid'? use `grid` or a board id defined under `boards:`")
    }
    func testCycle() throws {
        let p = try problems("cycle")
        XCTAssertEqual(p.count, 2)
        XCTAssertEqual(p.first, "cycle.yaml:13: boards.a.parent: cycle in the board tree: a → b → a — every board must lead up to `grid`; break the loop by changing one parent")
    }
    func testMoreThanFourLevels() throws {
        try assertOnly("too_deep", "too_deep.yaml:15: boards.b4: more than 4 levels: this board is level 4, so its charge points would be level 5 — the tree has at most 4 levels (grid, two board levels, charge points): hang it higher")
    }
    func testDuplicateID() throws {
        try assertOnly("duplicate_id", "duplicate_id.yaml:15: chargepoints.garage: duplicate id 'garage' (also used by boards on line 13) — give the chargepoint its own id")
    }
    func testDuplicateTCPAddress() throws {
        try assertOnly("duplicate_tcp", "duplicate_tcp.yaml:18: chargepoints.cp2: same address as chargepoints.cp1: tcp 10.0.0.1:502 unit 1 — each device needs its own address: change the unit/slave id or the host:port")
    }
    func testDuplicateRTUAddress() throws {
        try assertOnly("duplicate_rtu", "duplicate_rtu.yaml:19: chargepoints.cp2: same address as chargepoints.cp1: bus rs485 address 1 — each device needs its own address: change the unit/slave id or the host:port")
    }
    func testBadPhaseMap() throws {
        try assertOnly("bad_phase_map", "bad_phase_map.yaml:17: chargepoints.cp1.phases: 'L1L3L2' is not a phase map — did you mean 'L1L2L3'? use L1L2L3, L2L3L1 or L3L1L2 (3-phase), L1, L2 or L3 (1-phase)")
    }
    func testOnePhaseOnITGivenAsThree() throws {
        try assertOnly("it_one_phase_as_three", "it_one_phase_as_three.yaml:15: chargepoints.cp1.phases: a 1-phase charger on an IT network given as L1L2L3 — name the two lines it is wired between: L1L2, L2L3 or L3L1")
    }
    func testTooManyTCPConnections() throws {
        try assertOnly("too_many_tcp", "too_many_tcp.yaml: site.max_tcp_connections: 21 Modbus TCP connections (one per host:port) exceed the maximum of 20 — move devices to Modbus RTU, share a gateway host:port with unit ids, or raise max_tcp_connections if the hub allows it")
    }
    // Pulse inputs (S0 counters on a Modbus DI module) are checked like every Modbus device.
    func testPulseInputOnAnUnknownBus() throws {
        XCTAssertEqual(try problems("pulse_unknown_bus"), [
            "pulse_unknown_bus.yaml:22: pulse_inputs.pv.modbus_counter.bus: unknown bus 'rs458' — did you mean 'rs485'? define it under `buses:` with its `device:`",
            "pulse_unknown_bus.yaml:26: pulse_inputs.wp.modbus_counter.rtu.bus: unknown bus 'rs4855' — did you mean 'rs485'? define it under `buses:` with its `device:`",
        ])
    }
    func testPulseInputAtAChargersRTUAddress() throws {
        try assertOnly("pulse_duplicate_rtu", "pulse_duplicate_rtu.yaml:20: pulse_inputs.pv: same address as chargepoints.cp1: bus rs485 address 1 — each device needs its own address: change the unit/slave id or the host:port")
    }
    func testPulseInputAtAChargersTCPAddress() throws {
        try assertOnly("pulse_duplicate_tcp", "pulse_duplicate_tcp.yaml:19: pulse_inputs.pv: same address as chargepoints.cp1: tcp 10.0.0.1:502 unit 1 — each device needs its own address: change the unit/slave id or the host:port")
    }
    /// pv shares cp2's host:port (no new connection); wp on a third endpoint is one too many.
    func testPulseInputOnANewEndpointCountsAsATCPConnection() throws {
        try assertOnly("pulse_too_many_tcp", "pulse_too_many_tcp.yaml:5: site.max_tcp_connections: 3 Modbus TCP connections (one per host:port) exceed the maximum of 2 — move devices to Modbus RTU, share a gateway host:port with unit ids, or raise max_tcp_connections if the hub allows it")
        let url = Bundle.module.url(forResource: "Fixtures/config/pulse_too_many_tcp", withExtension: "yaml")!
        var text = try String(contentsOf: url, encoding: .utf8)
        // wp behind cp1's endpoint (another unit id): it shares that connection, and the site fits.
        text = text.replacingOccurrences(of: "\"10.0.0.3:502\", unit: 1", with: "\"10.0.0.1:502\", unit: 7")
        let (config, problems) = try ConfigLoader(knownDrivers: Self.drivers).load(yaml: text, file: "shared.yaml")
        XCTAssertEqual(problems.map(\.description), [])
        XCTAssertEqual(config.tcpEndpoints, ["10.0.0.1:502", "10.0.0.2:502"])
    }
    func testVirtualMeterWithConsumers() throws {
        try assertOnly("virtual_with_consumers", "virtual_with_consumers.yaml:13: boards.garage: measured by a virtual meter but declares non-managed consumers — a virtual meter only sums the charge points and cannot see other loads: give this level a real meter")
    }
    func testUnknownDriver() throws {
        try assertOnly("unknown_driver", "unknown_driver.yaml:15: chargepoints.cp1.driver: unknown driver 'alfen-evee' — did you mean 'alfen-eve'? `kwartier device list` shows the drivers")
    }
    func testYAMLSyntax() throws {
        let p = try problems("yaml_syntax")
        XCTAssertEqual(p.count, 1)
        XCTAssertTrue(p[0].hasPrefix("yaml_syntax.yaml:3: (syntax): not valid YAML"), p[0])
    }
    func testSpecExampleIsValid() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/kwartier.yaml")
        let (c, warnings) = try ConfigLoader(knownDrivers: Self.drivers).load(yaml: String(contentsOf: url, encoding: .utf8), file: "kwartier.yaml")
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(c.grid.limitA, 35)
        XCTAssertEqual(c.grid.fuseA, 40)
        XCTAssertEqual(c.grid.marginA, 0.5)
        XCTAssertEqual(c.boards.map(\.id), ["garage", "garage-b"])
        XCTAssertEqual(c.depth(ofLevel: "garage-b"), 3)
        XCTAssertEqual(c.chargepoint("cp2")?.phases.terminals, [.l2, .l3, .l1])
        XCTAssertEqual(c.chargepoint("cp2")?.transport, .rtu(bus: "rs485", address: 1, serial: SerialSettings(baud: 115200)))
        XCTAssertEqual(c.relays.count, 2)
    }
    func testTCPConnectionsAboveTheMeasuredHubWarn() throws {
        let yaml = "site: { max_tcp_connections: 64 }\ngrid: { fuse_a: 25, meter: virtual }\n"
        let (c, warnings) = try ConfigLoader().load(yaml: yaml, file: "w.yaml")
        XCTAssertEqual(c.site.maxTCPConnections, 64)
        XCTAssertEqual(warnings.map(\.description), ["w.yaml:1: warning: site.max_tcp_connections: 64 is above the 20 Modbus TCP connections the reference hub is measured with — check the hub's CPU and the setpoint latency with that many devices (make bench), or use RTU buses and gateways"])
        let (_, none) = try ConfigLoader().load(yaml: "site: { max_tcp_connections: 20 }\ngrid: { fuse_a: 25, meter: virtual }\n", file: "w.yaml")
        XCTAssertEqual(none, [])
    }
    /// 250 charge points is what the benchmark measures the hub with; one more is a warning.
    func testChargePointsAboveTheMeasuredHubWarn() throws {
        func yaml(_ n: Int) -> String {
            let head = "site: { slider_kw: 1000 }\ngrid: { fuse_a: 1000, meter: virtual }\n"
                + "buses:\n  a: { device: /dev/ttyUSB0 }\n  b: { device: /dev/ttyUSB1 }\nchargepoints:\n"
            return head + (0..<n).map { i in
                "  cp\(i): { board: grid, driver: abb-terra-ac, rtu: { bus: \(i < 200 ? "a" : "b"), address: \(i % 200 + 1) } }\n"
            }.joined()
        }
        let (c, warnings) = try ConfigLoader().load(yaml: yaml(251), file: "w.yaml")
        XCTAssertEqual(c.chargepoints.count, 251)
        XCTAssertEqual(warnings.map(\.description), ["w.yaml:6: warning: chargepoints: 251 charge points are more than the 250 the reference hub is measured with — check the hub's CPU and the setpoint latency with that many points (make bench), or split the site over two hubs"])
        let (_, none) = try ConfigLoader().load(yaml: yaml(250), file: "w.yaml")
        XCTAssertEqual(none, [])
    }
    func testLowSliderWarns() throws {
        let yaml = "site: { slider_kw: 2 }\ngrid: { fuse_a: 25, meter: virtual }\n"
        let (_, warnings) = try ConfigLoader().load(yaml: yaml, file: "w.yaml")
        XCTAssertEqual(warnings.map(\.description), ["w.yaml:1: warning: site.slider_kw: 2 kW is below the 2.5 kW that Flanders bills at least — a slider under 2.5 kW saves nothing on the capacity tariff; 2.5 is a sensible floor"])
    }
}
