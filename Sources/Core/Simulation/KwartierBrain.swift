import Foundation
import Synchronization

/// User commands handed from another thread (the dashboard) to the thread that steps the
/// simulation; taken in order before each step.
public final class CommandMailbox: Sendable {
    private let box = Mutex<(next: UInt64, queued: [(UserCommand, UInt64)])>((1, []))
    /// How many commands are queued: `take` runs every simulated second and almost always finds
    /// none, and asking the counter costs far less than taking the lock over the queue.
    private let queued = Atomic<Int>(0)
    public init() {}

    /// Queues a command; returns its ticket (the `commandResult` effect that answers it carries it).
    @discardableResult
    public func post(_ cmd: UserCommand) -> UInt64 {
        box.withLock { b in
            let t = b.next
            b.next += 1
            b.queued.append((cmd, t))
            queued.add(1, ordering: .releasing)
            return t
        }
    }

    func take() -> [(UserCommand, UInt64)] {
        guard queued.load(ordering: .acquiring) > 0 else { return [] }
        return box.withLock { b in
            guard !b.queued.isEmpty else { return [] }
            queued.subtract(b.queued.count, ordering: .relaxed)
            defer { b.queued.removeAll() }
            return b.queued
        }
    }
}

/// The simulated shell: Kwartier's site loop driving the simulated site, synchronously, through
/// the same path as a real site. The virtual meter's telegram bytes are framed, checked and
/// parsed like a real meter's; every read and write the loop asks for is carried out at once on
/// the simulated devices; relays drive the simulated heat pump and boiler through their contacts.
/// Effects that leave the site (files, alerts, the log, published decisions) go to `outbox`,
/// which the demo gives and a backtest leaves out.
public final class KwartierBrain: SimBrain {
    public let controller: SiteController
    public let commands = CommandMailbox()
    public private(set) var loop: SiteLoop?
    let outbox: ((SiteEffect) -> Void)?
    let clock: ManualClock
    var decoder = P1StreamDecoder()
    public var wantsTelegrams: Bool { true }
    public private(set) var lastStep: SiteStep?
    /// Every decision with its explanations, when tracing (`kwartier simulate --trace`).
    public var trace: ((SiteStep, Date) -> Void)?
    /// Contacts of the simulated relay outputs.
    public private(set) var outputs: [String: Bool] = [:]
    // The working lists below are touched on every event of a step; one thread steps the
    // simulation, so their accesses skip the run-time exclusivity check.
    /// Relay contacts changed since they were last carried to the simulated devices.
    private var contactsDirty = true
    private var site: SimSite?
    private var boardLevel: [Int] = []
    @exclusivity(unchecked) private var events: [SiteEvent] = []
    @exclusivity(unchecked) private var timers: [(due: Double, timer: SiteTimer)] = []
    @exclusivity(unchecked) private var written: [String: Double] = [:]

    /// The prices the loop gets as it starts (the simulated price source): cars with a ready-by
    /// target are planned on them.
    public var prices: PriceSeries?
    /// Commands the scenario gives at a time (a visit's ready-by target), in time order.
    private var due: [(at: Date, cmd: UserCommand)] = []

    /// Gives `cmd` to the loop at the first step at or after `at`.
    public func schedule(_ cmd: UserCommand, at: Date) {
        due.append((at, cmd))
        due.sort { $0.at < $1.at }
    }

    public init(config: SiteConfig, settings: RuntimeSettings? = nil, state: ControllerState? = nil, start: Date,
                options: LoopOptions = LoopOptions(), outbox: ((SiteEffect) -> Void)? = nil) {
        controller = SiteController(config: config, settings: settings, state: state, start: start)
        clock = ManualClock(now: start, mono: start.timeIntervalSince1970)
        self.outbox = outbox
        self.options = options
    }
    let options: LoopOptions

    public var crcFailures: Int { decoder.crcFailures }
    public var telegrams: Int { decoder.telegrams }

    /// The loop's devices on the simulated site: every charge point, each board meter, one
    /// inverter for the PV and battery.
    func makeLoop(_ site: SimSite) -> SiteLoop {
        var meters: [String] = []
        for (i, lvl) in site.config.boards.enumerated() {
            if case .device(let mid) = lvl.meter { meters.append(mid); boardLevel.append(i + 1) }
        }
        let devices = SiteDevices(points: site.points.map { .init(id: $0.config.id, capabilities: $0.capabilities) },
                                  meters: meters, inverters: site.pv != nil || site.battery != nil ? ["sim-inverter"] : [])
        return SiteLoop(site: controller, devices: devices, clock: clock, options: options)
    }

    public func step(now: Date, telegram: [UInt8]?, site: SimSite, meter: VirtualMeterState) -> [String: Double] {
        clock.now = now
        clock.mono = now.timeIntervalSince1970
        written.removeAll(keepingCapacity: true)
        let loop: SiteLoop
        if let l = self.loop { loop = l } else {
            loop = makeLoop(site)
            self.loop = loop
            self.site = site
            run(.start, loop, site)
            if let p = prices { run(.prices(PriceUpdate(series: p, problem: nil)), loop, site) }
        }
        while let d = due.first, d.at <= now {
            commands.post(d.cmd)
            due.removeFirst()
        }
        // Commands go in right after the telegram, while its round waits for the chargers: the
        // round's decision applies them (one decision a step, as on a real site).
        var cmds = commands.take().map { SiteEvent.command($0.0, ticket: $0.1) }
        if let bytes = telegram {
            for t in decoder.push(bytes) {
                run(.grid(t.reading.gridMeasurement(hostTime: now, nominalVoltage: controller.config.site.voltage)), then: cmds, loop, site)
                cmds = []
            }
        }
        for c in cmds { run(c, loop, site) }
        fireTimers(loop, site)
        if contactsDirty { applyContacts(to: site); contactsDirty = false }
        return written
    }

    /// Stops the loop (state saved, relays safe, through the outbox).
    public func stop() {
        guard let loop, let site else { return }
        run(.stop, loop, site)
    }

    func fireTimers(_ loop: SiteLoop, _ site: SimSite) {
        var k = 0
        while k < timers.count {
            if timers[k].due <= clock.mono + 1e-9 {
                let t = timers.remove(at: k).timer
                // A round timeout for a round already closed does nothing: skip the call.
                if case .roundTimeout = t, !loop.roundOpen { continue }
                run(.timer(t), loop, site)
            } else {
                k += 1
            }
        }
    }

    /// Handles `first` and every event its effects cause, until nothing is left.
    func run(_ first: SiteEvent, then next: [SiteEvent] = [], _ loop: SiteLoop, _ site: SimSite) {
        events.removeAll(keepingCapacity: true)
        events.append(first)
        events += next
        var k = 0
        while k < events.count {
            // Moved out of the list (it is not read again), not copied: a copy retains its payload.
            var event = SiteEvent.stop
            swap(&event, &events[k])
            let effects = loop.handle(event)
            k += 1
            // The simulated inverter and meters answer before the chargers, as the physics of
            // this step already happened for all of them.
            // By index: an effect is matched and handed on in place, not copied out of the list.
            for j in effects.indices {
                guard case .read(let ref) = effects[j] else { continue }
                switch ref {
                case .inverter(let i): events.append(.inverter(i, .success(inverterReading(site))))
                case .meter(let i): events.append(.meter(i, .success(site.boardMeter(level: boardLevel[i]))))
                case .point, .pulse: break
                }
            }
            for j in effects.indices { carryOut(effects[j], site) }
        }
    }

    func carryOut(_ e: SiteEffect, _ site: SimSite) {
        switch e {
        case .read(.point(let i)):
            events.append(.point(i, readStatus(site.points[i])))
        case .read(.pulse(let i)):
            events.append(.pulse(i, .failure(DeviceFailure("the simulated site has no pulse inputs"))))
        case .read(.meter), .read(.inverter):
            break
        case .write(let w):
            let p = site.points[w.point]
            if let ph = w.phases { try? p.switchPhases(ph) }
            if (try? p.writeCurrent(w.amps)) != nil { written[p.config.id] = w.amps }
            events.append(.point(w.point, readStatus(p)))
        case .driveRelays(let ds):
            for d in ds { for o in d.outputs { outputs[o.output] = o.on } }
            contactsDirty = true
        case .relaysSafe(let cmds):
            for c in cmds { outputs[c.output] = c.on }
            contactsDirty = true
        case .schedule(let t, let after):
            timers.append((clock.mono + after, t))
        case .decided(let s):
            lastStep = s
            trace?(s, clock.now)
            outbox?(e)
        default:
            outbox?(e)
        }
    }

    func readStatus(_ p: SimChargePoint) -> Result<ChargePointStatus, DeviceFailure> {
        do { return .success(try p.readStatus()) } catch { return .failure(DeviceFailure("\(error)")) }
    }

    func inverterReading(_ site: SimSite) -> InverterMeasurement {
        InverterMeasurement(pvPowerW: site.flows.pvW, batteryPowerW: site.battery == nil ? nil : site.flows.batteryW,
                            batterySoCPercent: site.battery?.socPercent)
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
