import XCTest
import Logging
import KwartierCore
@testable import KwartierIO

/// Relay driver and devices without hardware: simulated outputs, recording coils, the factory
/// (Modbus coils and counters only from the site's workers), the pulse inputs' persistence.
final class RelayIOTests: XCTestCase {
    /// The coils of one module: records writes in order and can be told to fail.
    final class RecordingModule {
        var writes: [(Int, Int, Bool)] = []
        var failCoils: Set<Int> = []
        func coil(unit: Int, _ address: Int) -> RelayOutputDevice { Coil(module: self, unit: unit, address: address) }
        final class Coil: RelayOutputDevice {
            let module: RecordingModule, unit: Int, address: Int
            init(module: RecordingModule, unit: Int, address: Int) { self.module = module; self.unit = unit; self.address = address }
            func set(_ on: Bool) throws {
                if module.failCoils.contains(address) { throw DeviceError.io("coil \(address) broken") }
                module.writes.append((unit, address, on))
            }
        }
    }

    let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    func pumpConfig() -> [RelayConfig] {
        [RelayConfig(id: "hp", kind: .sgReady(SGReadyConfig(outputs: ["r1", "r2"], states: [.off, .normal, .comfort, .boost],
                                                           comfortAboveKW: 1.5, boostAboveKW: 3, powerKW: [:])))]
    }

    func testDriverWritesStartChangesAndSafeState() {
        let bus = RecordingModule()
        let drv = RelayDriver(devices: ["r1": bus.coil(unit: 9, 0), "r2": bus.coil(unit: 9, 1)])
        var rc = RelayController(relays: pumpConfig(), timeZone: TimeZone(identifier: "UTC")!, start: t0)
        XCTAssertEqual(drv.start(rc.startDecisions), [])
        XCTAssertEqual(bus.writes.map { [$0.0, $0.1, $0.2 ? 1 : 0] }, [[9, 0, 0], [9, 1, 0]])
        XCTAssertEqual(drv.apply(rc.step(RelayInputs(now: t0.addingTimeInterval(1), exportW: 0))), [])
        XCTAssertEqual(bus.writes.count, 2)                                   // nothing changed, nothing written
        drv.apply(rc.step(RelayInputs(now: t0.addingTimeInterval(60), exportW: 4000)))
        XCTAssertEqual(bus.writes.suffix(1).map { [$0.1, $0.2 ? 1 : 0] }, [[1, 1]])   // Comfort: SG1 only
        drv.shutdown(rc.safeCommands)
        XCTAssertEqual(bus.writes.suffix(2).map { [$0.1, $0.2 ? 1 : 0] }, [[0, 0], [1, 0]])
        XCTAssertEqual(drv.written, ["r1": false, "r2": false])
    }

    func testAFailedWriteStopsThatRelayAndIsRetried() {
        let bus = RecordingModule()
        let drv = RelayDriver(devices: ["r1": bus.coil(unit: 1, 0), "r2": bus.coil(unit: 1, 1)])
        var rc = RelayController(relays: pumpConfig(), timeZone: TimeZone(identifier: "UTC")!, start: t0)
        drv.start(rc.startDecisions)
        bus.failCoils = [1]
        // Normal -> Boost writes SG1 first (via Comfort), and SG1 fails.
        let d = rc.step(RelayInputs(now: t0.addingTimeInterval(60), exportW: 0, overrides: ["hp": .on]))   // Boost at once
        XCTAssertEqual(d[0].outputs.map(\.output), ["r2", "r1"])
        let before = bus.writes.count
        let f = drv.apply(d)
        XCTAssertEqual(f, [RelayDriver.Failure(output: "r2", message: "coil 1 broken")])
        XCTAssertEqual(bus.writes.count, before)          // SG0 not written: no lock pattern left behind
        XCTAssertEqual(drv.lastError["r2"], "coil 1 broken")
        bus.failCoils = []
        XCTAssertEqual(drv.apply(d), [])                  // retried at the next decision
        XCTAssertEqual(bus.writes.suffix(2).map { [$0.1, $0.2 ? 1 : 0] }, [[1, 1], [0, 1]])
        XCTAssertNil(drv.lastError["r2"])
    }

    func testUnavailableOutputIsReported() {
        let drv = RelayDriver(devices: [:], unavailable: ["r3": "gpio is not supported in this build"])
        let f = drv.shutdown([RelayOutputCommand(output: "r3", on: false)])
        XCTAssertEqual(f.map(\.description), ["relay output r3: gpio is not supported in this build"])
    }

    func testFactory() throws {
        var site = SiteConfig(grid: LevelConfig(id: "grid", parent: nil, limitA: 25, meter: .virtual))
        site.outputs = [OutputConfig(id: "a", kind: .modbusCoil(transport: .tcp(host: "127.0.0.1", port: 1502, unit: 3), coil: 0)),
                        OutputConfig(id: "b", kind: .modbusCoil(transport: .tcp(host: "127.0.0.1", port: 1502, unit: 3), coil: 1)),
                        OutputConfig(id: "c", kind: .command(path: "/bin/true")),
                        OutputConfig(id: "d", kind: .gpio(chip: "/dev/gpiochip0", line: 4)),
                        OutputConfig(id: "e", kind: .simulated)]
        let modbus = try DeviceFactory().build(site)
        defer { modbus.shutdown() }
        let (devices, errors) = RelayDeviceFactory(config: site, modbus: modbus).outputs()
        XCTAssertEqual(Set(devices.keys), ["a", "b", "c", "e"])
        let a = devices["a"] as! ModbusCoilOutput, b = devices["b"] as! ModbusCoilOutput
        XCTAssertTrue(a === modbus.outputs["a"] && b === modbus.outputs["b"])   // the site's own coils
        XCTAssertTrue(a.channel.worker === b.channel.worker)                   // one connection per module
        XCTAssertEqual(a.channel.unit, 3); XCTAssertEqual(b.coil, 1)
        XCTAssertTrue(errors["d"]!.contains("gpio is not supported in this build"))
        // Without the site's devices a Modbus coil is refused, never given a connection of its own.
        let (_, alone) = RelayDeviceFactory(config: site, modbus: nil).outputs()
        XCTAssertEqual(alone["a"], "output a: its Modbus module was not built")
        XCTAssertNoThrow(try devices["c"]!.set(true))     // /bin/true on
        XCTAssertThrowsError(try CommandOutput(command: "/bin/false").set(true)) { e in
            XCTAssertEqual("\(e)", "command '/bin/false on' failed with exit status 1")
        }
    }

    func testModbusCounterWords() throws {
        XCTAssertEqual(try ModbusCounterInput.count([0x0001, 0x86A0], words: 2, register: 16), 100_000)
        XCTAssertEqual(try ModbusCounterInput.count([0x86A0], words: 1, register: 17), 0x86A0)
        XCTAssertThrowsError(try ModbusCounterInput.count([0x0001], words: 2, register: 16)) { e in
            XCTAssertEqual("\(e)", "counter register 16: got 1 of 2 words")
        }
    }


    func testPulseTotalsPersistThroughTheSiteOutputs() throws {
        let dir = NSTemporaryDirectory() + "kwartier-pulses-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = SiteConfig(grid: LevelConfig(id: "grid", parent: nil, limitA: 25, meter: .virtual))
        c.site.dataDir = dir
        let out = SiteOutputs(config: c, dataDir: dir, logLabel: "test")
        out.carryOut(.savePulses(["pv": PulseMeterState(totalPulses: 10, lastCount: 10)]))
        out.flush()
        let log = Logger(label: "test")
        XCTAssertEqual(SiteOutputs.loadPulses(dataDir: dir, log: log), ["pv": PulseMeterState(totalPulses: 10, lastCount: 10)])
        try "garbage".write(toFile: dir + "/pulses.json", atomically: true, encoding: .utf8)
        XCTAssertEqual(SiteOutputs.loadPulses(dataDir: dir, log: log), [:], "an unreadable file: totals start from 0")
    }
}
