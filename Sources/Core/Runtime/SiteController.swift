import Foundation

/// Everything one step of the site decides: the cars, the relays, the alerts.
public struct SiteStep: Sendable {
    public var decision: Decision
    public var relays: [RelayDecision]
    public var alerts: [AlertEvent]
    /// Warnings that appeared in this step (log them once).
    public var newWarnings: [String]
    /// For the other hubs of the fleet (allowances to children, this child's draw).
    public var hubOut: [HubOutgoing] = []
    /// A hub link lost or back (for the log).
    public var hubNotes: [String] = []
}

/// The site's control loop state, pure: the latest readings, the settings, the control core,
/// the relay state machines and the alert evaluator. The real runtime (IO) and the simulated
/// site (demo, backtests) drive the same object: feed readings, call `step`, carry out what it
/// says. Times are passed in: `now` is wall/meter time, `mono` a monotonic host clock (s).
public final class SiteController {
    public let config: SiteConfig
    public private(set) var settings: RuntimeSettings {
        didSet { anyReadyBy = Self.hasReadyBy(settings) }
    }
    // The controller has one owner (the loop: a task, a thread or a test) and is touched on
    // every decision: `@exclusivity(unchecked)` drops the run-time exclusivity check of each
    // access to the state below (no access is held across a call that touches it again).
    /// Whether some point has a ready-by target: the loop asks before every decision, so it is
    /// worked out when the settings change, not by a look over every point each time.
    @exclusivity(unchecked) public private(set) var anyReadyBy: Bool
    public let controller: Controller
    @exclusivity(unchecked) public private(set) var relays: RelayController
    @exclusivity(unchecked) public private(set) var alerts: AlertEvaluator
    @exclusivity(unchecked) public private(set) var lastDecision: Decision?
    /// The cars' ready-by plans for the next decision, per point index (`CarPlanFollower`); empty = none.
    @exclusivity(unchecked) public var carPlan: [CarPlanGate] = []
    /// What the energy plan asks of the relays this step (`LoopEnergy.relayAsks`); empty = no plan.
    @exclusivity(unchecked) public var relayPlan: [String: RelayPlanAsk] = [:]
    @exclusivity(unchecked) public private(set) var lastRelays: [RelayDecision] = []
    @exclusivity(unchecked) public private(set) var alertLog: [AlertView] = []
    @exclusivity(unchecked) private var warningsSeen = Set<String>()
    /// The links to the other hubs of a fleet (`remote:` levels).
    @exclusivity(unchecked) public private(set) var hubs: HubLinks

    // Latest readings and when they came (mono seconds).
    @exclusivity(unchecked) public private(set) var grid: GridMeasurement?
    @exclusivity(unchecked) public private(set) var gridAt: Double?
    /// Configured points' latest readings by the index of their id (`CompiledSite.pointIndex`):
    /// the loop updates one per charger answer, so no id is hashed on that path (and, as the
    /// controller has one owner, no run-time exclusivity check is paid).
    /// Not optionals: reading a field through `slots[k]?.` copied the whole optional slot (by
    /// the generic value witness) on every access; `slotKnown` says which were ever read.
    @exclusivity(unchecked) private var slots: [PointSlot]
    @exclusivity(unchecked) private var slotKnown: [Bool]
    /// The slot of each decided point (a repeated id shares the first one's).
    private let slotOfDecision: [Int]
    /// Points the configuration does not name (a device the loop still polls).
    @exclusivity(unchecked) private var otherSlots: [String: PointSlot] = [:]
    @exclusivity(unchecked) private var meters: [String: (MeterMeasurement, Double)] = [:]
    @exclusivity(unchecked) private var inverters: [String: (InverterMeasurement, Double)] = [:]
    let mainMeterId: String
    /// The decision's input, by index (`CompiledSite`), reused from step to step.
    @exclusivity(unchecked) private var input: ControlInput
    /// Each level's meter id (`CompiledSite.levelMeterId`).
    private let levelMeterId: [String?]

    struct PointSlot {
        var status: ChargePointStatus?
        var at: Double
        var reachable: Bool
        var error: String?
        var watchdogS: Double?
        var refreshS: Double?
        /// Mirrors of `status` as plain values for the per-decision readers (the wiring watch):
        /// whether there is one, and its terminal currents.
        var hasStatus = false
        var currents = PhaseValues.zero
    }

    public init(config: SiteConfig, settings: RuntimeSettings? = nil, state: ControllerState? = nil, start: Date) {
        self.config = config
        let s = settings ?? RuntimeSettings.defaults(for: config)
        self.settings = s
        anyReadyBy = Self.hasReadyBy(s)
        controller = Controller(config: config, settings: s)
        let site = controller.site
        slots = Array(repeating: PointSlot(status: nil, at: 0, reachable: false), count: site.pointCount)
        slotKnown = Array(repeating: false, count: site.pointCount)
        slotOfDecision = site.pointIds.map { site.pointIndex[$0] ?? 0 }
        input = ControlInput.empty(for: site)
        levelMeterId = site.levelMeterId
        if let st = state { controller.restore(st) }
        relays = RelayController(config: config, start: start)
        alerts = AlertEvaluator(config: config.alerts)
        if case .device(let id) = config.grid.meter { mainMeterId = id }
        else if let p = config.parentHub?.parent { mainMeterId = "allowance of hub \(p)" }
        else { mainMeterId = "main meter" }
        hubs = HubLinks(site: site, boot: UInt64(max(0, start.timeIntervalSince1970 * 1000)))
    }

    /// A message from another hub; true when it is an allowance taken (worth a decision now).
    @discardableResult
    public func receive(_ m: HubIncoming, at mono: Double) -> Bool { hubs.receive(m, at: mono) }

    // MARK: readings

    public func updateGrid(_ g: GridMeasurement, at mono: Double) { grid = g; gridAt = mono }

    public func updatePoint(_ id: String, status: ChargePointStatus?, reachable: Bool, error: String? = nil,
                            watchdogS: Double? = nil, refreshS: Double? = nil, at mono: Double) {
        if let i = controller.site.pointIndex[id] {
            updatePoint(slot: i, status: status, reachable: reachable, error: error, watchdogS: watchdogS, refreshS: refreshS, at: mono)
            return
        }
        var slot = otherSlots[id] ?? PointSlot(status: nil, at: mono, reachable: reachable)
        Self.update(&slot, status: status, reachable: reachable, error: error, watchdogS: watchdogS, refreshS: refreshS, at: mono)
        otherSlots[id] = slot
    }

    /// `updatePoint` for the configured point whose id has index `i` in `CompiledSite.pointIndex`.
    public func updatePoint(slot i: Int, status: ChargePointStatus?, reachable: Bool, error: String? = nil,
                            watchdogS: Double? = nil, refreshS: Double? = nil, at mono: Double) {
        if !slotKnown[i] { slots[i] = PointSlot(status: nil, at: mono, reachable: reachable); slotKnown[i] = true }
        Self.update(&slots[i], status: status, reachable: reachable, error: error, watchdogS: watchdogS, refreshS: refreshS, at: mono)
    }

    private static func update(_ slot: inout PointSlot, status: ChargePointStatus?, reachable: Bool, error: String?,
                               watchdogS: Double?, refreshS: Double?, at mono: Double) {
        if let st = status { slot.status = st; slot.at = mono; slot.hasStatus = true; slot.currents = st.currents }
        slot.reachable = reachable
        slot.error = error
        if let w = watchdogS { slot.watchdogS = w }
        if let r = refreshS { slot.refreshS = r }
    }

    /// A board meter (by meter id).
    public func updateMeter(_ id: String, _ m: MeterMeasurement, at mono: Double) { meters[id] = (m, mono) }

    public func updateInverter(_ id: String, _ m: InverterMeasurement, at mono: Double) { inverters[id] = (m, mono) }

    public func gridAgeS(mono: Double) -> Double? { gridAt.map { mono - $0 } }

    /// An inverter's latest reading and when it came (mono).
    public func inverter(_ id: String) -> (InverterMeasurement, Double)? { inverters[id] }

    /// What the reachable charge points draw now (W): their power, else currents × voltage.
    public func chargeParkW() -> Double {
        var park = 0.0
        for cp in config.chargepoints {
            guard let slot = pointSlot(cp.id), slot.reachable, let st = slot.status else { continue }
            park += st.powerW ?? (st.currents.sum * config.site.voltage)
        }
        return park
    }

    /// An alert raised outside the decision's own evaluator (the loop's wiring watch), kept with
    /// the others for the dashboard.
    public func record(alert e: AlertEvent) {
        // A clearing ends the raised entries of its key: the snapshot's `active` is the state now.
        if !e.active { for i in alertLog.indices where alertLog[i].key == e.key { alertLog[i].active = false } }
        alertLog.append(e.view)
        if alertLog.count > 100 { alertLog.removeFirst(alertLog.count - 100) }
    }

    /// The latest reading of configured point `i` (the order of `config.chargepoints`), no id hashed.
    func pointSlotStorage(configured i: Int) -> PointSlot? {
        let k = slotOfDecision[i]
        return slotKnown[k] ? slots[k] : nil
    }

    /// When configured point i's status was read, if it is reachable and has one (no slot copied).
    func pointSlotAt(configured i: Int) -> Double? {
        let k = slotOfDecision[i]
        guard slotKnown[k], slots[k].reachable, slots[k].hasStatus else { return nil }
        return slots[k].at
    }

    /// Configured point i's terminal currents in its latest status (no slot copied).
    func pointSlotCurrents(configured i: Int) -> PhaseValues? {
        let k = slotOfDecision[i]
        return slotKnown[k] && slots[k].hasStatus ? slots[k].currents : nil
    }

    func pointSlotStorage(_ id: String) -> PointSlot? {
        if let i = controller.site.pointIndex[id] { return slotKnown[i] ? slots[i] : nil }
        return otherSlots[id]
    }

    /// The sum of the inverters read in the last minute.
    public func inverterTotals(mono: Double) -> InverterMeasurement? {
        // One pass, in the dictionary's order, with no list of the fresh ones built (every decision asks).
        var total: InverterMeasurement?
        for (m, at) in inverters.values where mono - at < 60 {
            var t = total ?? InverterMeasurement(pvPowerW: 0)
            t.pvPowerW += m.pvPowerW
            if let b = m.batteryPowerW { t.batteryPowerW = (t.batteryPowerW ?? 0) + b }
            if let s = m.batterySoCPercent { t.batterySoCPercent = s }
            total = t
        }
        return total
    }

    // MARK: commands

    static func hasReadyBy(_ s: RuntimeSettings) -> Bool { s.points.values.contains { $0.readyBy != nil } }

    /// Applies a user command to the settings (taken into account by the next step).
    /// Returns a line for the log, or an error text when the command is refused.
    @discardableResult
    public func apply(_ cmd: UserCommand) -> Result<String, CommandError> {
        var s = settings
        switch cmd {
        case .setSlider(let kw):
            guard kw.isFinite, kw >= 0.5, kw <= 10_000 else { return .failure(CommandError("slider \(kw) kW is out of range (0.5–10000)")) }
            s.sliderKW = (kw * 10).rounded() / 10
        case let .setMode(id, mode):
            guard let cp = config.chargepoint(id) else { return .failure(CommandError("no charge point '\(id)'")) }
            var p = s.point(cp); p.mode = mode
            if mode == .manual && p.manualA == nil { p.manualA = cp.minA }
            s.points[id] = p
        case let .setManualCurrent(id, amps):
            guard let cp = config.chargepoint(id) else { return .failure(CommandError("no charge point '\(id)'")) }
            // Refused, not clamped: a script asking 40 A of a 16 A point must learn it did not get it.
            let a = (amps * 10).rounded() / 10
            guard a.isFinite, a >= cp.minA, a <= cp.maxA else {
                return .failure(CommandError(String(format: "%@: %.1f A is outside the point's range %.1f–%.1f A", id, amps, cp.minA, cp.maxA)))
            }
            var p = s.point(cp)
            p.manualA = a
            s.points[id] = p
        case let .setPriority(id, prio):
            guard let cp = config.chargepoint(id) else { return .failure(CommandError("no charge point '\(id)'")) }
            var p = s.point(cp); p.priority = min(100, max(-100, prio))
            s.points[id] = p
        case let .setReadyBy(id, r):
            guard let cp = config.chargepoint(id) else { return .failure(CommandError("no charge point '\(id)'")) }
            if let r {
                guard (0..<1440).contains(r.minuteOfDay) else { return .failure(CommandError("\(id): ready-by must be a time of day (00:00–23:59)")) }
                guard r.energyKWh.isFinite, r.energyKWh > 0, r.energyKWh <= 200 else {
                    return .failure(CommandError(String(format: "%@: %.1f kWh is out of range (more than 0, at most 200)", id, r.energyKWh)))
                }
            }
            var p = s.point(cp)
            p.readyBy = r.map { ReadyBy(minuteOfDay: $0.minuteOfDay, energyKWh: ($0.energyKWh * 10).rounded() / 10) }
            s.points[id] = p
        case let .setRelayOverride(id, o):
            guard config.relays.contains(where: { $0.id == id }) else { return .failure(CommandError("no relay '\(id)'")) }
            s.relays[id] = o
        }
        settings = s
        controller.apply(settings: s)
        return .success(Self.describe(cmd, settings: s))
    }

    public struct CommandError: Error, CustomStringConvertible {
        public let description: String
        init(_ d: String) { description = d }
    }

    static func describe(_ cmd: UserCommand, settings s: RuntimeSettings) -> String {
        switch cmd {
        case .setSlider: return String(format: "slider set to %.1f kW", s.sliderKW)
        case let .setMode(id, m): return "\(id) set to \(m.rawValue)" + (m == .manual ? String(format: " (%.1f A)", s.points[id]?.manualA ?? 0) : "")
        case let .setManualCurrent(id, _): return String(format: "\(id) manual current %.1f A", s.points[id]?.manualA ?? 0)
        case let .setPriority(id, _): return "\(id) priority \(s.points[id]?.priority ?? 0)"
        case let .setReadyBy(id, _):
            guard let r = s.points[id]?.readyBy else { return "\(id) no ready-by time" }
            return String(format: "%@ ready by %@ with %.1f kWh", id, r.timeText, r.energyKWh)
        case let .setRelayOverride(id, o): return "relay \(id) override \(o.rawValue)"
        }
    }

    // MARK: the step

    /// One decision for every point, relay and alert from the latest readings.
    public func step(now: Date, mono: Double) -> SiteStep {
        // The input's arrays are kept between steps and every slot is written again.
        var input = self.input
        self.input = .init(grid: nil, gridAgeS: .infinity, meters: [], points: [])
        input.grid = grid
        input.gridAgeS = gridAt.map { mono - $0 } ?? .infinity
        // Field by field in place: taking the slot out (`if let p = slots[k]`) and building a new
        // reading copied each status three times, for every point and decision.
        for i in 0..<slotOfDecision.count {
            let k = slotOfDecision[i]
            if slotKnown[k] {
                input.points[i].status = slots[k].status
                input.points[i].ageS = mono - slots[k].at
                input.points[i].reachable = slots[k].reachable
                input.points[i].watchdogS = slots[k].watchdogS
                input.points[i].refreshS = slots[k].refreshS
            } else {
                input.points[i] = .none
            }
        }
        for l in 0..<levelMeterId.count {
            if let mid = levelMeterId[l], let (m, at) = meters[mid] { input.meters[l] = MeterReading(m, ageS: mono - at) } else {
                input.meters[l] = .none
            }
        }
        input.carPlan = carPlan
        input.beforeCars = lastRelays.filter { $0.order == .beforeCars }.map { ConsumerClaim(id: $0.id, claimW: $0.claimW, drawW: $0.powerW) }
        hubs.fill(&input, at: mono)
        let d = controller.decide(input, now: now)
        lastDecision = d
        self.input = input
        var hubOut: [HubOutgoing] = [], hubNotes: [String] = []
        if !hubs.isEmpty { (hubOut, hubNotes) = hubs.after(d, site: controller.site, at: mono) }

        let gridW = grid?.meter.powerW ?? 0
        // Summed once for the relays and the alerts.
        let inverterNow = inverterTotals(mono: mono)
        let balance = RelayInputs.surplusBalance(gridW: gridW, batteryW: inverterNow?.batteryPowerW)
        var ri = RelayInputs(now: now, exportW: balance.exportW, importW: balance.importW,
                             carsSurplusW: d.consumers?.carsFlexibleW ?? 0, meterStale: d.safeState,
                             peakHeadroomW: d.quarter.map { RelayInputs.peakHeadroomW(quarter: $0, importW: max(0, gridW)) },
                             overrides: settings.relays, plan: relayPlan)
        if grid == nil && !controller.site.gridRemote { ri.meterStale = true }
        let rd = relays.step(ri)
        lastRelays = rd

        let pv = inverterNow?.pvPowerW
        let lostOther = otherSlots.isEmpty ? [] : otherSlots.filter { !$0.value.reachable }.map(\.key)
        let ai = AlertInput.from(decision: d, gridPowerW: grid.map { $0.meter.powerW }, pvW: pv, mainMeterId: mainMeterId,
                                 gridAgeS: input.gridAgeS, otherLost: lostOther, sliderKW: settings.sliderKW)
        let events = alerts.evaluate(ai, now: now)
        for e in events { record(alert: e) }
        var fresh: [String] = []
        for w in d.warnings where !warningsSeen.contains(w) { warningsSeen.insert(w); fresh.append(w) }
        return SiteStep(decision: d, relays: rd, alerts: events, newWarnings: fresh, hubOut: hubOut, hubNotes: hubNotes)
    }

    /// What to persist: the control core's memory (quarter, month peak, per-point history).
    public var state: ControllerState { controller.state }
}
