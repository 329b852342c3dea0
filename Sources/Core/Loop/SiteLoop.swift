import Foundation

/// The site loop: the one event-driven loop that `kwartier run`, `demo` and `simulate` share.
///
/// Events go in (a telegram, a device's answer, a tick, a round's timeout, a user command,
/// stop); effects come out (read a device, write a setpoint, drive relays, publish, save,
/// record, alert, log, schedule a timer). It does no I/O and reads time only from its injected
/// clock, so a shell decides how effects are carried out: the real one on device workers and
/// files, the simulated one synchronously against the simulated site, the tests by hand.
///
/// A decision round: a main-meter reading opens it and asks every charger for a fresh status
/// (so the meter and the chargers describe the same moment); it closes when all have answered or
/// after `roundWaitS`, then the core decides. A setpoint for a charger whose read is in flight
/// waits for that read and goes out right after it. A write is acknowledged by the status read
/// back in the same job. The tick polls devices between telegrams and decides on its own when no
/// decision came for `decideWhenIdleS` (a silent meter reaches its stale limit and the core's
/// safe state that way).
///
/// Not thread-safe by design: one owner (a task, a thread or a test) calls `handle`.
public final class SiteLoop {
    public let site: SiteController
    public let devices: SiteDevices
    public let options: LoopOptions
    let clock: SiteClock

    /// The index of the polled main meter in `devices.meters`, when the main meter is polled.
    let mainMeter: Int?
    /// Device index of each decided point (decision order), nil for a point with no device.
    let deviceOfDecision: [Int?]
    /// Decision index of each point device (the inverse of `deviceOfDecision`; ids are unique).
    let decisionOfDevice: [Int?]

    // The loop's working state below is touched on every event (a backtest: ~45 events a
    // simulated second). `@exclusivity(unchecked)` drops the run-time exclusivity check of each
    // access: the loop has one owner by design (see above) and never holds an access to one of
    // these across a call that touches it again.

    // Devices: a request in flight, and when each was last asked (mono).
    @exclusivity(unchecked) var pointBusy: [Bool]
    @exclusivity(unchecked) var pointAskedAt: [Double]
    @exclusivity(unchecked) var meterBusy: [Bool]
    @exclusivity(unchecked) var meterAskedAt: [Double]
    @exclusivity(unchecked) var inverterBusy: [Bool]
    @exclusivity(unchecked) var inverterAskedAt: [Double]
    @exclusivity(unchecked) var pulseBusy: [Bool]
    @exclusivity(unchecked) var pendingWrite: [SetpointWrite?]

    // The state below is `@exclusivity(unchecked)` for the same reason as the working state
    // above (one owner; a backtest touches it on every event).
    // The chargers' own safe current (SiteLoop+SafeCurrent.swift), by device index.
    @exclusivity(unchecked) public internal(set) var safeChecks: [SafeCurrentCheck?]
    @exclusivity(unchecked) var safeDue: [Bool]
    @exclusivity(unchecked) var safeBusy: [Bool]
    @exclusivity(unchecked) var safeRetryAt: [Double]

    // Commissioning: the point whose setpoint is being stepped (SiteLoop+PhaseProbe.swift).
    @exclusivity(unchecked) public internal(set) var phaseProbe: PhaseProbe?
    @exclusivity(unchecked) public internal(set) var phaseReport: PhaseProbe.Report?
    @exclusivity(unchecked) var probeSentA: Double?
    /// The wiring check on the loop's own data (SiteLoop+Wiring.swift).
    @exclusivity(unchecked) public internal(set) var wiringWatch: WiringWatch

    // The decision round.
    @exclusivity(unchecked) public private(set) var roundOpen = false
    @exclusivity(unchecked) var roundMember: [Bool]
    @exclusivity(unchecked) var roundWaiting = 0
    @exclusivity(unchecked) var roundSerial = 0
    @exclusivity(unchecked) var firstRoundDone = false

    @exclusivity(unchecked) public private(set) var stopped = false
    @exclusivity(unchecked) var lastDecisionMono = -Double.infinity
    @exclusivity(unchecked) var lastStatusMono = -Double.infinity
    @exclusivity(unchecked) var lastStateMono: Double
    @exclusivity(unchecked) var lastPulsesSaveMono: Double
    @exclusivity(unchecked) var currentQuarter: QuarterStatus?

    // What the history gets at each quarter's end (SiteLoop+History.swift).
    @exclusivity(unchecked) var book: HistoryBook
    let historyKeys: HistoryKeys
    let calendar: Calendar

    // Pulse inputs.
    @exclusivity(unchecked) var pulseMeters: [PulseMeter]
    /// The latest reading of each pulse input (nil before the first).
    @exclusivity(unchecked) public private(set) var pulseReadings: [Result<PulseReading, DeviceFailure>?]

    @exclusivity(unchecked) var out: [SiteEffect] = []
    /// The wiring watch's per-point terminals of this decision (SiteLoop+Wiring.swift), reused.
    @exclusivity(unchecked) var wiringTerminals: [PhaseValues?] = []

    /// The home energy manager (SiteLoop+Energy.swift), when `options.manageEnergy` and the
    /// configuration has one.
    @exclusivity(unchecked) public internal(set) var energy: LoopEnergy?
    /// Cars with a ready-by target (SiteLoop+CarPlan.swift): their planned quarters.
    @exclusivity(unchecked) public internal(set) var carPlans: CarPlanFollower

    public init(site: SiteController, devices: SiteDevices, clock: SiteClock, options: LoopOptions = LoopOptions(),
                pulseStates: [String: PulseMeterState] = [:]) {
        self.site = site
        self.devices = devices
        self.clock = clock
        self.options = options
        let n = devices.points.count
        pointBusy = Array(repeating: false, count: n)
        pointAskedAt = Array(repeating: -.infinity, count: n)
        pendingWrite = Array(repeating: nil, count: n)
        let safeA = Dictionary(site.config.chargepoints.map { ($0.id, $0.safeA) }, uniquingKeysWith: { a, _ in a })
        safeChecks = devices.points.map { p in
            p.capabilities.safeCurrent.map { SafeCurrentCheck(configuredA: safeA[p.id] ?? 0, access: $0) }
        }
        safeDue = safeChecks.map { $0 != nil }
        safeBusy = Array(repeating: false, count: n)
        safeRetryAt = Array(repeating: -.infinity, count: n)
        wiringWatch = WiringWatch(points: site.config.chargepoints.map { ($0.id, $0.phases) })
        roundMember = Array(repeating: false, count: n)
        meterBusy = Array(repeating: false, count: devices.meters.count)
        meterAskedAt = Array(repeating: -.infinity, count: devices.meters.count)
        inverterBusy = Array(repeating: false, count: devices.inverters.count)
        inverterAskedAt = Array(repeating: -.infinity, count: devices.inverters.count)
        pulseBusy = Array(repeating: false, count: devices.pulses.count)
        pulseMeters = devices.pulses.map { PulseMeter(config: $0, state: pulseStates[$0.id] ?? PulseMeterState()) }
        pulseReadings = Array(repeating: nil, count: devices.pulses.count)
        if case .device(let id) = site.config.grid.meter { mainMeter = devices.meterIndex(id) } else { mainMeter = nil }
        deviceOfDecision = site.controller.site.pointIds.map { devices.pointIndex($0) }
        decisionOfDevice = devices.points.map { site.controller.site.pointIndex[$0.id] }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: site.config.site.timeZone) ?? TimeZone(identifier: "UTC")!
        calendar = cal
        book = HistoryBook(clock: QuarterClock(timeZone: cal.timeZone))
        book.pointCounters = Array(repeating: EnergyCounter(), count: n)
        historyKeys = HistoryKeys(devices: devices, boards: site.config.boards)
        lastStateMono = clock.mono
        lastPulsesSaveMono = clock.mono
        if options.manageEnergy { energy = LoopEnergy.make(config: site.config, devices: devices) }
        carPlans = CarPlanFollower(formula: site.config.energy?.formula ?? SupplierFormula(), sliderKW: site.settings.sliderKW,
                                   timeZone: cal.timeZone, staleAfterH: site.config.energy?.staleAfterH ?? 36)
    }

    /// Handles one event and returns what the shell must do, in order.
    public func handle(_ event: SiteEvent) -> [SiteEffect] {
        out.removeAll(keepingCapacity: true)
        if stopped {
            if case .command(_, let ticket) = event {
                out.append(.commandResult(ticket: ticket, .failure(SiteController.CommandError("the hub is stopping"))))
            }
            return out
        }
        switch event {
        case .start: start()
        case .grid(let g):
            site.updateGrid(g, at: clock.mono)
            requestDecision()
        case let .point(i, r): pointAnswered(i, r)
        case let .meter(i, r): meterAnswered(i, r)
        case let .safeCurrent(i, r): safeCurrentAnswered(i, r)
        case let .inverter(i, r):
            inverterBusy[i] = false
            if case .success(let m) = r { site.updateInverter(devices.inverters[i], m, at: clock.mono) }
        case let .pulse(i, r):
            pulseBusy[i] = false
            switch r {
            case .success(let count): pulseReadings[i] = .success(pulseMeters[i].update(count: count, at: clock.now))
            case .failure(let e): pulseReadings[i] = .failure(e)
            }
        case let .inverterControlled(i, r): inverterControlled(i, r)
        case .prices(let u): pricesArrived(u)
        case .weather(let u): weatherArrived(u)
        case .timer(.tick): tick()
        case .timer(.roundTimeout(let serial)):
            if roundOpen && serial == roundSerial { finishRound() }
        case .hub(let m):
            // A child has no meter of its own: its parent's allowance, once a decision, paces it.
            if site.receive(m, at: clock.mono) { requestDecision() }
        case let .command(cmd, ticket): command(cmd, ticket: ticket)
        case .stop: stop()
        }
        observeForHistory(event)
        return out
    }

    /// The pulse totals to persist.
    public var pulseStates: [String: PulseMeterState] {
        var s: [String: PulseMeterState] = [:]
        for (i, m) in pulseMeters.enumerated() { s[devices.pulses[i].id] = m.state }
        return s
    }

    // MARK: events

    func start() {
        out.append(.driveRelays(site.relays.startDecisions))
        pollAll()
        out.append(.schedule(.tick, afterS: options.tickS))
    }

    func pointAnswered(_ i: Int, _ r: Result<ChargePointStatus, DeviceFailure>) {
        pointBusy[i] = false
        let caps = devices.points[i].capabilities
        let mono = clock.mono
        switch r {
        case .success(let st):
            if let k = decisionOfDevice[i] {
                site.updatePoint(slot: k, status: st, reachable: true, watchdogS: caps.watchdogS, refreshS: caps.refreshS, at: mono)
            } else {
                site.updatePoint(devices.points[i].id, status: st, reachable: true, watchdogS: caps.watchdogS,
                                 refreshS: caps.refreshS, at: mono)
            }
            accountEnergy(i, st)
            safeCurrentIfDue(i)
        case .failure(let e):
            // No fresh status, whatever the cause (silence, exception, lost-device backoff): the
            // point is budgeted at its safe current or last draw until it answers again.
            let id = devices.points[i].id
            let wasReachable = site.pointSlot(id)?.reachable ?? true
            site.updatePoint(id, status: nil, reachable: false, error: e.description, watchdogS: caps.watchdogS,
                             refreshS: caps.refreshS, at: mono)
            if wasReachable { out.append(.log(.warning, e.description)) }
            // When it answers again (a reconnect, a restarted charger), its safe current is set again.
            if safeChecks[i] != nil { safeDue[i] = true }
        }
        if let w = pendingWrite[i] {
            pendingWrite[i] = nil
            write(w)
        }
        if roundOpen && roundMember[i] {
            roundMember[i] = false
            roundWaiting -= 1
            if roundWaiting == 0 { finishRound() }
        }
    }

    func meterAnswered(_ i: Int, _ r: Result<MeterMeasurement, DeviceFailure>) {
        meterBusy[i] = false
        switch r {
        case .success(let m):
            if i == mainMeter {
                site.updateGrid(GridMeasurement(meterTime: clock.now, meter: m), at: clock.mono)
                requestDecision()
            } else {
                site.updateMeter(devices.meters[i], m, at: clock.mono)
            }
        case .failure(let e):
            out.append(.log(.debug, e.description))
        }
    }

    func tick() {
        let mono = clock.mono
        if mono - lastDecisionMono > options.decideWhenIdleS { requestDecision() } else { poll(dueOnly: true) }
        for i in pulseBusy.indices where !pulseBusy[i] {
            pulseBusy[i] = true
            out.append(.read(.pulse(i)))
        }
        if !pulseMeters.isEmpty && mono - lastPulsesSaveMono >= options.pulsesEveryS {
            lastPulsesSaveMono = mono
            out.append(.savePulses(pulseStates))
        }
        out.append(.schedule(.tick, afterS: options.tickS))
    }

    func command(_ cmd: UserCommand, ticket: UInt64) {
        switch site.apply(cmd) {
        case .success(let text):
            out.append(.log(.notice, text))
            out.append(.saveSettings(site.settings))
            out.append(.commandResult(ticket: ticket, .success(text)))
            // An open round's decision applies it; otherwise a round starts now.
            requestDecision()
        case .failure(let e):
            out.append(.log(.error, "command refused: \(e)"))
            out.append(.commandResult(ticket: ticket, .failure(e)))
        }
    }

    func stop() {
        stopped = true
        roundOpen = false
        out.append(.saveState(site.state))
        flushEnergy(day: day(of: clock.now))
        if !pulseMeters.isEmpty { out.append(.savePulses(pulseStates)) }
        if !site.config.relays.isEmpty { out.append(.relaysSafe(site.relays.safeCommands)) }
        out.append(.log(.notice, "stopped; chargers fall back to their safe current when their watchdog expires"))
        out.append(.stopped)
    }

    // MARK: rounds

    /// Reads every charger now, then decides when all have answered (or after the round's wait).
    func requestDecision() {
        guard !roundOpen else { return }
        roundOpen = true
        roundSerial += 1
        pollAll()
        roundWaiting = 0
        for i in pointBusy.indices {
            roundMember[i] = pointBusy[i]
            if pointBusy[i] { roundWaiting += 1 }
        }
        if roundWaiting == 0 { finishRound(); return }
        out.append(.schedule(.roundTimeout(roundSerial), afterS: firstRoundDone ? options.roundWaitS : options.firstRoundWaitS))
    }

    func finishRound() {
        roundOpen = false
        roundWaiting = 0
        for i in roundMember.indices { roundMember[i] = false }
        firstRoundDone = true
        decideAndAct()
    }

    func pollAll() { poll(dueOnly: false) }

    /// Asks every device with no request in flight (and, for `dueOnly`, not asked recently).
    func poll(dueOnly: Bool) {
        let mono = clock.mono
        let minAge = dueOnly ? options.pollEveryS : -Double.infinity
        for i in pointBusy.indices where !pointBusy[i] && mono - pointAskedAt[i] >= minAge {
            pointBusy[i] = true; pointAskedAt[i] = mono
            out.append(.read(.point(i)))
        }
        for i in meterBusy.indices where !meterBusy[i] && mono - meterAskedAt[i] >= minAge {
            meterBusy[i] = true; meterAskedAt[i] = mono
            out.append(.read(.meter(i)))
        }
        for i in inverterBusy.indices where !inverterBusy[i] && mono - inverterAskedAt[i] >= minAge {
            inverterBusy[i] = true; inverterAskedAt[i] = mono
            out.append(.read(.inverter(i)))
        }
    }

    /// Sends one setpoint; one for a charger with a request in flight waits for its answer.
    func write(_ w: SetpointWrite) {
        if pointBusy[w.point] { pendingWrite[w.point] = w; return }
        pointBusy[w.point] = true
        pointAskedAt[w.point] = clock.mono
        out.append(.write(w))
    }

    func decideAndAct() {
        let now = clock.now, mono = clock.mono
        lastDecisionMono = mono
        planCars(now: now)
        if let e = energy { site.relayPlan = e.controller.relayAsks(now: now) }
        let step = site.step(now: now, mono: mono)
        // The probed point's id, read once (not the whole probe copied out for every point).
        var probed = phaseProbe?.pointId
        var sent = false
        for (k, p) in step.decision.points.enumerated() {
            guard k < deviceOfDecision.count, let i = deviceOfDecision[k] else { continue }
            if let id = probed, id == p.id { probeStep(k, i, p, mono: mono); probed = phaseProbe?.pointId; continue }
            if p.send { write(SetpointWrite(point: i, amps: p.setpointA, phases: p.phases)); sent = true }
        }
        if step.relays.contains(where: \.changed) { out.append(.driveRelays(step.relays)) }
        for w in step.newWarnings { out.append(.log(.warning, w)) }
        for n in step.hubNotes { out.append(.log(.warning, n)) }
        for a in step.alerts {
            out.append(.log(a.active ? .warning : .info, "\(a.active ? "alert" : "cleared"): \(a.text)"))
            out.append(.alert(a))
        }
        watchWiring(mono: mono, now: now, safeState: step.decision.safeState, relaysChanged: step.relays.contains(where: \.changed))
        recordQuarter(step.decision.quarter)
        steerEnergy(step.decision, now: now, mono: mono)
        out.append(.decided(step))
        // A new setpoint is published at once (the file stays throttled by the shell): whoever
        // asks why a charger just changed gets the decision that changed it.
        if options.publishStatus && (mono - lastStatusMono >= options.statusEveryS || sent) {
            lastStatusMono = mono
            out.append(.writeStatus(StatusReport(site: site.config.site.name, sliderKW: site.settings.sliderKW,
                                                 meterAgeS: site.gridAgeS(mono: mono), decision: step.decision,
                                                 plan: planView(now: now))))
        }
        if mono - lastStateMono >= options.stateEveryS {
            lastStateMono = mono
            out.append(.saveState(site.state))
        }
    }
}
