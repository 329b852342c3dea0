import XCTest
@testable import KwartierCore

/// The test shell: effects are recorded, device requests wait until the test answers them,
/// timers fire when the test moves the manual clock past them — the loop's rounds are checked
/// step by step, with no thread and no real time.
final class TestShell {
    let clock: ManualClock
    let loop: SiteLoop
    /// Every effect so far, in order.
    var effects: [SiteEffect] = []
    var timers: [(due: Double, timer: SiteTimer)] = []
    /// Charger requests (reads and writes) not answered yet, by point index.
    var outstanding: [Int] = []

    init(_ config: SiteConfig, options: LoopOptions = LoopOptions(), start: Date,
         capabilities: ChargePointCapabilities = ChargePointCapabilities(watchdogS: 60)) {
        clock = ManualClock(now: start)
        let devices = SiteDevices(points: config.chargepoints.map { .init(id: $0.id, capabilities: capabilities) },
                                  meters: config.meters.filter { if case .modbus = $0.kind { return true }; return false }.map(\.id))
        loop = SiteLoop(site: SiteController(config: config, start: start), devices: devices, clock: clock, options: options)
    }

    /// Hands an event to the loop and keeps what it asked for; returns only the new effects.
    @discardableResult
    func send(_ e: SiteEvent) -> [SiteEffect] {
        let fx = loop.handle(e)
        for f in fx {
            switch f {
            case let .schedule(t, after): timers.append((clock.mono + after, t))
            case .read(.point(let i)): outstanding.append(i)
            case .write(let w): outstanding.append(w.point)
            default: break
            }
        }
        effects += fx
        return fx
    }

    /// Moves the clock by `s`, firing every timer that falls due on the way, in order.
    @discardableResult
    func advance(_ s: Double) -> [SiteEffect] {
        let end = clock.mono + s
        var fx: [SiteEffect] = []
        while let k = timers.indices.filter({ timers[$0].due <= end + 1e-9 }).min(by: { timers[$0].due < timers[$1].due }) {
            let t = timers.remove(at: k)
            clock.advance(t.due - clock.mono)
            fx += send(.timer(t.timer))
        }
        clock.advance(end - clock.mono)
        return fx
    }

    func answer(_ point: String, _ st: ChargePointStatus) -> [SiteEffect] {
        let i = loop.devices.pointIndex(point)!
        if let k = outstanding.firstIndex(of: i) { outstanding.remove(at: k) }
        return send(.point(i, .success(st)))
    }

    /// Answers every charger request still open (and those the answers cause) with `st`.
    @discardableResult
    func answerAll(_ st: ChargePointStatus) -> [SiteEffect] {
        var fx: [SiteEffect] = []
        while let i = outstanding.first { fx += answer(loop.devices.points[i].id, st) }
        return fx
    }
    func fail(_ point: String, _ why: String) -> [SiteEffect] {
        send(.point(loop.devices.pointIndex(point)!, .failure(DeviceFailure(why))))
    }
}

extension Array where Element == SiteEffect {
    var reads: [DeviceRef] { compactMap { if case .read(let r) = $0 { return r }; return nil } }
    var writes: [SetpointWrite] { compactMap { if case .write(let w) = $0 { return w }; return nil } }
    var decisions: [SiteStep] { compactMap { if case .decided(let s) = $0 { return s }; return nil } }
}

final class SiteLoopTests: XCTestCase {
    let t0 = brussels(2026, 3, 10, 10, 0, 7)

    /// Two 3-phase points under a 25 A connection metered by P1 (stale after 10 s).
    func twoPoints() -> SiteConfig {
        var b = SiteBuilder(gridA: 25, sliderKW: 50)
        b.point("cp1")
        b.point("cp2")
        return b.config
    }

    func telegram(_ shell: TestShell, houseA: Double = 4, cars: [String: ChargePointStatus] = [:]) -> GridMeasurement {
        gridReading(at: shell.clock.now, site: shell.loop.site.controller.site, nonManagedA: PhaseValues(houseA, houseA, houseA),
                    nonManagedW: houseA * 3 * 230, points: cars)
    }

    /// Starts the loop and answers the start-up reads.
    func started(_ config: SiteConfig) -> TestShell {
        let s = TestShell(config, start: t0)
        let fx = s.send(.start)
        XCTAssertEqual(fx.reads, [.point(0), .point(1)])
        _ = s.answer("cp1", car(10)); _ = s.answer("cp2", car(10))
        return s
    }

    func testRoundCompletesWhenAllChargersAnswered() {
        let s = started(twoPoints())
        let fx = s.send(.grid(telegram(s, cars: ["cp1": car(10), "cp2": car(10)])))
        XCTAssertEqual(fx.reads, [.point(0), .point(1)], "a telegram asks every charger for a fresh status")
        XCTAssertTrue(fx.decisions.isEmpty, "no decision before the chargers answered")
        XCTAssertTrue(s.loop.roundOpen)
        XCTAssertTrue(s.answer("cp1", car(10)).decisions.isEmpty)
        let last = s.answer("cp2", car(10))
        XCTAssertEqual(last.decisions.count, 1, "the last answer closes the round")
        XCTAssertFalse(s.loop.roundOpen)
        // 25 A fuse, house 4 A per line: 21 A for two cars, 10.5 A each; both first setpoints go out.
        XCTAssertEqual(last.writes.map(\.point), [0, 1])
        XCTAssertEqual(last.writes.map(\.amps), [10.5, 10.5])
        // The timeout of the closed round fires later and decides nothing.
        XCTAssertTrue(s.advance(0.3).decisions.isEmpty)
    }

    func testRoundTimesOutWithOneChargerSilent() {
        let s = started(twoPoints())
        s.advance(0.5)
        s.send(.grid(telegram(s, cars: ["cp1": car(10), "cp2": car(10)])))
        _ = s.answer("cp1", car(10))
        // The first round waits up to 3 s (start-up), so 0.3 s is not enough yet.
        XCTAssertTrue(s.advance(0.3).decisions.isEmpty)
        let fx = s.advance(2.7)
        XCTAssertEqual(fx.decisions.count, 1, "the round closes on its timeout with cp2 silent")
        // cp2's read is still in flight: its setpoint waits for that answer, cp1's goes out.
        XCTAssertEqual(fx.writes.map(\.point), [0])
        let late = s.answer("cp2", car(10))
        XCTAssertEqual(late.writes.map(\.point), [1], "the waiting setpoint goes out right after the read")
        XCTAssertEqual(late.writes.first?.amps, 10.5)
        // Later rounds wait only 0.3 s.
        s.advance(0.7)
        _ = s.answer("cp1", car(10.5)); _ = s.answer("cp2", car(10.5))
        s.send(.grid(telegram(s, cars: ["cp1": car(10.5), "cp2": car(10.5)])))
        _ = s.answer("cp1", car(10.5))
        XCTAssertEqual(s.advance(0.3).decisions.count, 1)
    }

    func testAWriteIsAcknowledgedByItsReadBackAndANewReadWaitsForIt() {
        let s = started(twoPoints())
        s.send(.grid(telegram(s, cars: ["cp1": car(10), "cp2": car(10)])))
        _ = s.answer("cp1", car(10))
        let d = s.answer("cp2", car(10))
        XCTAssertEqual(d.writes.count, 2)
        // A telegram while both writes are in flight: no second request to a busy charger, and
        // the round waits for the writes' read-backs.
        s.advance(0.1)
        let fx = s.send(.grid(telegram(s, cars: ["cp1": car(10), "cp2": car(10)])))
        XCTAssertEqual(fx.reads, [], "a charger with a request in flight is not asked again")
        XCTAssertTrue(s.loop.roundOpen)
        _ = s.answer("cp1", car(10.5))
        XCTAssertEqual(s.answer("cp2", car(10.5)).decisions.count, 1, "the read-backs close the round")
        XCTAssertEqual(s.loop.site.pointSlot("cp1")?.status?.currents.l1, 10.5)
    }

    func testStaleMeterReachedBetweenTelegrams() {
        let s = started(twoPoints())
        s.send(.grid(telegram(s, cars: ["cp1": car(10), "cp2": car(10)])))
        _ = s.answer("cp1", car(10)); _ = s.answer("cp2", car(10))
        let fresh = s.effects.decisions.last!
        XCTAssertFalse(fresh.decision.safeState)
        // The meter goes silent. Each tick polls the chargers; once no decision came for 1.5 s
        // the tick decides itself, and past the meter's 10 s the core is in its safe state.
        var safe: SiteStep?
        var t = 0.0
        while safe == nil && t < 15 {
            s.advance(1)
            t += 1
            s.answerAll(car(10))
            safe = s.effects.decisions.first { $0.decision.safeState }
        }
        let when = s.clock.mono - 1000
        XCTAssertNotNil(safe, "no safe state 15 s after the last telegram")
        XCTAssertGreaterThan(when, 10, "safe state only after the meter's stale limit")
        XCTAssertLessThanOrEqual(when, 12)
        XCTAssertEqual(safe!.decision.points.map(\.setpointA), [6, 6], "the safe current of each point")
    }

    func testCommandBetweenTelegramsIsDecidedAtOnceAndPersisted() {
        let s = started(twoPoints())
        s.send(.grid(telegram(s, cars: ["cp1": car(10), "cp2": car(10)])))
        _ = s.answer("cp1", car(10)); _ = s.answer("cp2", car(10))
        s.answerAll(car(10.5))   // the setpoints' read-backs
        s.advance(0.4)
        let fx = s.send(.command(.setMode(point: "cp2", mode: .off), ticket: 7))
        let results = fx.compactMap { if case let .commandResult(t, r) = $0 { return (t, r) }; return nil }
        XCTAssertEqual(results.count, 1)
        XCTAssertEqual(results.first?.0, 7)
        XCTAssertEqual(try results.first?.1.get(), "cp2 set to off")
        let saved = fx.compactMap { if case .saveSettings(let st) = $0 { return st }; return nil }
        XCTAssertEqual(saved.first?.points["cp2"]?.mode, .off)
        XCTAssertEqual(fx.reads, [.point(0), .point(1)], "a command opens a round at once")
        _ = s.answer("cp1", car(10))
        let d = s.answer("cp2", car(10)).decisions
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d.first?.decision.point("cp2")?.setpointA, 0, "the next decision applies the command")

        let refused = s.send(.command(.setManualCurrent(point: "cp9", amps: 10), ticket: 8))
        XCTAssertFalse(refused.contains { if case .saveSettings = $0 { return true }; return false })
        XCTAssertTrue(refused.contains { if case .commandResult(8, .failure(let e)) = $0 { return e.description == "no charge point 'cp9'" }; return false })
        XCTAssertEqual(refused.reads, [], "a refused command opens no round")

        // A current outside the point's range is refused, not clamped: a script must know.
        let high = s.send(.command(.setManualCurrent(point: "cp1", amps: 40), ticket: 9))
        XCTAssertTrue(high.contains { if case .commandResult(9, .failure(let e)) = $0 { return e.description == "cp1: 40.0 A is outside the point's range 6.0–16.0 A" }; return false })
        XCTAssertFalse(high.contains { if case .saveSettings = $0 { return true }; return false })
    }

    func testStopPutsRelaysSafeAndEndsWithStopped() {
        var config = twoPoints()
        var sw = SwitchConfig(output: "relay3", onAboveKW: 2.5, powerKW: 2.5)
        sw.safeOn = true
        config.relays = [RelayConfig(id: "boiler", kind: .switched(sw))]
        config.outputs = [OutputConfig(id: "relay3", kind: .simulated)]
        let s = TestShell(config, start: t0)
        let start = s.send(.start)
        let driven = start.compactMap { if case .driveRelays(let d) = $0 { return d }; return nil }
        XCTAssertEqual(driven.first?.first?.outputs, [RelayOutputCommand(output: "relay3", on: false)], "relays to a defined state at start")
        let fx = s.send(.stop)
        guard case .saveState = fx.first else { return XCTFail("state saved first: \(fx)") }
        let safe = fx.compactMap { if case .relaysSafe(let c) = $0 { return c }; return nil }
        XCTAssertEqual(safe, [[RelayOutputCommand(output: "relay3", on: true)]])
        guard case .stopped = fx.last else { return XCTFail("stopped last, so the shell drains the alert hook then: \(fx)") }
        // After stop: nothing is driven any more, and a command is refused with the reason.
        XCTAssertTrue(s.send(.grid(telegram(s))).isEmpty)
        let late = s.send(.command(.setSlider(kW: 10), ticket: 3))
        XCTAssertTrue(late.contains { if case .commandResult(3, .failure(let e)) = $0 { return e.description == "the hub is stopping" }; return false })
    }

    func testTickPollsBetweenTelegramsWithoutDoubleReads() {
        let s = started(twoPoints())
        s.send(.grid(telegram(s, cars: ["cp1": car(10), "cp2": car(10)])))
        _ = s.answer("cp1", car(10)); _ = s.answer("cp2", car(10))
        s.answerAll(car(10.5))   // the setpoints' read-backs
        // A tick at the same moment as the round: everything was just asked.
        let same = s.send(.timer(.tick))
        XCTAssertEqual(same.reads, [])
        // A second later, with no telegram (a DSMR 4 meter sends every 10 s): polled again.
        let later = s.advance(1)
        XCTAssertEqual(later.reads, [.point(0), .point(1)])
        XCTAssertTrue(later.decisions.isEmpty, "a decision 1 s ago: the tick only polls")
    }

    func testACommandDuringAnOpenRoundIsAppliedByThatRound() {
        let s = started(twoPoints())
        s.send(.grid(telegram(s, cars: ["cp1": car(10), "cp2": car(10)])))
        let fx = s.send(.command(.setMode(point: "cp1", mode: .off), ticket: 1))
        XCTAssertEqual(fx.reads, [], "no second round while one is open")
        _ = s.answer("cp1", car(10))
        let d = s.answer("cp2", car(10)).decisions
        XCTAssertEqual(d.count, 1, "one decision")
        XCTAssertEqual(d.first?.decision.point("cp1")?.setpointA, 0, "and it applies the command")
        XCTAssertEqual(d.first?.decision.point("cp2")?.setpointA, 16, "cp2 gets what cp1 left (up to its 16 A)")
    }

    /// The core alone keeps the watchdog fed: an unchanged setpoint is rewritten after the
    /// driver's refresh period (an Alfen's 25 s within its 60 s validity), not before.
    func testUnchangedSetpointIsRewrittenAfterTheRefreshPeriod() {
        let s = TestShell(twoPoints(), start: t0, capabilities: ChargePointCapabilities(watchdogS: 60, refreshS: 25))
        s.send(.start)
        s.answerAll(car(10.5))
        var writesAt: [Double] = []
        for k in 0..<40 {
            let fx = s.send(.grid(telegram(s, cars: ["cp1": car(10.5), "cp2": car(10.5)])))
            let later = s.answerAll(car(10.5))
            for w in (fx + later).writes where w.point == 0 { writesAt.append(Double(k)) }
            s.advance(1)
            s.answerAll(car(10.5))
        }
        XCTAssertEqual(writesAt, [0, 25], "first write, then one refresh 25 s later")
    }
}
