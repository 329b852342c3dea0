import Foundation
import Logging
import KwartierCore

/// Runs the simulated site in real time (or `speed` times faster) on its own thread: one step a
/// simulated second, then a snapshot for the dashboard and the status file. Commands from the
/// dashboard are queued and applied by the control loop in its next step, then persisted.
public final class DemoHost: @unchecked Sendable {
    public let runner: SimulationRunner
    public let brain: KwartierBrain
    public let speed: Double
    let settingsStore: SettingsStore
    let dataDir: String
    let log = Logger(label: "demo")
    private var thread: Thread?
    private let lock = NSLock()
    private var stopped = false
    private var commandsQueued = 0
    /// Called after every step with the new snapshot (on the demo thread).
    public var onSnapshot: ((SiteSnapshot) -> Void)?
    /// Called after every step with the step itself (headless printing).
    public var onStep: ((SiteStep, SimulationRunner) -> Void)?
    private let monoStart = ProcessInfo.processInfo.systemUptime
    /// Simulated polls of each charger (every step reads every point) and failed ones, for the
    /// devices screen and the RS485 activity lights (a simulated bus has no bytes to count).
    private var polls: UInt64 = 0
    private var pollFailures: [String: UInt64] = [:]
    private var simTimeOfLog: [Date: Date] = [:]

    public init(runner: SimulationRunner, brain: KwartierBrain, speed: Double, dataDir: String) {
        self.runner = runner; self.brain = brain; self.speed = speed; self.dataDir = dataDir
        settingsStore = SettingsStore(dataDir: dataDir)
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

    public func submit(_ cmd: UserCommand) {
        brain.enqueue(cmd)
        lock.lock(); commandsQueued += 1; lock.unlock()
    }

    public func start() {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd' from 'HH:mm"
        f.timeZone = SimSiteBuilder.timeZone(runner.config)
        log.notice("simulated day \(f.string(from: runner.now)) at \(String(format: "%g", speed))x real time")
        let t = Thread { [weak self] in self?.loop() }
        t.name = "kwartier-demo"
        thread = t
        t.start()
    }

    public func stop() {
        lock.lock(); stopped = true; lock.unlock()
        while thread?.isFinished == false { usleep(10_000) }
    }

    var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

    private func loop() {
        let period = 1.0 / speed
        var next = ProcessInfo.processInfo.systemUptime
        publish()
        while !isStopped {
            next += period
            let wait = next - ProcessInfo.processInfo.systemUptime
            if wait > 0 { usleep(useconds_t(min(wait, 1) * 1_000_000)) } else { next = ProcessInfo.processInfo.systemUptime }
            if isStopped { break }
            if runner.now >= runner.end {
                log.notice("the simulated day is over; the demo stands still (restart it for another day)")
                lock.lock(); stopped = true; lock.unlock()
                break
            }
            lock.lock(); let hadCommands = commandsQueued > 0; commandsQueued = 0; lock.unlock()
            stepOnce()
            if hadCommands { persistCommands() }
            if let s = brain.lastStep {
                for w in s.newWarnings { log.warning("\(w)") }
                for a in s.alerts { log.log(level: a.active ? .warning : .info, "\(a.active ? "alert" : "cleared"): \(a.text)") }
                onStep?(s, runner)
            }
            publish()
        }
    }

    private func persistCommands() {
        var ok = false
        for r in brain.commandResults {
            switch r {
            case .success(let text): log.notice("\(text)"); ok = true
            case .failure(let e): log.error("command refused: \(e)")
            }
        }
        guard ok else { return }
        do { try settingsStore.save(brain.controller.settings) }
        catch { log.error("settings not saved: \(error)") }
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
        return snap
    }

    private func publish() {
        let snap = snapshot()
        onSnapshot?(snap)
        if let d = brain.controller.lastDecision {
            let doc = StatusDocument(pid: getpid(), written: Date(), site: brain.controller.config.site.name,
                                     sliderKW: brain.controller.settings.sliderKW,
                                     meterAgeS: brain.controller.gridAgeS(mono: runner.now.timeIntervalSince1970), decision: d)
            try? StatusFile.write(doc, dataDir: dataDir)
        }
    }

    public var settingsLoadMessages: [String] { settingsStore.loadMessages }
}
