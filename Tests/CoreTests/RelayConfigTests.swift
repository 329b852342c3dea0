import XCTest
@testable import KwartierCore

/// The relay, output and pulse-input keys of `kwartier.yaml` (SPEC §5 and the added keys).
final class RelayConfigTests: XCTestCase {
    let head = """
    site: { name: t }
    grid: { fuse_a: 25, meter: virtual }
    buses:
      rs485: { device: /dev/ttyUSB1 }

    """

    func load(_ body: String) throws -> (SiteConfig, [ConfigProblem]) {
        try ConfigLoader().load(yaml: head + body, file: "k.yaml")
    }
    func errors(_ body: String) -> [ConfigProblem] {
        do { _ = try load(body); return [] } catch let e as ConfigErrors { return e.errors } catch { return [] }
    }

    func testSpecExample() throws {
        let (c, _) = try load("""
        relays:
          heatpump: { type: sg-ready, outputs: [relay1, relay2], states: [off, normal, comfort, boost],
                      comfort_above_kw: 1.5, boost_above_kw: 3.0, power_kw: { normal: 1.2, comfort: 2.0, boost: 3.5 } }
          boiler:   { type: switch, output: relay3, on_above_kw: 2.5, min_on_s: 300, timer: "02:00-05:00" }
        outputs:
          relay1: { modbus_coil: { bus: rs485, address: 9, coil: 0 } }
          relay2: { modbus_coil: { bus: rs485, address: 9, coil: 1 } }
          relay3: { command: /usr/local/bin/boiler }
        """)
        guard case .sgReady(let hp) = c.relays[0].kind, case .switched(let b) = c.relays[1].kind else { return XCTFail() }
        XCTAssertEqual(hp.outputs, ["relay1", "relay2"])
        XCTAssertEqual(hp.states, [.off, .normal, .comfort, .boost])
        XCTAssertEqual(hp.powerKW, ["normal": 1.2, "comfort": 2.0, "boost": 3.5])
        XCTAssertEqual(hp.preset, .chargingHub)
        XCTAssertEqual(hp.order, .afterCars)
        XCTAssertTrue(hp.shavePeak)
        XCTAssertEqual(hp.safeState, .normal)
        XCTAssertEqual(b.onAboveKW, 2.5); XCTAssertEqual(b.powerKW, 2.5); XCTAssertEqual(b.minOnS, 300)
        XCTAssertEqual(b.timers, ["02:00-05:00"])
        XCTAssertTrue(b.surplusSwitching)
        XCTAssertEqual(c.outputs[0].kind, .modbusCoil(transport: .rtu(bus: "rs485", address: 9, serial: SerialSettings(baud: 9600)), coil: 0))
        XCTAssertEqual(c.outputs[2].kind, .command(path: "/usr/local/bin/boiler"))
    }

    func testAddedKeys() throws {
        let (c, _) = try load("""
        relays:
          hp: { type: sg-ready, outputs: [r1, r2], states: [normal, boost], preset: home, order: before-cars,
                hysteresis_kw: 0.5, shave_peak: false, power_kw: { boost: 3 } }
          pv: { type: switch, output: r3, on_above_kw: 1, power_kw: 1.2, min_off_s: 60, timers: ["22:00-06:00", "12:00-13:00"],
                safe_state: on, order: before-cars }
          night: { type: switch, output: r4, timer: "02:00-05:00" }
        outputs:
          r1: { modbus_coil: { tcp: "127.0.0.1:1502", unit: 3, coil: 4 } }
          r2: { modbus_coil: { tcp: "127.0.0.1:1502", unit: 3, coil: 5 } }
          r3: { simulated: true }
          r4: { command: "/usr/bin/relayctl --id 4" }
        pulse_inputs:
          pv-meter: { pulses_per_kwh: 1000, measures: production, zero_after_s: 120,
                      modbus_counter: { tcp: "127.0.0.1:1502", unit: 2, register: 16, words: 1, function: holding } }
          heat: { pulses_per_kwh: 800, simulated: true }
        """)
        guard case .sgReady(let hp) = c.relays[0].kind, case .switched(let pv) = c.relays[1].kind,
              case .switched(let night) = c.relays[2].kind else { return XCTFail() }
        XCTAssertEqual(hp.preset, .home); XCTAssertEqual(hp.order, .beforeCars); XCTAssertEqual(hp.hysteresisKW, 0.5)
        XCTAssertFalse(hp.shavePeak)
        XCTAssertEqual(pv.timers, ["22:00-06:00", "12:00-13:00"]); XCTAssertTrue(pv.safeOn); XCTAssertEqual(pv.powerKW, 1.2)
        XCTAssertEqual(pv.minOffS, 60); XCTAssertEqual(pv.order, .beforeCars)
        XCTAssertFalse(night.surplusSwitching)
        XCTAssertEqual(c.outputs[0].kind, .modbusCoil(transport: .tcp(host: "127.0.0.1", port: 1502, unit: 3), coil: 4))
        XCTAssertEqual(c.pulseInputs[0].source, .modbusCounter(transport: .tcp(host: "127.0.0.1", port: 1502, unit: 2), register: 16))
        XCTAssertEqual(c.pulseInputs[0].counterWords, 1)
        XCTAssertEqual(c.pulseInputs[0].counterFunction, "holding")
        XCTAssertEqual(c.pulseInputs[0].zeroAfterS, 120)
        XCTAssertEqual(c.pulseInputs[0].measures, "production")
        XCTAssertEqual(c.pulseInputs[1].source, .simulated)
    }

    func testMistakesAreNamed() {
        var e = errors("""
        relays:
          boiler: { type: switch, output: r1, on_above_kw: 2, timer: "2h-5h" }
        outputs:
          r1: { simulated: true }
        """)
        XCTAssertEqual(e.map(\.key), ["relays.boiler.timer"])
        e = errors("""
        relays:
          boiler: { type: switch, output: r1 }
        outputs:
          r1: { simulated: true }
        """)
        XCTAssertEqual(e.map(\.key), ["relays.boiler.on_above_kw"])
        e = errors("""
        outputs:
          r1: { gpio: { chip: /dev/gpiochip0, line: 17 } }
        pulse_inputs:
          p: { pulses_per_kwh: 1000, gpio: { line: 4 } }
        """)
        XCTAssertEqual(e.map(\.key), ["outputs.r1.gpio", "pulse_inputs.p.gpio"])
        XCTAssertTrue(e[0].message.contains("not supported in this build"))
        e = errors("""
        relays:
          hp: { type: sg-ready, outputs: [r1, r2], states: [normal, comfort], safe_state: off }
        outputs:
          r1: { simulated: true }
          r2: { simulated: true }
        """)
        XCTAssertEqual(e.map(\.key), ["relays.hp.safe_state"])
        e = errors("""
        pulse_inputs:
          p: { pulses_per_kwh: 1000, modbus_counter: { tcp: "127.0.0.1:1502", words: 3 } }
        """)
        XCTAssertEqual(Set(e.map(\.key)), ["pulse_inputs.p.modbus_counter.words", "pulse_inputs.p.modbus_counter.register"])
    }

    func testWarnings() throws {
        let (_, w) = try load("""
        relays:
          hp: { type: sg-ready, outputs: [r1, r2], states: [normal, comfort] }
        outputs:
          r1: { simulated: true }
          r2: { simulated: true }
        """)
        XCTAssertEqual(w.map(\.key), ["relays.hp.power_kw.comfort"])
    }
}
