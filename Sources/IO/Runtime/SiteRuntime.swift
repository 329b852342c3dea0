import Foundation
import Logging
import KwartierCore

/// `kwartier run`: the real site. One serial control queue owns the `SiteController`; the P1
/// reader and every Modbus worker run on their own threads and hand their readings to it. Each
/// main-meter telegram triggers one decision for every point, and the setpoints go out at once,
/// in parallel per bus/connection. A one-second tick decides too when no telegram comes (stale
/// meter → safe state) and keeps charger watchdogs fed.
public final class SiteRuntime: @unchecked Sendable {
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let config: SiteConfig
    let controller: SiteController
    let queue = DispatchQueue(label: "kwartier.control")
    let relayQueue = DispatchQueue(label: "kwartier.relays")
    let fileQueue = DispatchQueue(label: "kwartier.files")
    let log = Logger(label: "run")
    let dataDir: String
    let lock: InstanceLock
    let settingsStore: SettingsStore
    let history: HistoryStore?
    let statePath: String

    var p1: P1Reader?
    var modbus: ModbusSite?
    var relayDriver: RelayDriver?
    var alertHook: AlertHook?
    var timer: DispatchSourceTimer?
    var lastDecisionMono: Double = 0
    var lastStatusWrite: Double = 0
    var lastStateSave: Double = 0
    var currentQuarter: QuarterStatus?
    var inFlight = Set<String>()
    var pendingWrite: [String: PointDecision] = [:]
    /// A decision round waits for fresh charger readings (taken right after the telegram, so
    /// the meter and the chargers describe the same moment), at most `roundWaitS`.
    var roundOpen = false
    var roundWaiting = Set<String>()
    var roundSerial = 0
    let roundWaitS = 0.3
    /// No decision before every charger has been read once (or failed): at start-up a car's
    /// draw would otherwise count as house load.
    var firstRoundDone = false
    var stopped = false
    var pulses: PulseInputs?
    var pulseReader: PulseCounterReader?
    var lastEnergy: [String: Double] = [:]
    var energyToday: [String: Double] = [:]
    /// Called on the control queue after every decision with the dashboard's snapshot.
    public var onSnapshot: ((SiteSnapshot) -> Void)?
    /// Called on the control queue after every decision (headless printing, tests).
    public var onStep: ((SiteStep) -> Void)?

    public init(config: SiteConfig) throws {
        self.config = config
        dataDir = config.site.dataDir
        do { lock = try InstanceLock(dataDir: dataDir) } catch { throw StartError(description: "\(error)") }
        settingsStore = SettingsStore(dataDir: dataDir)
        let settings = settingsStore.load(defaults: RuntimeSettings.defaults(for: config))
        statePath = (dataDir as NSString).appendingPathComponent("state.json")
        var state: ControllerState? = nil
        if let data = FileManager.default.contents(atPath: statePath) {
            let dec = JSONDecoder(); dec.dateDecodingStrategy = .iso8601
            state = try? dec.decode(ControllerState.self, from: data)
            if state == nil {
                let aside = statePath + ".corrupt"
                try? FileManager.default.removeItem(atPath: aside)
                try? FileManager.default.moveItem(atPath: statePath, toPath: aside)
                Logger(label: "run").error("control state \(statePath) is unreadable; moved aside to \(aside), the month peak starts again from the meter")
            }
        }
        controller = SiteController(config: config, settings: settings, state: state, start: Date())
        do { history = try HistoryStore.open(dataDir: dataDir) } catch {
            history = nil
            Logger(label: "run").error("history database unavailable: \(error)")
        }
        for m in settingsStore.loadMessages { log.error("\(m)") }
    }

    // MARK: start / stop

    public func start() throws {
        // Devices first: a configuration the factory cannot build is refused before anything is driven.
        let site: ModbusSite
        do { site = try DeviceFactory().build(config) } catch { throw StartError(description: "\(error)") }
        modbus = site
        let simulated = config.chargepoints.filter { $0.transport == .simulated }.map(\.id)
        if !simulated.isEmpty {
            throw StartError(description: "charge points \(simulated.joined(separator: ", ")) are simulated: `kwartier run` drives real devices — use `kwartier demo --config FILE` to simulate a site")
        }
        try startRelays(site)
        startPulseInputs(site)
        if let hook = config.alerts.hook { alertHook = AlertHook(command: hook) }
        try startMainMeter()
        let t = DispatchSource.makeTimerSource(queue: queue)
        t.schedule(deadline: .now() + 1, repeating: 1, leeway: .milliseconds(50))
        t.setEventHandler { [weak self] in self?.tick() }
        t.resume()
        timer = t
        queue.async { self.pollAll() }
        log.notice("driving \(config.site.name): \(config.chargepoints.count) charge points, \(site.workers.count) Modbus connections/buses")
    }

    func startMainMeter() throws {
        guard case .device(let id) = config.grid.meter, let m = config.meter(id) else {
            log.warning("the grid level has no meter: the slider cannot be kept, only the fuses of measured boards")
            return
        }
        switch m.kind {
        case let .p1(source, pass, stale):
            if source == .simulated {
                throw StartError(description: "meters.\(id) is simulated: use `kwartier demo --config FILE` to simulate a site")
            }
            let reader = try P1Reader(source: source, passthrough: pass, staleAfterS: stale)
            reader.onTelegram = { [weak self] d in
                guard let self else { return }
                self.queue.async { self.onTelegram(d) }
            }
            reader.onEvent = { [weak self] text in self?.log.notice("p1: \(text)") }
            try reader.start()
            p1 = reader
        case .modbus:
            break   // polled with the other meters; each reading triggers a decision
        }
    }

    func startRelays(_ site: ModbusSite) throws {
        guard !config.relays.isEmpty else { return }
        // Modbus coils are the site's own (on their line's worker); the factory adds the others.
        let (devices, unavailable) = RelayDeviceFactory(config: config, modbus: site).outputs()
        let driver = RelayDriver(devices: devices, unavailable: unavailable)
        relayDriver = driver
        let start = controller.relays.startDecisions
        relayQueue.async { [log] in
            for f in driver.start(start) { log.error("\(f)") }
        }
    }

    /// Stops everything: relays to their safe state, state saved, workers stopped. The chargers
    /// fall back to their own safe current when their watchdog expires.
    public func shutdown() {
        queue.sync {
            stopped = true
            timer?.cancel()
            saveState()
            flushEnergy()
            if let pi = pulses { do { try pi.save() } catch { log.error("pulse totals not saved: \(error)") } }
        }
        p1?.stop()
        if let d = relayDriver {
            let safe = controller.relays.safeCommands
            relayQueue.sync { for f in d.shutdown(safe) { log.error("\(f)") } }
        }
        modbus?.shutdown()
        log.notice("stopped; chargers fall back to their safe current when their watchdog expires")
    }

    // MARK: commands

    /// From the dashboard (any thread): applied before the next decision, then persisted.
    public func submit(_ cmd: UserCommand) {
        queue.async {
            switch self.controller.apply(cmd) {
            case .success(let text):
                self.log.notice("\(text)")
                do { try self.settingsStore.save(self.controller.settings) } catch { self.log.error("settings not saved: \(error)") }
                self.requestDecision()
            case .failure(let e):
                self.log.error("command refused: \(e)")
            }
        }
    }

    // MARK: readings (control queue)

    func onTelegram(_ d: P1Delivery) {
        guard !stopped else { return }
        controller.updateGrid(d.telegram.reading.gridMeasurement(hostTime: d.receivedAt, nominalVoltage: config.site.voltage), at: d.monotonic)
        requestDecision()
    }

    /// Reads every charger now, then decides when all have answered (or after `roundWaitS`).
    func requestDecision() {
        guard !roundOpen else { return }
        roundOpen = true
        roundSerial += 1
        let serial = roundSerial
        pollAll()
        roundWaiting = Set(modbus?.chargePoints.keys.filter { inFlight.contains($0) } ?? [])
        if roundWaiting.isEmpty { finishRound(); return }
        let wait = firstRoundDone ? roundWaitS : 3.0
        queue.asyncAfter(deadline: .now() + wait) { [weak self] in
            guard let self, self.roundOpen, self.roundSerial == serial else { return }
            self.finishRound()
        }
    }

    func finishRound() {
        roundOpen = false
        roundWaiting.removeAll()
        firstRoundDone = true
        decideAndAct(now: Date())
    }

    /// Every second: poll devices, and decide if no telegram did in the last 1.5 s.
    func tick() {
        guard !stopped else { return }
        if Monotonic.now - lastDecisionMono > 1.5 { requestDecision() } else { pollAll() }
        pollPulses()
    }

    func pollAll() {
        guard let site = modbus else { return }
        for (id, cp) in site.chargePoints {
            guard !inFlight.contains(id), let w = site.worker(for: id) else { continue }
            inFlight.insert(id)
            w.submit(timeout: 0.9, { try cp.readStatus() }) { [weak self] r in
                guard let self else { return }
                self.queue.async { self.pointResult(id, r, watchdogS: cp.capabilities.watchdogS) }
            }
        }
        for (id, m) in site.meters {
            guard !inFlight.contains(id), let w = site.worker(for: id) else { continue }
            inFlight.insert(id)
            w.submit(timeout: 0.9, { try m.readMeter() }) { [weak self] r in
                guard let self else { return }
                self.queue.async { self.meterResult(id, r) }
            }
        }
        for (id, inv) in site.inverters {
            guard !inFlight.contains(id), let w = site.worker(for: id) else { continue }
            inFlight.insert(id)
            w.submit(timeout: 2, { try inv.readInverter() }) { [weak self] r in
                guard let self else { return }
                self.queue.async {
                    self.inFlight.remove(id)
                    if case .success(let m) = r { self.controller.updateInverter(id, m, at: Monotonic.now) }
                }
            }
        }
    }

    func pointResult(_ id: String, _ r: Result<ChargePointStatus, Error>, watchdogS: Double?) {
        inFlight.remove(id)
        switch r {
        case .success(let st):
            controller.updatePoint(id, status: st, reachable: true, watchdogS: watchdogS, at: Monotonic.now)
            accountEnergy(id, st)
        case .failure(let e):
            // No fresh status, whatever the cause (silence, exception, lost-device backoff): the
            // point is budgeted at its safe current or last draw until it answers again.
            let wasReachable = controller.pointSlot(id)?.reachable ?? true
            controller.updatePoint(id, status: nil, reachable: false, error: "\(e)", watchdogS: watchdogS, at: Monotonic.now)
            if wasReachable { log.warning("\(e)") }
        }
        if let next = pendingWrite.removeValue(forKey: id) { write(next) }
        if roundOpen && roundWaiting.remove(id) != nil && roundWaiting.isEmpty { finishRound() }
    }

    func meterResult(_ id: String, _ r: Result<MeterMeasurement, Error>) {
        inFlight.remove(id)
        guard case .success(let m) = r else {
            if case .failure(let e) = r { log.debug("\(e)") }
            return
        }
        if case .device(let gid) = config.grid.meter, gid == id {
            controller.updateGrid(GridMeasurement(meterTime: Date(), meter: m), at: Monotonic.now)
            requestDecision()
        } else {
            controller.updateMeter(id, m, at: Monotonic.now)
        }
    }

    // MARK: decide and act (control queue)

    func decideAndAct(now: Date) {
        guard !stopped else { return }
        let mono = Monotonic.now
        lastDecisionMono = mono
        let step = controller.step(now: now, mono: mono)
        for p in step.decision.points where p.send { write(p) }
        if step.relays.contains(where: \.changed), let d = relayDriver {
            let rd = step.relays
            relayQueue.async { [log] in for f in d.apply(rd) { log.error("\(f)") } }
        }
        for w in step.newWarnings { log.warning("\(w)") }
        for a in step.alerts {
            log.log(level: a.active ? .warning : .info, "\(a.active ? "alert" : "cleared"): \(a.text)")
            alertHook?.fire(a)
        }
        recordQuarter(step.decision.quarter)
        onStep?(step)
        if let cb = onSnapshot { cb(snapshot(now: now, mono: mono)) }
        if mono - lastStatusWrite >= 1 { lastStatusWrite = mono; writeStatus(step.decision, mono: mono) }
        if mono - lastStateSave >= 60 { saveState() }
    }

    /// Sends one setpoint on the point's worker; a newer one waits for the write in flight.
    func write(_ p: PointDecision) {
        guard let site = modbus, let cp = site.chargePoints[p.id], let w = site.worker(for: p.id) else { return }
        if inFlight.contains(p.id) { pendingWrite[p.id] = p; return }
        inFlight.insert(p.id)
        let amps = p.setpointA, phases = p.phases
        w.submit(timeout: 0.9, { () -> ChargePointStatus in
            if let ph = phases { try cp.switchPhases(ph) }
            try cp.writeCurrent(amps)
            return try cp.readStatus()
        }) { [weak self] r in
            guard let self else { return }
            self.queue.async { self.pointResult(p.id, r, watchdogS: cp.capabilities.watchdogS) }
        }
    }

    func snapshot(now: Date, mono: Double) -> SiteSnapshot {
        var extras = SnapshotExtras()
        if let r = p1 {
            let s = r.stats
            extras.telegrams = s.telegrams
            extras.crcFailures = s.crcFailures
            let age = s.ageS(nowMonotonic: p1Now())
            extras.devices.append(DeviceHealth(id: "p1", description: "P1 \(r.sourceLabel)" + (s.serialSettings.map { " \($0)" } ?? ""),
                                               status: s.connected ? ((age ?? 99) < r.staleAfterS ? .ok : .failing) : .lost,
                                               lastError: s.lastError, requests: UInt64(s.telegrams), failures: UInt64(s.crcFailures), bus: "p1"))
        }
        extras.devices += modbus?.health() ?? []
        pulseExtras(&extras)
        extras.log = LogRing.shared.snapshot()
        return controller.snapshot(now: now, mono: mono, extras: extras)
    }

    func writeStatus(_ d: Decision, mono: Double) {
        let doc = StatusDocument(pid: getpid(), written: Date(), site: config.site.name, sliderKW: controller.settings.sliderKW,
                                 meterAgeS: controller.gridAgeS(mono: mono), decision: d)
        let dir = dataDir
        fileQueue.async { try? StatusFile.write(doc, dataDir: dir) }
    }

    func saveState() {
        lastStateSave = Monotonic.now
        let enc = JSONEncoder(); enc.dateEncodingStrategy = .iso8601
        do { try AtomicFile.write(try enc.encode(controller.state), to: statePath) }
        catch { log.error("control state not saved: \(error)") }
    }

    /// Records each finished quarter in the history database.
    func recordQuarter(_ q: QuarterStatus?) {
        guard let q else { return }
        if let cur = currentQuarter, cur.start != q.start, let h = history {
            flushEnergy()
            pulses?.save(on: fileQueue) { [log] e in log.error("pulse totals not saved: \(e)") }
            let done = HistoryStore.Quarter(start: cur.start, averageKW: cur.importedKWh / 0.25, importKWh: cur.importedKWh)
            fileQueue.async { [log] in
                do { try h.recordQuarter(done) } catch { log.error("history: \(error)") }
            }
        }
        currentQuarter = q
    }
}
