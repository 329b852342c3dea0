import Foundation

/// The control core (SPEC §3, §6): on every main-meter reading, one decision for every charge
/// point — setpoint, phases, the reason, and whether to send it.
///
/// Pure and single-threaded: no I/O, no clock of its own (`now` is passed in; quarters follow the
/// meter's timestamp). The runtime owns one `Controller` per configuration on its control loop:
///
///     let c = Controller(config: cfg, settings: saved)
///     c.restore(persistedState)                 // optional, after a restart
///     let d = c.decide(input, now: Date())      // per telegram, and on a timer when none comes
///     persist(c.state)                          // now and then (e.g. every quarter, at shutdown)
///
/// The rules, in the order they bind, are described in docs/CONTROL.md.
public final class Controller {
    /// All the work happens in a value type, so the hot loops pay no dynamic exclusivity checks.
    var engine: ControlEngine

    public init(config: SiteConfig, tunables: ControlTunables? = nil, settings: RuntimeSettings? = nil) {
        engine = ControlEngine(config: config, tunables: tunables, settings: settings)
    }

    public var site: CompiledSite { engine.site }
    public var tunables: ControlTunables { engine.tunables }
    public var settings: RuntimeSettings { engine.settings }

    /// Takes new runtime settings (slider, per-point mode, priority, manual current).
    public func apply(settings s: RuntimeSettings) { engine.apply(settings: s) }

    /// One decision for every point from the latest readings. See docs/CONTROL.md for the rules.
    public func decide(_ input: ControlInput, now: Date) -> Decision { engine.decide(input, now: now) }

    /// The state to persist (JSON via Codable). Keyed by point id, so it survives config edits.
    public var state: ControllerState { engine.state }

    /// Restores persisted state (points no longer configured are dropped, new ones start fresh).
    public func restore(_ s: ControllerState) { engine.restore(s) }

    /// The last setpoint sent to the point at decision index `i` (nil before the first): what
    /// `state.points[id]?.lastSentA` says, without building the whole state (the loop asks on
    /// every charger answer).
    public func lastSentA(point i: Int) -> Double? { engine.mem[i].lastSentA }

    /// The quarter tracker's state (month peak, history for the dashboard).
    public var quarterState: QuarterState { engine.tracker.state }
}

/// The controller's data and decision logic (see `Controller`).
struct ControlEngine {
    let site: CompiledSite
    private(set) var tunables: ControlTunables
    private(set) var settings: RuntimeSettings

    // Settings compiled to arrays.
    var mode: [ChargeMode]
    var priority: [Int]
    var manualA: [Double?]

    // Memory kept between decisions.
    var mem: [PointMemory]
    var tracker: QuarterTracker
    var lastDecisionAt: Date?
    /// Last known per-line reading of each level's meter (used while it is stale).
    var lastLevelCurrents: [PhaseValues?]

    var fill: ProgressiveFill
    var scratch: Scratch

    /// Each point's last explanation and what it shows: reused while that stays the same, so
    /// texts are not rebuilt on every decision (see `explainKey`). Off only in tests, to compare.
    var explainKeys: [ExplainKey]
    var explanations: [Explanation]
    var memoizeExplanations = true
    /// A child hub without a valid allowance: every point at its safe current at most (what its
    /// charger would fall back to by itself, so what its parent may count on).
    var holdSafe = false
    /// The cars' ready-by plans of this decision (`ControlInput.carPlan`), and who they hold.
    var planGates: [CarPlanGate] = []
    var planHeld: [Bool] = []

    init(config: SiteConfig, tunables: ControlTunables?, settings: RuntimeSettings?) {
        let t = tunables ?? ControlTunables(site: config.site)
        self.tunables = t
        site = CompiledSite(config: config, defaultStaleAfterS: t.defaultStaleAfterS)
        let s = settings ?? RuntimeSettings.defaults(for: config)
        self.settings = s
        let n = site.pointCount
        mode = Array(repeating: .auto, count: n); priority = Array(repeating: 0, count: n)
        manualA = Array(repeating: nil, count: n)
        mem = Array(repeating: PointMemory(), count: n)
        tracker = QuarterTracker(clock: QuarterClock(identifier: t.timeZone), tunables: t,
                                 rampS: config.chargepoints.map(\.rampS).max() ?? 0)
        lastLevelCurrents = Array(repeating: nil, count: site.levelCount)
        fill = ProgressiveFill(site: site)
        scratch = Scratch(points: n, constraints: site.constraintCount, levels: site.levelCount)
        explainKeys = Array(repeating: ExplainKey(), count: n)
        explanations = Array(repeating: Explanation(.other, ""), count: n)
        apply(settings: s)
    }

    mutating func apply(settings s: RuntimeSettings) {
        settings = s
        for (i, cp) in site.config.chargepoints.enumerated() {
            let p = s.point(cp)
            mode[i] = p.mode; priority[i] = p.priority; manualA[i] = p.manualA ?? cp.manualA
        }
    }

    var state: ControllerState {
        var s = ControllerState()
        s.savedAt = lastDecisionAt
        s.quarter = tracker.state
        s.lastDecisionAt = lastDecisionAt
        for (i, id) in site.pointIds.enumerated() { s.points[id] = mem[i] }
        return s
    }

    mutating func restore(_ s: ControllerState) {
        tracker.state = s.quarter
        lastDecisionAt = s.lastDecisionAt
        for (i, id) in site.pointIds.enumerated() { mem[i] = s.points[id] ?? PointMemory() }
    }
}

/// Per-decision working arrays, allocated once.
struct Scratch {
    enum Role: UInt8 { case inactive, lost, candidate }
    enum Inactive: UInt8 { case noCar, off, error, paused }
    var role: [Role]
    var inactive: [Inactive]
    var draw: [Double]          // n * 3, per grid line
    var drawW: [Double]
    var budget: [Double]        // lost points: per-line budget, n * 3
    var carMask: [UInt8]        // chosen terminals for this decision
    var phasesCmd: [Int]        // 1/3 for switching chargers, 0 otherwise
    var running: [Bool]
    var protected: [Bool]
    var notDrawing: [Bool]
    var safeOnly: [Bool]        // main or board meter stale: hold the minimum or stop
    var badReading: [Bool]      // the charger's currents are not numbers: treated as lost
    var staleLevel: [Int]       // level causing safeOnly (-1 none, 0 = grid)
    var admitted: [Bool]
    var graced: [Bool]
    /// Part of a point's power counted under the slider: 1, or for a car in its grace its
    /// remaining grace over the quarter's time left (see `admit`).
    var powerShare: [Double]
    var waitK: [Int32]          // failed constraint for a waiting car (-1 none)
    var waitNeed: [Double]
    var waitFree: [Double]
    var final: [Double]
    var send: [Bool]
    var hold: [UInt8]           // 1 ramping up, 2 holding (increase below the hysteresis)
    var rampTarget: [Double]
    var switched: [Bool]
    var hiReason: [UInt8]       // 0 point max, 1 manual, 2 not drawing, 3 the car's own max
    var levelStale: [Bool]
    var levelBlind: [Bool]
    var levelCurrents: [PhaseValues?]
    var manualPts: [Int] = []
    var autoPts: [Int] = []
    var levelSub: [Double]      // per constraint: measured draw of the points below
    var base: [Double]          // per constraint: fixed load (non-managed + lost budgets)
    var adm: [Double]           // per constraint: admission commitments
    var load: [Double]          // per constraint: final load
    var order: [Int]
    var keys: [AdmissionKey] = []
    var tierPoints: [Int]
    /// Every point's working values back to "nothing decided" before `classify`: whole arrays at
    /// once (one uniqueness check each, not one per point and value).
    mutating func resetPoints() {
        draw.resetAll(to: 0); budget.resetAll(to: 0); drawW.resetAll(to: 0); carMask.resetAll(to: 0)
        phasesCmd.resetAll(to: 0)
        running.resetAll(to: false); protected.resetAll(to: false); notDrawing.resetAll(to: false)
        safeOnly.resetAll(to: false); staleLevel.resetAll(to: -1)
        admitted.resetAll(to: false); graced.resetAll(to: false)
        waitK.resetAll(to: -1); final.resetAll(to: 0); hiReason.resetAll(to: 0)
        send.resetAll(to: false); switched.resetAll(to: false); hold.resetAll(to: 0)
    }

    init(points n: Int, constraints k: Int, levels: Int) {
        levelStale = .init(repeating: false, count: levels); levelBlind = .init(repeating: false, count: levels)
        levelCurrents = .init(repeating: nil, count: levels)
        role = .init(repeating: .inactive, count: n); inactive = .init(repeating: .noCar, count: n)
        draw = .init(repeating: 0, count: n * 3); drawW = .init(repeating: 0, count: n)
        budget = .init(repeating: 0, count: n * 3); carMask = .init(repeating: 0, count: n)
        phasesCmd = .init(repeating: 0, count: n)
        running = .init(repeating: false, count: n); protected = .init(repeating: false, count: n)
        notDrawing = .init(repeating: false, count: n); safeOnly = .init(repeating: false, count: n)
        badReading = .init(repeating: false, count: n)
        staleLevel = .init(repeating: -1, count: n)
        admitted = .init(repeating: false, count: n)
        graced = .init(repeating: false, count: n); powerShare = .init(repeating: 1, count: n)
        waitK = .init(repeating: -1, count: n); waitNeed = .init(repeating: 0, count: n); waitFree = .init(repeating: 0, count: n)
        final = .init(repeating: 0, count: n); send = .init(repeating: false, count: n)
        switched = .init(repeating: false, count: n); hold = .init(repeating: 0, count: n)
        rampTarget = .init(repeating: 0, count: n); hiReason = .init(repeating: 0, count: n)
        levelSub = .init(repeating: 0, count: k); base = .init(repeating: 0, count: k)
        adm = .init(repeating: 0, count: k); load = .init(repeating: 0, count: k)
        order = []; order.reserveCapacity(n); tierPoints = []; tierPoints.reserveCapacity(n)
    }
}

extension Array {
    /// Sets every element to `value` in place (no reallocation).
    @inline(__always)
    mutating func resetAll(to value: Element) {
        withUnsafeMutableBufferPointer { $0.update(repeating: value) }
    }
}
