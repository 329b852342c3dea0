import Foundation

/// `kwartier commission phases` on the simulated site: the site is built as actually wired
/// (`wiredAs` for the point), the control loop runs with the configuration as written, and the
/// loop's phase check steps the point once its car charges. Shows that a wrong `phases:` is found
/// under house noise, and what the grid's lines carried meanwhile.
public enum PhaseCommissionSim {
    public struct Outcome: Sendable {
        /// nil when no car charged on the point in time, or the check did not finish.
        public var report: PhaseProbe.Report?
        /// Why there is no report.
        public var problem: String?
        /// The highest current on each grid line during the check (A), and the grid's fuse.
        public var maxGridA: PhaseValues
        public var fuseA: Double
        /// Fuse violations the simulation recorded over the whole run (any level).
        public var violations: Int
    }

    public static func run(config: SiteConfig, point: String, wiredAs: PhaseMap?, scenario: SimScenario,
                           options: PhaseProbe.Options = PhaseProbe.Options(), waitForCarS: Double = 3600) throws -> Outcome {
        var actual = config
        if let w = wiredAs, let k = actual.chargepoints.firstIndex(where: { $0.id == point }) { actual.chargepoints[k].phases = w }
        let start = try SimSiteBuilder.startDate(scenario, SimSiteBuilder.timeZone(config))
        let brain = KwartierBrain(config: config, start: start)
        let runner = try SimulationRunner(config: actual, scenario: scenario, brain: brain, makeTelegram: VirtualP1Meter().maker)
        var out = Outcome(report: nil, problem: nil, maxGridA: .zero, fuseA: config.grid.limitA, violations: 0)
        // Wait for the point's car to draw (and the loop to settle on it for a minute).
        var chargingSince: Date?
        while runner.now.timeIntervalSince(start) < waitForCarS {
            runner.step()
            let charging = brain.controller.pointSlot(point)?.status?.state == .charging
            chargingSince = charging ? (chargingSince ?? runner.now) : nil
            if let s = chargingSince, runner.now.timeIntervalSince(s) >= 60 { break }
        }
        guard chargingSince != nil, let loop = brain.loop else {
            out.problem = "no car charged on \(point) within \(Int(waitForCarS / 60)) minutes of the scenario"
            return out
        }
        if let why = loop.startPhaseProbe(point: point, options: options) { out.problem = why; return out }
        let limit = Double(options.steps + 2) * options.dwellS
        let t0 = runner.now
        while runner.now.timeIntervalSince(t0) < limit {
            runner.step()
            if let g = runner.site.flows.levels.first {
                out.maxGridA = PhaseValues(max(out.maxGridA.l1, g.l1), max(out.maxGridA.l2, g.l2), max(out.maxGridA.l3, g.l3))
            }
            if let r = loop.phaseReport { out.report = r; break }
        }
        if out.report == nil { out.problem = "the phase check did not finish" }
        out.violations = runner.report().violations
        return out
    }
}
