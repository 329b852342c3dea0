import Foundation

/// What drives the simulated site each step: Kwartier's control core, or a baseline.
public protocol SimBrain: AnyObject {
    /// Whether this brain reads the virtual P1 meter's telegrams (encoding costs time).
    var wantsTelegrams: Bool { get }
    /// One step at `now`: read what it needs from the site (through the device protocols),
    /// write setpoints, and return the setpoints it wrote (for the recorder).
    func step(now: Date, telegram: [UInt8]?, site: SimSite, meter: VirtualMeterState) -> [String: Double]
}

/// Encodes the virtual meter's state into telegram bytes (the P1 encoder, injected so the
/// simulation does not depend on one telegram flavour).
public typealias TelegramMaker = (_ site: SimSite, _ meter: VirtualMeterState, _ now: Date) -> [UInt8]

/// Runs a site second by second against a brain: as fast as possible (backtests) or paced by
/// the caller (the demo calls `step()` once a second). Same code either way.
public final class SimulationRunner {
    public let config: SiteConfig
    public let scenario: SimScenario
    public let site: SimSite
    // Touched every step by the one thread that steps the run: no run-time exclusivity check.
    @exclusivity(unchecked) public private(set) var meter: VirtualMeterState
    @exclusivity(unchecked) public private(set) var recorder: SimRecorder
    public let brain: SimBrain
    public let stepS: Double
    let makeTelegram: TelegramMaker?
    @exclusivity(unchecked) public private(set) var lastTelegram: [UInt8]?
    public let start: Date
    /// Local midnight of the scenario's first day: weather changes at each local day from it.
    let firstDay: Date
    @exclusivity(unchecked) private var day = 0
    /// Kwartier's energy manager (battery setpoint, inverter limit), when the run has one.
    public let energy: SimEnergyManager?

    /// `energy`: what steers the battery and the inverter when the scenario has prices;
    /// nil = the scenario's own mode (`energy.mode`).
    public init(config: SiteConfig, scenario: SimScenario, brain: SimBrain, makeTelegram: TelegramMaker?, stepS: Double = 1,
                energy control: SimEnergyControl? = nil) throws {
        self.config = config
        self.scenario = scenario
        self.site = try SimSiteBuilder.build(config: config, scenario: scenario)
        self.meter = VirtualMeterState(timeZone: SimSiteBuilder.timeZone(config))
        self.recorder = SimRecorder(config: config)
        self.brain = brain
        self.stepS = stepS
        self.makeTelegram = makeTelegram
        self.start = site.now
        self.firstDay = try SimSiteBuilder.firstDay(scenario, SimSiteBuilder.timeZone(config))
        self.day = Int(start.timeIntervalSince(firstDay) / 86_400)
        site.pv?.weather = SimSiteBuilder.weather(scenario, day: day)
        if let spec = scenario.energy {
            let days = Int(start.timeIntervalSince(firstDay) + scenario.durationS) / 86_400 + 2
            recorder.pricing = SimPricing(series: spec.series(day0: firstDay, days: days), formula: spec.supplierFormula, tariff: spec.tariff)
            switch control ?? .manager(spec.mode) {
            case .none: energy = nil
            case .manager(let mode): energy = try SimEnergyManager.make(spec, mode: mode, scenario: scenario, config: config)
            }
        } else {
            energy = nil
        }
    }

    public var now: Date { site.now }
    public var end: Date { start.addingTimeInterval(scenario.durationS) }

    /// Advances one step: physics, meter, telegram, decision, recording.
    public func step() {
        let t = site.now.addingTimeInterval(stepS)
        let newDay = Int(t.timeIntervalSince(firstDay) / 86_400)
        if newDay != day {
            day = newDay
            site.pv?.weather = SimSiteBuilder.weather(scenario, day: day)
        }
        site.advance(to: t)
        meter.integrate(gridW: site.flows.gridW, dt: stepS, at: t)
        var telegram: [UInt8]? = nil
        if brain.wantsTelegrams, let make = makeTelegram {
            telegram = make(site, meter, t)
            lastTelegram = telegram
        }
        // Kwartier's relays follow the heating plan of its energy manager, as in the live loop.
        if let e = energy, let k = brain as? KwartierBrain { k.controller.relayPlan = e.controller.relayAsks(now: t) }
        let written = brain.step(now: t, telegram: telegram, site: site, meter: meter)
        energy?.step(site: site, meter: meter, dt: stepS)
        for (id, a) in written { recorder.recordSetpoint(point: id, amps: a) }
        recorder.record(flows: site.flows, dt: stepS, heatPump: site.heatPump?.state)
    }

    /// Runs to the end of the scenario; `progress` gets the fraction done now and then.
    public func run(progress: ((Double) -> Void)? = nil) -> SimReport {
        let total = end.timeIntervalSince(start)
        var nextReport = 0.0
        while site.now < end {
            step()
            if let p = progress {
                let f = site.now.timeIntervalSince(start) / total
                if f >= nextReport { p(f); nextReport = f + 0.01 }
            }
        }
        return report()
    }

    public func report() -> SimReport {
        recorder.report(site: site, meter: meter, sliderKW: scenario.slider_kw ?? config.site.sliderKW,
                        hours: site.now.timeIntervalSince(start) / 3600)
    }
}

/// A baseline brain: fixed setpoints written every step, heat pump left in Normal, boiler always on.
public final class BaselineBrain: SimBrain {
    public let baseline: SimBaseline
    let setpoints: [String: Double]
    private var perPoint: [Double]?
    private var reported = false
    public var wantsTelegrams: Bool { false }
    public init(_ baseline: SimBaseline, config: SiteConfig) {
        self.baseline = baseline
        self.setpoints = baseline.setpoints(config)
    }
    public func step(now: Date, telegram: [UInt8]?, site: SimSite, meter: VirtualMeterState) -> [String: Double] {
        let amps = perPoint ?? site.points.map { setpoints[$0.config.id] ?? 0 }
        perPoint = amps
        for (i, p) in site.points.enumerated() { try? p.writeCurrent(amps[i]) }
        site.boiler?.on = true
        // The setpoints never change: the recorder needs them once.
        if reported { return [:] }
        reported = true
        return setpoints
    }
}
