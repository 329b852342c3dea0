import Foundation
import Synchronization
import Logging
import KwartierCore

/// `kwartier demo`: the simulated shell (`KwartierBrain`, the same site loop as `kwartier run`)
/// stepped in real time (or `speed` times faster) on its own thread. Its effects that leave
/// the site go through the same `SiteOutputs` as a real site's: settings, state, throttled
/// status, history, the alert hook and the log. Commands from the dashboard go to the brain's
/// mailbox and are taken before the next step.
// unchecked: the runner and the brain belong to the demo thread while it runs, to the caller after stop().
public final class DemoHost: @unchecked Sendable {
    // The runner and the brain belong to the demo thread while it runs, to the caller otherwise.
    public let runner: SimulationRunner
    public let brain: KwartierBrain
    public let speed: Double
    let outputs: SiteOutputs
    let answers: CommandAnswers
    let log = Logger(label: "demo")
    let onSnapshot: (@Sendable (SiteSnapshot) -> Void)?
    let onStep: (@Sendable (SiteStep, String) -> Void)?
    private var thread: Thread?
    private let stopped = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)
    /// Simulated polls of each charger (every step reads every point) and failed ones, for the
    /// devices screen and the RS485 activity lights (a simulated bus has no bytes to count).
    private var polls: UInt64 = 0
    private var pollFailures: [String: UInt64] = [:]
    private var simTimeOfLog: [Date: Date] = [:]

    /// Builds the simulated site of `config` with its loop. `onStep` gets each step with its
    /// headless line; both callbacks run on the demo thread.
    public init(config: SiteConfig, scenario: SimScenario, settings: RuntimeSettings, start: Date, speed: Double,
                onSnapshot: (@Sendable (SiteSnapshot) -> Void)? = nil,
                onStep: (@Sendable (SiteStep, String) -> Void)? = nil) throws {
        let outputs = SiteOutputs(config: config, dataDir: config.site.dataDir, logLabel: "demo")
        self.outputs = outputs
        outputs.restartHistory(from: start)
        let answers = CommandAnswers()
        self.answers = answers
        brain = KwartierBrain(config: config, settings: settings, start: start, outbox: { e in
            if case let .commandResult(ticket, r) = e {
                // After the settings: the file queue writes them first, then answers.
                if let a = answers.take(ticket) { outputs.fileQueue.async { a(r.mapError { ControlProtocol.Refusal($0.description) }) } }
                return
            }
            outputs.carryOut(e)
        })
        runner = try SimulationRunner(config: config, scenario: scenario, brain: brain, makeTelegram: VirtualP1Meter().maker)
        self.speed = speed
        self.onSnapshot = onSnapshot
        self.onStep = onStep
    }

    /// Steps the simulation without pacing until its clock reaches `t` (to open the demo at an
    /// interesting hour with cars already plugged in).
    public func fastForward(to t: Date) {
        while runner.now < t && runner.now < runner.end { stepOnce() }
    }

    private func stepOnce() {
        runner.step()
        polls += 1
        for p in runner.site.points where !p.reachable { pollFailures[p.config.id, default: 0] += 1 }
    }

    public func submit(_ cmd: UserCommand) { brain.commands.post(cmd) }

    /// From any thread (the control socket): `answer` is called once the core took the command
    /// and its settings are written, or with the reason it was refused.
    public func submit(_ cmd: UserCommand, answer: @escaping @Sendable (Result<String, ControlProtocol.Refusal>) -> Void) {
        let brain = brain
        answers.expect({ brain.commands.post(cmd) }, answer)
    }

    /// Every decision as `status.json` has it (the control socket's `explain`).
    public func onStatus(_ f: @escaping @Sendable (StatusDocument) -> Void) { outputs.onStatus = f }

    public func start() {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd' from 'HH:mm"
        f.timeZone = SimSiteBuilder.timeZone(runner.config)
        log.notice("simulated day \(f.string(from: runner.now)) at \(String(format: "%g", speed))x real time")
        let t = Thread { [self] in
            loop()
            finished.signal()
        }
        t.name = "kwartier-demo"
        thread = t
        t.start()
    }

    /// Stops the thread, then the loop (state saved, status and history written, alert hook drained).
    public func stop() {
        stopped.withLock { $0 = true }
        if thread != nil { finished.wait(); thread = nil }
        brain.stop()
    }

    var isStopped: Bool { stopped.withLock { $0 } }

    private func loop() {
        let period = 1.0 / speed
        var next = Monotonic.now
        publish()
        while !isStopped {
            next += period
            let wait = next - Monotonic.now
            if wait > 0 { usleep(useconds_t(min(wait, 1) * 1_000_000)) } else { next = Monotonic.now }
            if isStopped { break }
            if runner.now >= runner.end {
                log.notice("the simulated day is over; the demo stands still (restart it for another day)")
                break
            }
            stepOnce()
            if let s = brain.lastStep, let cb = onStep { cb(s, DemoLine.render(s, runner: runner)) }
            publish()
        }
    }

    public func snapshot() -> SiteSnapshot {
        let site = runner.site
        var extras = SnapshotExtras()
        extras.telegrams = brain.telegrams
        extras.crcFailures = brain.crcFailures
        extras.pvW = site.pv == nil ? nil : site.flows.pvW
        extras.batteryW = site.battery == nil ? nil : site.flows.batteryW
        extras.batterySoC = site.battery?.socPercent
        extras.heatPumpW = site.heatPump == nil ? nil : site.flows.heatPumpW
        // No round-trip times: nothing travels over a wire here (nil shows "-", not a fake 0 ms).
        extras.devices = [DeviceHealth(id: "p1", description: "virtual P1 meter (e-MUCS telegrams)", status: .ok,
                                       requests: UInt64(brain.telegrams), failures: UInt64(brain.crcFailures), bus: "p1")]
            + site.points.map { p in
                DeviceHealth(id: p.config.id, description: "simulated charger \(p.config.phases)", status: p.reachable ? .ok : .lost,
                             lastError: p.reachable ? nil : "\(p.config.id) does not answer",
                             requests: polls, failures: pollFailures[p.config.id] ?? 0, bus: "simulated rs485")
            }
        // Log lines on the simulated clock the header shows (the log file keeps wall time),
        // each stamped once when first seen so that it does not flicker between seconds.
        let wallNow = Date()
        var seen: [Date: Date] = [:]
        extras.log = LogRing.shared.snapshot().map { l in
            var l = l
            let t = simTimeOfLog[l.time] ?? runner.now.addingTimeInterval(-(wallNow.timeIntervalSince(l.time) * speed).rounded())
            seen[l.time] = t
            l.time = t
            return l
        }
        simTimeOfLog = seen
        var snap = brain.controller.snapshot(now: runner.now, mono: runner.now.timeIntervalSince1970, extras: extras)
        // The core estimates the house as the rest after the relays' claimed power; the
        // simulation knows the real draw (the heat pump cycles, the boiler stops when hot). The
        // boiler has no flow of its own on the dashboard: it counts with the house.
        snap.houseW = site.flows.houseW + site.flows.boilerW
        snap.history = outputs.historyView
        snap.plan = runner.energy.map { PlanView.of($0.controller, now: runner.now) }
        return snap
    }

    private func publish() {
        if let cb = onSnapshot { cb(snapshot()) }
    }
}

/// One headless line: time, grid, quarter, and each point's current.
public enum DemoLine {
    public static func render(_ s: SiteStep, runner: SimulationRunner) -> String {
        let f = DateFormatter()
        f.dateFormat = "HH:mm:ss"
        f.timeZone = SimSiteBuilder.timeZone(runner.config)
        let flows = runner.site.flows
        var line = f.string(from: runner.now) + String(format: " grid %+.1f kW pv %.1f kW", flows.gridW / 1000, flows.pvW / 1000)
        if let q = s.decision.quarter {
            line += String(format: " | quarter %.1f→%.1f/%.1f kW %3.0fs", q.averageKW, q.forecastKW, q.targetKW, q.secondsLeft(at: runner.now))
        }
        if s.decision.safeState { line += " | SAFE STATE" }
        line += " |"
        for p in s.decision.points { line += String(format: " %@ %.1f", p.id, p.setpointA) }
        for r in s.relays { line += " | \(r.id) \(r.state.text)" }
        return line
    }
}
