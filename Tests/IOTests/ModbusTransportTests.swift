import XCTest
@testable import KwartierIO
import KwartierCore

final class ModbusTransportTests: XCTestCase {
    func testReadableFailureWithProfileHint() {
        var f = ModbusFailure(kind: .exception(2), device: "cp3 (Alfen 192.168.1.50 unit 1)", operation: "write holding 1210",
                              address: 1210)
        f.hint = "is 'Active Load Balancing' enabled?"
        XCTAssertEqual(f.description, "cp3 (Alfen 192.168.1.50 unit 1): illegal data address 1210 — is 'Active Load Balancing' enabled?")
        XCTAssertEqual(f.hintKey, "illegal-data-address")
        let t = ModbusFailure(kind: .timeout, device: "m1 (Socomec rs485 addr 5 @ 38400 8N1)", operation: "read holding 50520+6",
                              address: 50520, detail: "within 0.5 s")
        XCTAssertEqual(t.description, "m1 (Socomec rs485 addr 5 @ 38400 8N1): no answer to read holding 50520+6: within 0.5 s")
        XCTAssertEqual(ModbusFailure(kind: .exception(4), device: "d", operation: "read input 3").description,
                       "d: server failure (read input 3)")
        if case .timeout = t.deviceError {} else { XCTFail("a timeout is a DeviceError.timeout") }
    }

    func testChannelPicksTheMostSpecificHint() {
        let w = ModbusWorker(kind: .tcp(host: "127.0.0.1", port: 1))
        defer { w.stop() }
        let ch = ModbusChannel(id: "cp3", label: "cp3 (Alfen 192.168.1.50 unit 1)", worker: w, unit: 1,
                               hints: ["illegal-data-address": "general", "illegal-data-address@1210": "specific",
                                       "timeout": "check the cable"])
        XCTAssertEqual(ch.failure(.exception(2), "write holding 1210", 1210, detail: nil).hint, "specific")
        XCTAssertEqual(ch.failure(.exception(2), "read holding 300", 300, detail: nil).hint, "general")
        XCTAssertEqual(ch.failure(.timeout, "read holding 300", 300, detail: nil).hint, "check the cable")
        XCTAssertNil(ch.failure(.exception(3), "write holding 1210", 1210, detail: nil).hint)
    }

    func testRefusedConnectionIsAConnectFailureThenBackoff() throws {
        var o = WorkerOptions()
        o.backoffInitialS = 30     // long enough that the second call certainly falls inside it
        let w = ModbusWorker(kind: .tcp(host: "127.0.0.1", port: 1), options: o)
        defer { w.stop() }
        let ch = ModbusChannel(id: "x", label: "x (test 127.0.0.1:1 unit 1)", worker: w, unit: 1)
        XCTAssertThrowsError(try ch.readRegisters(.holding, address: 0, count: 1)) { e in
            XCTAssertEqual((e as? ModbusFailure)?.kind, .connect)
            XCTAssertTrue("\(e)".hasPrefix("x (test 127.0.0.1:1 unit 1): cannot connect: 127.0.0.1:1: Connection refused; next try in"), "\(e)")
        }
        XCTAssertThrowsError(try ch.readRegisters(.holding, address: 0, count: 1)) { e in
            XCTAssertEqual((e as? ModbusFailure)?.kind, .connect)
            XCTAssertTrue("\(e)".contains("next try in"))
        }
        let h = ch.healthSnapshot()
        XCTAssertEqual(h.requests, 1)          // the second call never reached the wire
        XCTAssertEqual(h.failures, 1)
        XCTAssertEqual(h.status, .failing)
        XCTAssertEqual(h.txBytes, 0)
    }

    func testJobPastItsDeadlineIsNotRun() {
        let w = ModbusWorker(kind: .tcp(host: "127.0.0.1", port: 1))
        defer { w.stop() }
        let gate = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        var ran = false
        var result: Result<Int, Error>?
        w.submit(timeout: 10, { gate.wait(); return 1 }, completion: { _ in })
        w.submit(timeout: 0, { ran = true; return 2 }, completion: { r in result = r; done.signal() })
        gate.signal()
        done.wait()
        XCTAssertFalse(ran)
        guard case .failure(let e)? = result else { return XCTFail("expected a skipped job") }
        XCTAssertEqual((e as? ModbusFailure)?.kind, .skipped)
    }

    func testJobsSubmittedAheadRunBeforeQueuedOnesInTheirOwnOrder() {
        let w = ModbusWorker(kind: .tcp(host: "127.0.0.1", port: 1))
        defer { w.stop() }
        let gate = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let lock = NSLock()
        var order: [String] = []
        func note(_ name: String) -> () -> Void { { lock.lock(); order.append(name); lock.unlock() } }
        w.submit(timeout: 10, { gate.wait() }, completion: { _ in })
        w.submit(timeout: 10, note("read 1"), completion: { _ in })
        w.submit(timeout: 10, note("read 2"), completion: { _ in })
        w.submitAhead(timeout: 10, note("write 1"), completion: { _ in })
        w.submitAhead(timeout: 10, note("write 2"), completion: { _ in })
        w.submit(timeout: 10, note("read 3"), completion: { _ in done.signal() })
        gate.signal()
        done.wait()
        XCTAssertEqual(order, ["write 1", "write 2", "read 1", "read 2", "read 3"])
    }

    func testHealthStatusesAndCounters() {
        let h = DeviceHealthTracker(id: "cp1", label: "cp1", slowMs: 100, lostAfter: 3, lostAfterS: 60)
        XCTAssertEqual(h.snapshot(now: 0).status, .ok)
        for i in 0..<10 { h.recordAnswer(rttMs: Double(i + 1), txBytes: 12, rxBytes: 15, now: Double(i)) }
        var s = h.snapshot(now: 10)
        XCTAssertEqual(s.status, .ok)
        XCTAssertEqual(s.rttP50Ms, 5)
        XCTAssertEqual(s.rttP99Ms, 10)
        XCTAssertEqual(s.requests, 10); XCTAssertEqual(s.txBytes, 120); XCTAssertEqual(s.rxBytes, 150)
        h.recordFailure("no answer", rttMs: nil, txBytes: 12, rxBytes: 0, now: 11)
        XCTAssertEqual(h.snapshot(now: 11).status, .failing)
        h.recordFailure("no answer", rttMs: nil, txBytes: 12, rxBytes: 0, now: 12)
        h.recordFailure("no answer", rttMs: nil, txBytes: 12, rxBytes: 0, now: 13)
        s = h.snapshot(now: 13)
        XCTAssertEqual(s.status, .lost)
        XCTAssertEqual(s.lastError, "no answer")
        XCTAssertEqual(s.failures, 3)
        h.recordException("illegal data address 1210", rttMs: 2, txBytes: 12, rxBytes: 9, now: 14)
        XCTAssertEqual(h.snapshot(now: 14).status, .failing)   // it answers again, but refuses
        for i in 0..<8 { h.recordAnswer(rttMs: 400, txBytes: 12, rxBytes: 15, now: 15 + Double(i)) }
        XCTAssertEqual(h.snapshot(now: 23).status, .slow)
    }

    func testLostAfterSecondsOfSilence() {
        let h = DeviceHealthTracker(id: "m", label: "m", lostAfter: 3, lostAfterS: 10)
        h.recordFailure("refused", rttMs: nil, txBytes: 0, rxBytes: 0, now: 100)
        XCTAssertEqual(h.snapshot(now: 105).status, .failing)
        XCTAssertEqual(h.snapshot(now: 110).status, .lost)
    }

    func testPercentileNearestRank() {
        XCTAssertEqual(DeviceHealthTracker.percentile([1, 2, 3, 4], 0.5), 2)
        XCTAssertEqual(DeviceHealthTracker.percentile([1, 2, 3, 4], 0.99), 4)
        XCTAssertNil(DeviceHealthTracker.percentile([], 0.5))
    }

    func testFactoryGroupsDevicesByConnectionAndBus() throws {
        var c = SiteConfig(grid: LevelConfig(id: "grid", parent: nil, limitA: 100, meter: .virtual))
        c.buses = [BusConfig.make(id: "rs485", device: "/dev/null")]
        c.chargepoints = [
            ChargePointConfig(id: "cp1", board: "grid", driver: "alfen-eve", transport: .tcp(host: "10.0.0.5", port: 502, unit: 1)),
            ChargePointConfig(id: "cp2", board: "grid", driver: "alfen-eve", transport: .tcp(host: "10.0.0.5", port: 502, unit: 2)),
            ChargePointConfig(id: "cp3", board: "grid", driver: "peblar", transport: .tcp(host: "10.0.0.6", port: 502, unit: 255)),
            ChargePointConfig(id: "cp4", board: "grid", driver: "mennekes-amtron-compact",
                              transport: .rtu(bus: "rs485", address: 50, serial: SerialSettings(baud: 57600, stopBits: 2))),
            ChargePointConfig(id: "sim", board: "grid", driver: "simulated", transport: .simulated),
        ]
        c.meters = [MeterConfig(id: "m1", kind: .modbus(driver: "socomec-countis-e3x",
                                                        transport: .rtu(bus: "rs485", address: 5, serial: SerialSettings(baud: 38400)),
                                                        staleAfterS: 10))]
        let site = try DeviceFactory().build(c)
        defer { site.shutdown() }
        XCTAssertEqual(site.workers.map(\.name), ["tcp 10.0.0.5:502", "tcp 10.0.0.6:502", "rtu rs485 (/dev/null)"])
        XCTAssertTrue(site.worker(for: "cp1") === site.worker(for: "cp2"))
        XCTAssertTrue(site.worker(for: "cp4") === site.worker(for: "m1"))
        XCTAssertEqual(site.order, ["cp1", "cp2", "cp3", "cp4", "m1"])
        XCTAssertEqual(site.chargePoints["cp1"]?.channel.label, "cp1 (Alfen 10.0.0.5 unit 1)")
        XCTAssertEqual(site.chargePoints["cp4"]?.channel.label, "cp4 (Mennekes rs485 addr 50 @ 57600 8N2)")
        XCTAssertEqual(site.chargePoints["cp4"]?.capabilities,
                       ChargePointCapabilities(setpointInWatts: false, watchdogS: 10, phaseSwitching: true, enableDisable: true,
                                               safeCurrent: .writable))
        XCTAssertEqual(site.chargePoints["cp1"]?.capabilities.safeCurrent, .readOnly)     // Alfen: set with the installer tool
        XCTAssertEqual(site.health().map(\.status), [.ok, .ok, .ok, .ok, .ok])
    }

    /// One owner per line: pulse counters and coils are built on the worker of their endpoint or
    /// bus, shared with the chargers there; a new endpoint gets its own worker.
    func testFactoryPutsPulseCountersAndCoilsOnTheirLinesWorker() throws {
        var c = SiteConfig(grid: LevelConfig(id: "grid", parent: nil, limitA: 100, meter: .virtual))
        c.buses = [BusConfig.make(id: "rs485", device: "/dev/null")]
        c.chargepoints = [
            ChargePointConfig(id: "cp1", board: "grid", driver: "alfen-eve", transport: .tcp(host: "10.0.0.5", port: 502, unit: 1)),
            ChargePointConfig(id: "cp4", board: "grid", driver: "mennekes-amtron-compact",
                              transport: .rtu(bus: "rs485", address: 50, serial: SerialSettings(baud: 57600, stopBits: 2))),
        ]
        c.outputs = [OutputConfig(id: "r1", kind: .modbusCoil(transport: .rtu(bus: "rs485", address: 9, serial: SerialSettings(baud: 19200)), coil: 0))]
        c.pulseInputs = [
            PulseInputConfig(id: "pv", source: .modbusCounter(transport: .tcp(host: "10.0.0.5", port: 502, unit: 2), register: 16), pulsesPerKWh: 1000),
            PulseInputConfig(id: "hp", source: .modbusCounter(transport: .rtu(bus: "rs485", address: 9, serial: SerialSettings(baud: 19200)), register: 3),
                             pulsesPerKWh: 500, counterWords: 1, counterFunction: "holding"),
            PulseInputConfig(id: "wp", source: .modbusCounter(transport: .tcp(host: "10.0.0.7", port: 1502, unit: 1), register: 0), pulsesPerKWh: 1000),
            PulseInputConfig(id: "sim", source: .simulated, pulsesPerKWh: 1000),
        ]
        let site = try DeviceFactory().build(c)
        defer { site.shutdown() }
        XCTAssertEqual(site.workers.map(\.name), ["tcp 10.0.0.5:502", "rtu rs485 (/dev/null)", "tcp 10.0.0.7:1502"])
        XCTAssertEqual(site.order, ["cp1", "cp4", "r1", "pv", "hp", "wp"])
        XCTAssertEqual(Set(site.pulseCounters.keys), ["pv", "hp", "wp"])
        XCTAssertTrue(site.worker(for: "pv") === site.worker(for: "cp1"))
        XCTAssertTrue(site.worker(for: "hp") === site.worker(for: "cp4"))
        XCTAssertTrue(site.worker(for: "r1") === site.worker(for: "cp4"))
        XCTAssertTrue(site.pulseCounters["pv"]?.channel.worker === site.worker(for: "pv"))
        XCTAssertNil(site.worker(for: "sim"))
        let hp = try XCTUnwrap(site.pulseCounters["hp"])
        XCTAssertEqual([hp.channel.unit, hp.register, hp.words], [9, 3, 1])
        XCTAssertEqual(hp.function, .holding)
        XCTAssertEqual(hp.channel.label, "hp (Modbus rs485 addr 9 @ 19200 8N1)")
        XCTAssertEqual(site.pulseCounters["wp"]?.channel.label, "wp (Modbus 10.0.0.7:1502 unit 1)")
        XCTAssertEqual(site.health().map(\.id), ["cp1", "cp4", "r1", "pv", "hp", "wp"])
    }

    func testFactoryRefusesAPulseCounterOnAnUnknownBusOrWithATakenId() {
        var c = SiteConfig(grid: LevelConfig(id: "grid", parent: nil, limitA: 100, meter: .virtual))
        c.chargepoints = [ChargePointConfig(id: "cp1", board: "grid", driver: "alfen-eve", transport: .tcp(host: "h", port: 502, unit: 1))]
        c.pulseInputs = [
            PulseInputConfig(id: "pv", source: .modbusCounter(transport: .rtu(bus: "nobus", address: 3, serial: SerialSettings(baud: 9600)), register: 0),
                             pulsesPerKWh: 1000),
            PulseInputConfig(id: "cp1", source: .modbusCounter(transport: .tcp(host: "h", port: 502, unit: 2), register: 0), pulsesPerKWh: 1000),
        ]
        XCTAssertThrowsError(try DeviceFactory().build(c)) { e in
            XCTAssertEqual((e as? FactoryError)?.problems, [
                "pv: bus 'nobus' is not defined under `buses:`",
                "cp1: the id is used by another Modbus device; give each device its own id",
            ])
        }
    }

    func testFactoryRefusesWithEveryProblem() {
        var c = SiteConfig(grid: LevelConfig(id: "grid", parent: nil, limitA: 100, meter: .virtual))
        c.chargepoints = [
            ChargePointConfig(id: "cp1", board: "grid", driver: "alfen-evee", transport: .tcp(host: "h", port: 502, unit: 1)),
            ChargePointConfig(id: "cp2", board: "grid", driver: "siemens-pac2200", transport: .tcp(host: "h", port: 502, unit: 2)),
            ChargePointConfig(id: "cp3", board: "grid", driver: "alfen-eve", transport: .rtu(bus: "rs485", address: 1, serial: SerialSettings(baud: 9600))),
            ChargePointConfig(id: "cp4", board: "grid", driver: "mennekes-amtron-compact", transport: .rtu(bus: "nobus", address: 50, serial: SerialSettings(baud: 57600))),
        ]
        XCTAssertThrowsError(try DeviceFactory().build(c)) { e in
            XCTAssertEqual((e as? FactoryError)?.problems, [
                "cp1: no device profile named 'alfen-evee' (see `kwartier device list`)",
                "cp2: 'siemens-pac2200' is a meter profile, not a chargepoint",
                "cp3: Alfen Eve Single / Double (socket mode) is not reachable over Modbus RTU (profile 'alfen-eve': tcp)",
                "cp4: bus 'nobus' is not defined under `buses:`",
            ])
        }
    }

    func testSetpointClamping() throws {
        let p = try XCTUnwrap(ProfileLibrary.shared.profile("hager-witty"))
        let w = ModbusWorker(kind: .tcp(host: "127.0.0.1", port: 1))
        defer { w.stop() }
        let cp = ProfileChargePoint(id: "cp", profile: p, channel: ModbusChannel(id: "cp", label: "cp", worker: w, unit: 1))
        XCTAssertEqual(cp.effectiveSetpoint(4), 0)      // below min 6 A: pause
        XCTAssertEqual(cp.effectiveSetpoint(6), 6)
        XCTAssertEqual(cp.effectiveSetpoint(40), 32)    // max 32 A
        XCTAssertEqual(cp.effectiveSetpoint(-3), 0)
        XCTAssertEqual(cp.effectiveSetpoint(.nan), 0)
        // 0.1 A register: 10.57 A is written as 10.5 A, never rounded up.
        XCTAssertEqual(cp.effectiveSetpoint(10.57), 10.5, accuracy: 1e-9)
        XCTAssertEqual(cp.effectiveSetpoint(10.3), 10.3, accuracy: 1e-9)
        // Whole amperes (AMTRON 4You): 10.5 A is 10 A; a float register (Alfen) keeps 10.5 A.
        let whole = ProfileChargePoint(id: "cp", profile: try XCTUnwrap(ProfileLibrary.shared.profile("mennekes-4you")),
                                       channel: ModbusChannel(id: "cp", label: "cp", worker: w, unit: 1))
        XCTAssertEqual(whole.effectiveSetpoint(10.5), 10)
        XCTAssertEqual(whole.effectiveSetpoint(10.999), 10)
        let float = ProfileChargePoint(id: "cp", profile: try XCTUnwrap(ProfileLibrary.shared.profile("alfen-eve")),
                                       channel: ModbusChannel(id: "cp", label: "cp", worker: w, unit: 1))
        XCTAssertEqual(float.effectiveSetpoint(10.5), 10.5)
    }
}
