import XCTest
@testable import KwartierIO
import KwartierCore

final class ModbusProfileTests: XCTestCase {
    static let seedDrivers = ["abb-terra-ac", "alfen-eve", "alfen-eve-scn", "mennekes-amtron-pro", "mennekes-amtron-compact",
                              "mennekes-4you", "phoenix-occi", "peblar", "hager-witty", "enovates", "veton", "siemens-pac2200",
                              "socomec-countis-e3x", "socomec-countis-p", "socomec-countis-ex", "huawei-sun2000", "sma-stp-se",
                              "solax-x3-g4", "sungrow-shx"]

    func testShippedProfilesAllLoadAndCoverTheSeed() throws {
        let lib = ProfileLibrary.shared
        XCTAssertEqual(lib.problems.map(\.description), [])
        for d in Self.seedDrivers { XCTAssertNotNil(lib.profile(d), d) }
        XCTAssertTrue(KnownDrivers.names.contains("simulated"))
        XCTAssertTrue(KnownDrivers.names.isSuperset(of: Self.seedDrivers))
        XCTAssertTrue(KnownDrivers.names.contains("blitzpower"))   // alias of veton
        XCTAssertEqual(lib.profile("blitzpower")?.driver, "veton")
    }

    func testShippedProfileFacts() throws {
        let lib = ProfileLibrary.shared
        let alfen = try XCTUnwrap(lib.profile("alfen-eve")?.chargepoint)
        XCTAssertEqual(alfen.setpoint.registers, [RegisterSpec(fn: .holding, address: 1210, type: .float32, unit: "A", writable: true)])
        XCTAssertEqual(alfen.setpoint.watchdogS, 60)
        XCTAssertEqual(lib.profile("alfen-eve")?.timing.keepAliveS, 50)
        XCTAssertEqual(lib.profile("alfen-eve")?.hints["illegal-data-address@1210"],
                       "is 'Active Load Balancing' enabled and 'Allow writing maximum currents' on?")
        let compact = try XCTUnwrap(lib.profile("mennekes-amtron-compact"))
        XCTAssertEqual(compact.rtu?.serial, SerialSettings(baud: 57600, parity: .none, dataBits: 8, stopBits: 2))
        XCTAssertEqual(compact.rtu?.address, 50)
        XCTAssertEqual(compact.chargepoint?.heartbeat?.value, 0x55AA)
        XCTAssertEqual(compact.chargepoint?.setpoint.pause, .disable)
        XCTAssertEqual(lib.profile("abb-terra-ac")?.chargepoint?.setpoint.registers.first?.address, 0x4100)
        XCTAssertEqual(lib.profile("socomec-countis-e3x")?.rtu?.serial, SerialSettings(baud: 38400))
        XCTAssertEqual(lib.profile("sungrow-shx")?.inverter?.batteryPower?.negateIf?.mask, 0x2)
        XCTAssertFalse(try XCTUnwrap(lib.profile("phoenix-occi")).verified)
    }

    let minimal = """
    driver: test-cp
    kind: chargepoint
    name: Test
    transports: [tcp]
    verified: false
    chargepoint:
      state:
        register: { fn: holding, address: 10 }
        values: { "1": no-car, "2": charging }
      currents:
        - { address: 20, type: u32, scale: 0.001, unit: A }
      setpoint:
        register: { address: 30, type: float32 }
    """

    func testMinimalProfileParses() throws {
        let p = try ProfileParser.parse(yaml: minimal, file: "t.yaml")
        XCTAssertEqual(p.tcp, TCPDefaults(port: 502, unit: 1))
        let c = try XCTUnwrap(p.chargepoint)
        XCTAssertEqual(c.state.values, ["1": .noCar, "2": .charging])
        XCTAssertEqual(c.currents.first?.terms.first, RegisterSpec(fn: .holding, address: 20, type: .u32, scale: 0.001, unit: "A"))
        XCTAssertEqual(c.setpoint.registers.first?.writable, true)
        XCTAssertEqual(c.setpoint.pause, .zero)
        XCTAssertEqual(p.capabilityNames, ["state", "currents", "setpoint(A)"])
    }

    func error(_ yaml: String) -> String {
        do { _ = try ProfileParser.parse(yaml: yaml, file: "t.yaml"); return "no error" } catch { return "\(error)" }
    }

    func testTyposAreErrorsWithLineAndKey() {
        XCTAssertEqual(error(minimal.replacingOccurrences(of: "{ address: 20,", with: "{ adress: 20,")),
                       "t.yaml:11: chargepoint.currents[0].adress: unknown key 'adress' (valid here: fn, address, type, word_order, count, scale, unit, shift, mask, nan, writable, write_only, negate_if)")
        XCTAssertEqual(error(minimal.replacingOccurrences(of: "type: float32", with: "type: f32")),
                       "t.yaml:13: chargepoint.setpoint.register.type: 'f32' is not one of bit, float32, float64, s16, s32, s64, string, u16, u32, u64")
        XCTAssertEqual(error(minimal.replacingOccurrences(of: "no-car", with: "idle")),
                       "t.yaml:9: chargepoint.state.values: 'idle' is not a state (no-car, connected, charging, error)")
    }

    func testDriverNamesAreLowerCaseLettersDigitsAndDashes() {
        XCTAssertEqual(["abb-terra-ac", "e3dc", "0x", "a-"].map(ProfileParser.isDriverName), [true, true, true, true])
        XCTAssertEqual(["", "-abb", "ABB", "abb_terra", "abb terra", "abé", "abb\n"].map(ProfileParser.isDriverName),
                       [false, false, false, false, false, false, false])
        XCTAssertEqual(error(minimal.replacingOccurrences(of: "driver: ", with: "driver: X")).contains("is not a driver name"), true)
    }

    func testImpossibleProfilesAreRefused() {
        XCTAssertTrue(error(minimal.replacingOccurrences(of: "address: 30, type: float32", with: "address: 20, type: float32"))
            .contains("overlap"))
        XCTAssertTrue(error(minimal + "\n  enable: { register: { fn: input, address: 5 } }").contains("input registers cannot be written"))
        XCTAssertTrue(error(minimal.replacingOccurrences(of: "register: { address: 30, type: float32 }",
                                                         with: "register: { address: 30, type: float32 }\n    pause: disable"))
            .contains("`pause: disable` needs an `enable:` register"))
        XCTAssertTrue(error(minimal.replacingOccurrences(of: "transports: [tcp]", with: "transports: [rtu]"))
            .contains("an RTU profile needs `rtu:"))
        XCTAssertTrue(error(minimal.replacingOccurrences(of: "{ fn: holding, address: 10 }", with: "{ fn: holding, address: 70000 }"))
            .contains("70000 is not a Modbus address"))
    }

    func testStateMapping() {
        let s = StateSpec(register: RegisterSpec(address: 1, type: .string, count: 5),
                          values: ["A": .noCar, "B1": .connected, "C1": .connected, "C2": .charging],
                          iecLetters: true, otherwise: nil, chargingAboveA: nil)
        XCTAssertEqual(ProfileChargePoint.mapState(.text("C1"), s), .connected)   // exact value first
        XCTAssertEqual(ProfileChargePoint.mapState(.text("C2"), s), .charging)
        XCTAssertEqual(ProfileChargePoint.mapState(.text("D2"), s), .charging)    // then the IEC letter
        XCTAssertEqual(ProfileChargePoint.mapState(.text("F"), s), .error)
        XCTAssertEqual(ProfileChargePoint.mapState(.text("?"), s), .error)
        XCTAssertEqual(ProfileChargePoint.mapState(.unavailable, s), .error)
        let n = StateSpec(register: RegisterSpec(address: 1), values: ["0": .noCar, "4": .charging], iecLetters: false,
                          otherwise: .connected, chargingAboveA: nil)
        XCTAssertEqual(ProfileChargePoint.mapState(.number(4), n), .charging)
        XCTAssertEqual(ProfileChargePoint.mapState(.number(7), n), .connected)
    }

    func testUserProfileDirectoryOverridesAndAdds() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kw-prof-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try minimal.write(to: dir.appendingPathComponent("test-cp.yaml"), atomically: true, encoding: .utf8)
        try "driver: broken\n".write(to: dir.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let lib = ProfileLibrary(directories: [try XCTUnwrap(ProfileLibrary.builtinDirectory), dir.path])
        XCTAssertNotNil(lib.profile("test-cp"))
        XCTAssertNotNil(lib.profile("alfen-eve"))
        XCTAssertEqual(lib.problems.count, 1)
        XCTAssertTrue(lib.problems[0].description.hasSuffix("broken.yaml:1: required key 'kind' is missing (chargepoint, meter or inverter)"),
                      lib.problems[0].description)
    }
}

/// The inverters' battery and PV-limit write sequences, and `kwartier check`'s warning.
final class InverterControlProfileTests: XCTestCase {
    func testShippedSequences() throws {
        let lib = ProfileLibrary.shared
        let sungrow = try XCTUnwrap(lib.profile("sungrow-shx")?.inverter)
        XCTAssertEqual(sungrow.batteryControl?.charge.map(\.register.address), [13049, 13050, 13051])
        XCTAssertEqual(sungrow.batteryControl?.charge.map(\.value), [.fixed(2), .fixed(0xAA), .power])
        XCTAssertEqual(sungrow.batteryControl?.release.map(\.value), [.fixed(0xCC), .fixed(0)])
        XCTAssertEqual(sungrow.pvLimit?.limits, .export)
        XCTAssertEqual(sungrow.pvLimit?.limit.map(\.value), [.limit, .fixed(0xAA)])
        let huawei = try XCTUnwrap(lib.profile("huawei-sun2000")?.inverter)
        XCTAssertEqual(huawei.batteryControl?.discharge.map(\.register.address), [47246, 47083, 47249, 47100])
        XCTAssertNil(huawei.batteryControl?.hold)
        XCTAssertEqual(huawei.pvLimit?.limit.first?.register, RegisterSpec(fn: .holding, address: 47416, type: .s32, unit: "W", writable: true))
        let sma = try XCTUnwrap(lib.profile("sma-stp-se")?.inverter)
        XCTAssertEqual(sma.batteryControl?.release.map(\.value), [.fixed(2424), .fixed(0), .maxCharge, .fixed(0), .maxDischarge, .fixed(0)])
        XCTAssertNil(sma.pvLimit)
        XCTAssertNil(lib.profile("solax-x3-g4")?.inverter?.batteryControl)
        XCTAssertEqual(lib.profile("sungrow-shx")?.capabilityNames, ["pv", "grid", "battery", "soc", "battery-control", "export-limit"])
    }

    func testBadSequencesSayWhy() {
        func error(_ control: String) -> String {
            let yaml = "driver: t\nkind: inverter\nname: T\ntransports: [tcp]\nverified: false\ninverter:\n  pv_power: { fn: input, address: 1 }\n" + control
            do { _ = try ProfileParser.parse(yaml: yaml, file: "t.yaml"); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(error("  pv_limit:\n    limit: [ { name: l, register: { address: 5 }, value: limit } ]\n    release: [ { name: l, register: { address: 5 }, value: 0 } ]\n")
            .contains("required key 'limits' is missing (export or production)"))
        XCTAssertTrue(error("  pv_limit:\n    limits: export\n    limit: [ { name: l, register: { address: 5 }, value: lots } ]\n    release: [ { name: l, register: { address: 5 }, value: 0 } ]\n")
            .contains("'lots' is not a number, power, setpoint, -setpoint, limit, max_charge or max_discharge"))
        XCTAssertTrue(error("  pv_limit:\n    limits: export\n    limit: [ { name: l, register: { fn: input, address: 5 }, value: 0 } ]\n    release: [ { name: l, register: { address: 5 }, value: 0 } ]\n")
            .contains("cannot be written"))
    }

    func testCheckWarnsAboutAnInverterItCannotSteer() throws {
        let yaml = """
        grid: { fuse_a: 25, meter: virtual }
        inverters:
          roof: { driver: solax-x3-g4, tcp: 127.0.0.1:1502, unit: 1 }
        energy:
          prices: { source: file, file: /tmp/p.csv }
          battery: { inverter: roof, kwh: 10, max_charge_kw: 3 }
        """
        let config = try ConfigLoader().load(yaml: yaml, file: "k.yaml").0
        XCTAssertEqual(EnergyControlAudit.warnings(config, library: .shared), [
            "warning: energy.battery: SolaX X1 / X3 Hybrid G4 has no battery write registers in its profile; the battery stays in its own mode",
            "warning: energy.curtail: SolaX X1 / X3 Hybrid G4 has no export or PV limit register in its profile; nothing is curtailed"])
    }
}
