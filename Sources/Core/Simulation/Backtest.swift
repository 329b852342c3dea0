import Foundation

/// One `kwartier simulate` run: Kwartier's control and the baselines on the same simulated days.
/// Every run builds its own site from the same scenario and seed, so the cars, the weather and
/// the house are identical; only the brain differs.
public struct Backtest: Sendable {
    /// The site with every device simulated and the scenario's slider applied.
    public let config: SiteConfig
    public let scenario: SimScenario

    public init(config: SiteConfig, scenario: SimScenario) {
        var c = SimSiteBuilder.simulated(config)
        if let s = scenario.slider_kw { c.site.sliderKW = s }
        self.config = c
        self.scenario = scenario
    }

    /// The runner driven by Kwartier's own control, reading real telegram bytes.
    /// `outbox` gets the effects that leave the site (the history records of `simulate --history`).
    public func kwartierRunner(settings: RuntimeSettings? = nil, outbox: ((SiteEffect) -> Void)? = nil,
                               energy: SimEnergyControl? = nil) throws -> (SimulationRunner, KwartierBrain) {
        let start = try SimSiteBuilder.startDate(scenario, SimSiteBuilder.timeZone(config))
        var options = LoopOptions()
        options.publishStatus = false
        let brain = KwartierBrain(config: config, settings: settings, start: start, options: options, outbox: outbox)
        let runner = try SimulationRunner(config: config, scenario: scenario, brain: brain, makeTelegram: VirtualP1Meter().maker,
                                          energy: energy)
        brain.prices = runner.recorder.pricing?.series
        try scheduleReadyBy(brain)
        return (runner, brain)
    }

    /// Each visit's ready-by target: set on its point as the car arrives, removed as it leaves.
    func scheduleReadyBy(_ brain: KwartierBrain) throws {
        let tz = SimSiteBuilder.timeZone(config)
        let day0 = try SimSiteBuilder.firstDay(scenario, tz)
        for c in scenario.cars ?? [] {
            guard let r = c.ready_by.flatMap(ReadyBy.minute), let kwh = c.energy_kwh,
                  let a = SimSiteBuilder.time(c.arrive, day0: day0, tz: tz), let l = SimSiteBuilder.time(c.leave, day0: day0, tz: tz) else { continue }
            brain.schedule(.setReadyBy(point: c.point, ReadyBy(minuteOfDay: r, energyKWh: kwh)), at: a)
            brain.schedule(.setReadyBy(point: c.point, nil), at: l)
        }
    }

    public func baselineRunner(_ b: SimBaseline) throws -> SimulationRunner {
        try SimulationRunner(config: config, scenario: scenario, brain: BaselineBrain(b, config: config), makeTelegram: nil,
                             energy: SimEnergyControl.none)
    }

    /// The energy baselines (a scenario with prices): Kwartier's own control of the cars, and
    /// the battery and inverter left alone, or steered without a plan.
    public var energyBaselines: [SimEnergyBaseline] { scenario.energy == nil ? [] : SimEnergyBaseline.allCases }

    public func energyBaselineRunner(_ b: SimEnergyBaseline) throws -> (SimulationRunner, KwartierBrain) {
        try kwartierRunner(energy: b.control)
    }

    /// Kwartier's report with its P1 counters.
    public static func report(_ runner: SimulationRunner, brain: KwartierBrain) -> SimReport {
        var r = runner.report()
        r.telegrams = brain.telegrams
        r.crc_failures = brain.crcFailures
        return r
    }

    /// Kwartier's report with the baselines' reports under `baselines`.
    public static func combine(_ kwartier: SimReport, baselines: [SimBaseline: SimReport],
                               energy: [SimEnergyBaseline: SimReport] = [:]) -> SimReport {
        var r = kwartier
        r.baselines = Dictionary(uniqueKeysWithValues: baselines.map { ($0.key.rawValue, $0.value) })
        for (k, v) in energy { r.baselines?[k.rawValue] = v }
        return r
    }

    /// Runs Kwartier, then every baseline, one after the other (the CLI runs them in parallel).
    /// `progress` gets Kwartier's fraction done; `trace` every decision.
    public func run(progress: ((Double) -> Void)? = nil, trace: ((SiteStep, Date) -> Void)? = nil) throws -> SimReport {
        let (runner, brain) = try kwartierRunner()
        brain.trace = trace
        _ = runner.run(progress: progress)
        var base: [SimBaseline: SimReport] = [:]
        for b in SimBaseline.allCases { base[b] = try baselineRunner(b).run() }
        var energy: [SimEnergyBaseline: SimReport] = [:]
        for b in energyBaselines { energy[b] = try energyBaselineRunner(b).0.run() }
        return Self.combine(Self.report(runner, brain: brain), baselines: base, energy: energy)
    }
}
