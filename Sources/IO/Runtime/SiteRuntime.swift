import Foundation
import Synchronization
import Logging
import KwartierCore

/// `kwartier run`: the real shell around the site loop. Every source — the P1 reader's thread,
/// each Modbus worker, timers, the dashboard's commands — puts its events on one channel; one
/// task takes them in order and owns the loop and everything it touches (`RealSiteShell`).
/// This object only holds what any thread may use: the channel, the instance lock, and a way to
/// wait for the end.
public final class SiteRuntime: Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let config: SiteConfig
    let lock: InstanceLock
    let events: AsyncStream<SiteEvent>
    let channel: AsyncStream<SiteEvent>.Continuation
    let finished = DispatchSemaphore(value: 0)
    let started = Mutex(false)
    let tickets = Mutex<UInt64>(0)
    let answers = CommandAnswers()
    let notify: SdNotify?
    let onStatus: (@Sendable (StatusDocument) -> Void)?
    let onSnapshot: (@Sendable (SiteSnapshot) -> Void)?
    let onStep: (@Sendable (SiteStep) -> Void)?

    /// Takes the data dir's lock (a second instance is refused). `onSnapshot` and `onStep` are
    /// called on the loop's task after every decision, `onStatus` with each decision as
    /// `status.json` has it. `notify` gets WATCHDOG=1 from the loop.
    public init(config: SiteConfig, onSnapshot: (@Sendable (SiteSnapshot) -> Void)? = nil,
                onStep: (@Sendable (SiteStep) -> Void)? = nil, onStatus: (@Sendable (StatusDocument) -> Void)? = nil,
                notify: SdNotify? = nil) throws {
        self.config = config
        self.notify = notify
        self.onStatus = onStatus
        do { lock = try InstanceLock(dataDir: config.site.dataDir) } catch { throw StartError(description: "\(error)") }
        (events, channel) = AsyncStream.makeStream(of: SiteEvent.self)
        self.onSnapshot = onSnapshot
        self.onStep = onStep
    }

    /// Builds the devices (a configuration the factory cannot build is refused before anything
    /// is driven), starts the meter reader and the loop.
    public func start(commission: PhaseCommissionJob? = nil) throws {
        let shell = try RealSiteShell(config: config, channel: channel, onSnapshot: onSnapshot, onStep: onStep)
        shell.commission = commission
        shell.answers = answers
        shell.notify = notify
        shell.outputs.onStatus = onStatus
        try shell.startMeter()
        for f in shell.feeds { f.start() }
        started.withLock { $0 = true }
        let events = events, finished = finished
        Task.detached {
            await shell.run(events)
            finished.signal()
        }
        channel.yield(.start)
    }

    /// From any thread (the dashboard): applied before the next decision, then persisted.
    public func submit(_ cmd: UserCommand) {
        let t = tickets.withLock { $0 += 1; return $0 }
        channel.yield(.command(cmd, ticket: t))
    }

    /// From any thread (the MQTT link): a message from another hub of the fleet.
    public func deliver(_ m: HubIncoming) { channel.yield(.hub(m)) }

    /// From any thread (the control socket): `answer` is called once the core took the command
    /// and its settings are written, or with the reason it was refused.
    public func submit(_ cmd: UserCommand, answer: @escaping @Sendable (Result<String, ControlProtocol.Refusal>) -> Void) {
        let t = tickets.withLock { $0 += 1; return $0 }
        answers.expect(t, answer)
        channel.yield(.command(cmd, ticket: t))
    }

    /// Stops: state saved, relays to their safe state, the alert hook drained, workers stopped.
    /// The chargers fall back to their own safe current when their watchdog expires.
    public func shutdown() {
        guard started.withLock({ $0 }) else { return }
        channel.yield(.stop)
        finished.wait()
        withExtendedLifetime(lock) {}
    }
}

/// The wall clock and the host's monotonic clock.
final class SystemClock: SiteClock {
    var now: Date { Date() }
    var mono: Double { Monotonic.now }
}

/// Owns the loop and carries out its effects on real devices and files. Used by one task only.
final class RealSiteShell {
    let config: SiteConfig
    let loop: SiteLoop
    let devices: SiteDeviceSet
    let modbus: ModbusSite
    let outputs: SiteOutputs
    let channel: AsyncStream<SiteEvent>.Continuation
    let onSnapshot: (@Sendable (SiteSnapshot) -> Void)?
    let onStep: (@Sendable (SiteStep) -> Void)?
    let relayDriver: RelayDriver?
    let ocpp: OCPPServer?
    let relayQueue = DispatchQueue(label: "kwartier.relays")
    let log = Logger(label: "run")
    var p1: P1Reader?
    /// The energy manager's sources (prices, weather), fetched off the loop.
    var feeds: [SourceFeed] = []
    var relaysStarted = false
    var done = false
    var answers: CommandAnswers?
    var notify: SdNotify?
    /// `kwartier commission phases`: the points to check, one after the other.
    var commission: PhaseCommissionJob?

    init(config: SiteConfig, channel: AsyncStream<SiteEvent>.Continuation, onSnapshot: (@Sendable (SiteSnapshot) -> Void)?,
         onStep: (@Sendable (SiteStep) -> Void)?) throws {
        self.config = config
        self.channel = channel
        self.onSnapshot = onSnapshot
        self.onStep = onStep
        let simulated = config.chargepoints.filter { $0.transport == .simulated }.map(\.id)
        if !simulated.isEmpty {
            throw SiteRuntime.StartError(description: "charge points \(simulated.joined(separator: ", ")) are simulated: `kwartier run` drives real devices — use `kwartier demo --config FILE` to simulate a site")
        }
        do { modbus = try DeviceFactory().build(config) } catch { throw SiteRuntime.StartError(description: "\(error)") }
        let dataDir = config.site.dataDir
        outputs = SiteOutputs(config: config, dataDir: dataDir, logLabel: "run")
        let relayFactory = RelayDeviceFactory(config: config, modbus: modbus)
        let cloud: [String: ChargePointDevice]
        do { cloud = try CloudDevices.build(config); ocpp = try OCPPServer.make(config); try ocpp?.start() } catch {
            modbus.shutdown()
            throw SiteRuntime.StartError(description: "\(error)")
        }
        devices = SiteDeviceSet.build(config: config, modbus: modbus, pulseFactory: relayFactory,
                                      pulseQueue: QueueExecutor(label: "kwartier.pulses"), ocpp: ocpp, cloud: cloud)
        for p in devices.problems { log.error("\(p)") }
        if config.relays.isEmpty {
            relayDriver = nil
        } else {
            let (outs, unavailable) = relayFactory.outputs()
            relayDriver = RelayDriver(devices: outs, unavailable: unavailable)
        }
        let store = SettingsStore(dataDir: dataDir)
        let settings = store.load(defaults: RuntimeSettings.defaults(for: config))
        for m in store.loadMessages { log.error("\(m)") }
        let state = SiteOutputs.loadState(dataDir: dataDir, log: log)
        let site = SiteController(config: config, settings: settings, state: state, start: Date())
        var options = LoopOptions()
        options.manageEnergy = true
        loop = SiteLoop(site: site, devices: devices.loopDevices, clock: SystemClock(), options: options,
                        pulseStates: SiteOutputs.loadPulses(dataDir: dataDir, log: log))
        let deliver: @Sendable (SiteEvent) -> Void = { [channel] e in channel.yield(e) }
        if loop.energy != nil {
            feeds = [SourceFeed.prices(config, deliver: deliver), SourceFeed.weather(config, deliver: deliver)].compactMap { $0 }
        } else if config.energy != nil {
            // The prices still plan the cars with a ready-by target.
            feeds = [SourceFeed.prices(config, deliver: deliver)].compactMap { $0 }
            log.notice("energy: no battery or curtailment to steer (or its inverter is not polled): prices only plan the cars' ready-by targets")
        }
        loop.resumeSessions(outputs.openSessions())
        if loop.energy != nil, let p = outputs.loadProfile(now: Date(), carIds: Set(config.chargepoints.map(\.id))) {
            loop.seedLoadProfile(p)
            log.notice(p.isEmpty ? "energy: the history holds no quarter of the last \(p.weeks) weeks: the house load forecast starts flat"
                                 : "energy: house load forecast from the history's last \(p.weeks) weeks (\(p.samples) quarters)")
        }
    }

    func startMeter() throws {
        if let p = config.parentHub?.parent {
            log.notice("driving \(config.site.name): \(config.chargepoints.count) charge points under the allowance of hub \(p)")
            return
        }
        guard case .device(let id) = config.grid.meter, let m = config.meter(id) else {
            log.warning("the grid level has no meter: the slider cannot be kept, only the fuses of measured boards")
            return
        }
        guard case let .p1(source, pass, stale) = m.kind else { return }   // a Modbus main meter is polled
        if source == .simulated {
            throw SiteRuntime.StartError(description: "meters.\(id) is simulated: use `kwartier demo --config FILE` to simulate a site")
        }
        let reader: P1Reader
        do { reader = try P1Reader(source: source, passthrough: pass, staleAfterS: stale) } catch {
            throw SiteRuntime.StartError(description: "\(error)")
        }
        let channel = channel, voltage = config.site.voltage, log = log
        reader.onTelegram = { d in
            channel.yield(.grid(d.telegram.reading.gridMeasurement(hostTime: d.receivedAt, nominalVoltage: voltage)))
        }
        reader.onEvent = { text in log.notice("p1: \(text)") }
        do { try reader.start() } catch { throw SiteRuntime.StartError(description: "\(error)") }
        p1 = reader
        log.notice("driving \(config.site.name): \(config.chargepoints.count) charge points, \(modbus.workers.count) Modbus connections/buses")
    }

    func run(_ events: AsyncStream<SiteEvent>) async {
        for await e in events {
            for f in loop.handle(e) { perform(f) }
            commission?.advance(loop, now: Monotonic.now)
            notify?.loopAlive(now: Monotonic.now)
            if done { break }
        }
    }

    // MARK: effects

    func perform(_ e: SiteEffect) {
        switch e {
        case .read(let ref): read(ref)
        case .write(let w): write(w)
        case .safeCurrent(let job): safeCurrent(job)
        case let .controlInverter(i, setting): controlInverter(i, setting)
        case .driveRelays(let ds):
            guard let d = relayDriver else { break }
            let first = !relaysStarted, log = log
            relaysStarted = true
            relayQueue.async { for f in (first ? d.start(ds) : d.apply(ds)) { log.error("\(f)") } }
        case .relaysSafe(let cmds):
            guard let d = relayDriver else { break }
            relayQueue.sync { for f in d.shutdown(cmds) { log.error("\(f)") } }
        case .phasesFound(let report):
            outputs.carryOut(e)
            commission?.found(report)
        case .decided(let step):
            onStep?(step)
            if let cb = onSnapshot { cb(snapshot()) }
        case let .schedule(t, after):
            let channel = channel
            DispatchQueue.global().asyncAfter(deadline: .now() + after) { channel.yield(.timer(t)) }
        case let .commandResult(ticket, r):
            // After the settings: the file queue writes them first, then answers.
            if let a = answers?.take(ticket) {
                outputs.fileQueue.async { a(r.mapError { ControlProtocol.Refusal($0.description) }) }
            }
        case .stopped:
            outputs.carryOut(e)
            p1?.stop()
            for f in feeds { f.stop() }
            modbus.shutdown()
            ocpp?.stop()
            done = true
            channel.finish()
        default:
            outputs.carryOut(e)
        }
    }

    func read(_ ref: DeviceRef) {
        let channel = channel
        switch ref {
        case .point(let i):
            let d = devices.points[i].device
            devices.points[i].executor.submit(timeout: 0.9, { try d.readStatus() }) { r in
                channel.yield(.point(i, r.mapError(Self.failure)))
            }
        case .meter(let i):
            let d = devices.meters[i].device
            devices.meters[i].executor.submit(timeout: 0.9, { try d.readMeter() }) { r in
                channel.yield(.meter(i, r.mapError(Self.failure)))
            }
        case .inverter(let i):
            let d = devices.inverters[i].device
            devices.inverters[i].executor.submit(timeout: 2, { try d.readInverter() }) { r in
                channel.yield(.inverter(i, r.mapError(Self.failure)))
            }
        case .pulse(let i):
            let d = devices.pulses[i].entry.device
            devices.pulses[i].entry.executor.submit(timeout: 0.9, { try d.readCount() }) { r in
                channel.yield(.pulse(i, r.mapError(Self.failure)))
            }
        }
    }

    /// Writes the setpoint (phases first when they change), then reads the status back. The
    /// write goes ahead of reads queued on its line; the read-back is a job of its own, queued
    /// when the write is done: on a line shared by many points it comes after the round's other
    /// writes already waiting there, so every setpoint of a round reaches its charger before the
    /// line spends time on read-backs.
    func write(_ w: SetpointWrite) {
        let d = devices.points[w.point].device, executor = devices.points[w.point].executor, channel = channel
        let deadline = Monotonic.now + Self.writeTimeoutS
        executor.submitAhead(timeout: Self.writeTimeoutS, { () -> Void in
            if let ph = w.phases { try d.switchPhases(ph) }
            try d.writeCurrent(w.amps)
        }) { r in
            if case .failure(let e) = r { channel.yield(.point(w.point, .failure(Self.failure(e)))); return }
            executor.submit(timeout: max(Self.readBackMinS, deadline - Monotonic.now), { try d.readStatus() }) { r in
                channel.yield(.point(w.point, r.mapError(Self.failure)))
            }
        }
    }

    /// A setpoint write and its read-back finish within this (s); the read-back gets at least
    /// `readBackMinS` even when the write used the rest.
    static let writeTimeoutS = 0.9, readBackMinS = 0.2

    /// The battery setpoint and PV limit through the inverter's profile, on the worker of its line.
    func controlInverter(_ i: Int, _ s: InverterSetting) {
        let d = devices.inverters[i].device, channel = channel
        devices.inverters[i].executor.submit(timeout: 5, { () -> InverterSetting in
            try d.control(s)
            return s
        }) { r in
            channel.yield(.inverterControlled(i, r.mapError(Self.failure)))
        }
    }

    /// Writes the point's safe current to the charger (unless only read), then reads it back.
    func safeCurrent(_ job: SafeCurrentJob) {
        let d = devices.points[job.point].device, channel = channel
        devices.points[job.point].executor.submit(timeout: 0.9, { () -> Double? in
            if job.write { try d.writeSafeCurrent(job.amps) }
            return try d.readSafeCurrent()
        }) { r in
            channel.yield(.safeCurrent(job.point, r.mapError(Self.failure)))
        }
    }

    static func failure(_ e: Error) -> DeviceFailure { DeviceFailure("\(e)") }

    // MARK: snapshot

    func snapshot() -> SiteSnapshot {
        let site = loop.site
        let now = Date(), mono = Monotonic.now
        var extras = SnapshotExtras()
        if let r = p1 {
            let s = r.stats
            extras.telegrams = s.telegrams
            extras.crcFailures = s.crcFailures
            let age = s.ageS(nowMonotonic: Monotonic.now)
            extras.devices.append(DeviceHealth(id: "p1", description: "P1 \(r.sourceLabel)" + (s.serialSettings.map { " \($0)" } ?? ""),
                                               status: s.connected ? ((age ?? 99) < r.staleAfterS ? .ok : .failing) : .lost,
                                               lastError: s.lastError, requests: UInt64(s.telegrams), failures: UInt64(s.crcFailures), bus: "p1"))
        }
        extras.devices += modbus.health()
        extras.devices += ocpp?.health() ?? []
        Self.addSafeCurrent(loop, to: &extras.devices)
        pulseExtras(&extras, mono: mono)
        extras.log = LogRing.shared.snapshot()
        var snap = site.snapshot(now: now, mono: mono, extras: extras)
        snap.history = outputs.historyView
        snap.plan = loop.planView(now: now)
        return snap
    }

    /// Each charger's safe-current check on its device line (the Devices screen shows it).
    static func addSafeCurrent(_ loop: SiteLoop, to lines: inout [DeviceHealth]) {
        // By id, not a search per point: a snapshot a decision, 250 points.
        let index = Dictionary(lines.indices.map { (lines[$0].id, $0) }, uniquingKeysWith: { a, _ in a })
        for (i, check) in loop.safeChecks.enumerated() {
            guard let check, let k = index[loop.devices.points[i].id] else { continue }
            lines[k].safeCurrent = check.text
            lines[k].safeCurrentProblem = check.isProblem
        }
    }

    /// A device line for each pulse input, and PV production from them when no inverter is read.
    func pulseExtras(_ extras: inout SnapshotExtras, mono: Double) {
        var production = 0.0, haveProduction = false
        for (i, p) in devices.pulses.enumerated() {
            guard i < loop.pulseReadings.count, let r = loop.pulseReadings[i] else { continue }
            let cfg = p.config
            var line: DeviceHealth
            switch r {
            case .success(let reading):
                line = DeviceHealth(id: cfg.id, description: String(format: "S0 %@: %.2f kW, %.3f kWh", cfg.measures,
                                                                    reading.powerW / 1000, reading.energyKWh), status: .ok, bus: "s0")
                if cfg.measures == "production" { production += reading.powerW; haveProduction = true }
            case .failure(let e):
                line = DeviceHealth(id: cfg.id, description: "S0 \(cfg.measures)", status: .failing, lastError: e.description, bus: "s0")
            }
            // A Modbus counter already has its line (with the line's health figures): it gets the reading.
            if let k = extras.devices.firstIndex(where: { $0.id == cfg.id }) {
                extras.devices[k].description = line.description
            } else {
                extras.devices.append(line)
            }
        }
        if haveProduction && loop.site.inverterTotals(mono: mono) == nil { extras.pvW = production }
    }
}
