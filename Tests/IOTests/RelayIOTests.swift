import XCTest
import KwartierCore
@testable import KwartierIO

/// Relay driver and devices without hardware: simulated outputs, a recording coil bus, the
/// pulse inputs' persistence.
final class RelayIOTests: XCTestCase {
    /// A CoilBus that records writes and can be told to fail.
    final class RecordingBus: CoilBus {
        var writes: [(Int, Int, Bool)] = []
        var failCoils: Set<Int> = []
        var registers: [Int: UInt16] = [:]
        func writeCoil(unit: Int, address: Int, on: Bool) throws {
            if failCoils.contains(address) { throw DeviceError.io("coil \(address) broken") }
            writes.append((unit, address, on))
        }
        func readCoils(unit: Int, address: Int, count: Int) throws -> [Bool] { [] }
        func readInputRegisters(unit: Int, address: Int, count: Int) throws -> [UInt16] {
            (0..<count).map { registers[address + $0] ?? 0 }
        }
        func readHoldingRegisters(unit: Int, address: Int, count: Int) throws -> [UInt16] { [] }
    }

    let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    func pumpConfig() -> [RelayConfig] {
        [RelayConfig(id: "hp", kind: .sgReady(SGReadyConfig(outputs: ["r1", "r2"], states: [.off, .normal, .comfort, .boost],
                                                           comfortAboveKW: 1.5, boostAboveKW: 3, powerKW: [:])))]
    }

    func testDriverWritesStartChangesAndSafeState() {
        let bus = RecordingBus()
        let drv = RelayDriver(devices: ["r1": CoilBusOutput(bus: bus, unit: 9, coil: 0),
                                        "r2": CoilBusOutput(bus: bus, unit: 9, coil: 1)])
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
        let bus = RecordingBus()
        let drv = RelayDriver(devices: ["r1": CoilBusOutput(bus: bus, unit: 1, coil: 0),
                                        "r2": CoilBusOutput(bus: bus, unit: 1, coil: 1)])
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
        let (devices, errors) = RelayDeviceFactory(config: site).outputs()
        XCTAssertEqual(Set(devices.keys), ["a", "b", "c", "e"])
        let a = devices["a"] as! CoilBusOutput, b = devices["b"] as! CoilBusOutput
        XCTAssertTrue(a.bus === b.bus)                    // one connection per module
        XCTAssertEqual(a.unit, 3); XCTAssertEqual(b.coil, 1)
        XCTAssertTrue(errors["d"]!.contains("gpio is not supported in this build"))
        XCTAssertNoThrow(try devices["c"]!.set(true))     // /bin/true on
        XCTAssertThrowsError(try CommandOutput(command: "/bin/false").set(true)) { e in
            XCTAssertEqual("\(e)", "command '/bin/false on' failed with exit status 1")
        }
    }

    func testModbusCounterWords() throws {
        let bus = RecordingBus()
        bus.registers = [16: 0x0001, 17: 0x86A0]
        XCTAssertEqual(try ModbusCounterInput(bus: bus, unit: 1, register: 16).readCount(), 100_000)
        XCTAssertEqual(try ModbusCounterInput(bus: bus, unit: 1, register: 17, words: 1).readCount(), 0x86A0)
    }

    func testSimulatedPulsesAndPersistedTotals() throws {
        var now = t0
        let counter = SimulatedPulseCounter(pulsesPerKWh: 1000, clock: { now })
        counter.setPower(3600)                           // 1 pulse per second
        let dir = NSTemporaryDirectory() + "kwartier-pulses-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = PulseInputConfig(id: "pv", source: .simulated, pulsesPerKWh: 1000)
        let inputs = PulseInputs(inputs: [(cfg, counter)], dataDir: dir)
        _ = inputs.poll(now: now)
        now = now.addingTimeInterval(10)
        let r = try inputs.poll(now: now)["pv"]!.get()
        XCTAssertEqual(r.totalPulses, 10)
        XCTAssertEqual(r.powerW, 3600, accuracy: 1e-3)
        try inputs.save()
        let again = PulseInputs(inputs: [(cfg, counter)], dataDir: dir)
        XCTAssertNil(again.loadMessage)
        XCTAssertEqual(again.states["pv"], PulseMeterState(totalPulses: 10, lastCount: 10))
        try "garbage".write(toFile: dir + "/pulses.json", atomically: true, encoding: .utf8)
        let bad = PulseInputs(inputs: [(cfg, counter)], dataDir: dir)
        XCTAssertNotNil(bad.loadMessage)
        XCTAssertEqual(bad.states["pv"], PulseMeterState())
    }
}
