import Foundation

/// Kwartier's own control driving the simulated site — through the same path as a real site:
/// the virtual meter's telegram bytes are framed and parsed, charge points are read and written
/// through the device protocol, relays through their contacts (the heat pump reads its SG pattern).
public final class KwartierBrain: SimBrain {
    public let controller: SiteController
    var decoder = P1StreamDecoder()
    public var wantsTelegrams: Bool { true }
    public private(set) var lastStep: SiteStep?
    /// Every decision with its explanations, when tracing (`kwartier simulate --trace`).
    public var trace: ((SiteStep, Date) -> Void)?
    /// Contacts of the simulated relay outputs.
    public private(set) var outputs: [String: Bool] = [:]
    /// Commands from the dashboard, applied before the next decision.
    private var pending: [UserCommand] = []
    private var hasPending = false
    private let lock = NSLock()
    /// Relay contacts changed since they were last carried to the simulated devices.
    private var contactsDirty = true

    public init(config: SiteConfig, settings: RuntimeSettings? = nil, start: Date) {
        controller = SiteController(config: config, settings: settings, start: start)
        for d in controller.relays.startDecisions { apply(relay: d) }
    }

    /// Thread-safe: queue a user command for the next step.
    public func enqueue(_ cmd: UserCommand) { lock.lock(); pending.append(cmd); hasPending = true; lock.unlock() }

    /// Results of the commands applied in the last step (for the log).
    public private(set) var commandResults: [Result<String, SiteController.CommandError>] = []

    public var crcFailures: Int { decoder.crcFailures }
    public var telegrams: Int { decoder.telegrams }

    public func step(now: Date, telegram: [UInt8]?, site: SimSite, meter: VirtualMeterState) -> [String: Double] {
        lock.lock(); let cmds = pending; let any = hasPending; pending.removeAll(); hasPending = false; lock.unlock()
        if any || !commandResults.isEmpty { commandResults = cmds.map { controller.apply($0) } }
        let mono = now.timeIntervalSince1970
        if let bytes = telegram {
            for t in decoder.push(bytes) { controller.updateGrid(t.reading.gridMeasurement(hostTime: now), at: mono) }
        }
        for p in site.points {
            do { controller.updatePoint(p.config.id, status: try p.readStatus(), reachable: true, watchdogS: p.capabilities.watchdogS, at: mono) }
            catch { controller.updatePoint(p.config.id, status: nil, reachable: false, error: "\(error)", at: mono) }
        }
        for (i, lvl) in site.config.boards.enumerated() {
            if case .device(let mid) = lvl.meter { controller.updateMeter(mid, site.boardMeter(level: i + 1), at: mono) }
        }
        if site.pv != nil || site.battery != nil {
            controller.updateInverter("sim-inverter", InverterMeasurement(pvPowerW: site.flows.pvW, batteryPowerW: site.battery == nil ? nil : site.flows.batteryW,
                                                                          batterySoCPercent: site.battery?.socPercent), at: mono)
        }
        let s = controller.step(now: now, mono: mono)
        lastStep = s
        var written: [String: Double] = [:]
        for (i, pd) in s.decision.points.enumerated() where pd.send {
            guard let p = site.point(pd.id, at: i) else { continue }
            if let ph = pd.phases { try? p.switchPhases(ph) }
            if (try? p.writeCurrent(pd.setpointA)) != nil { written[pd.id] = pd.setpointA }
        }
        for r in s.relays where r.changed { apply(relay: r); contactsDirty = true }
        if contactsDirty { applyContacts(to: site); contactsDirty = false }
        trace?(s, now)
        return written
    }

    func apply(relay d: RelayDecision) {
        for o in d.outputs { outputs[o.output] = o.on }
    }

    /// The simulated devices behind the relays follow their contacts.
    func applyContacts(to site: SimSite) {
        for r in site.config.relays {
            switch r.kind {
            case .sgReady(let sg):
                let c = sg.outputs.map { outputs[$0] ?? false }
                if let s = SGState.from(contacts: c) { site.heatPump?.state = s }
            case .switched(let sw):
                site.boiler?.on = outputs[sw.output] ?? false
            }
        }
    }
}
