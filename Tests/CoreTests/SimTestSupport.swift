import Foundation
import XCTest
@testable import KwartierCore

/// Runs a shipped scenario (or a window of it) with Kwartier, the two baselines and the naive
/// balancer on the same simulated days. Results are cached per window: several tests read one run.
enum SimTestSupport {
    struct Outcome {
        let kwartier: SimReport
        let uncontrolled: SimReport
        let staticSplit: SimReport
        let naive: SimReport
        let telegrams: Int
        let crcFailures: Int
        let decisions: [Date: Decision]
    }

    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL

    static func scenario(_ name: String) throws -> SimScenario {
        try SimScenario.load(yaml: String(contentsOf: repo.appendingPathComponent("Scenarios/\(name).yaml"), encoding: .utf8))
    }

    static func config(for s: SimScenario) throws -> SiteConfig {
        let text = try s.config.map { try String(contentsOf: repo.appendingPathComponent("Scenarios").appendingPathComponent($0), encoding: .utf8) } ?? DemoSite.yaml
        return try ConfigLoader().load(yaml: text, file: s.name).0
    }

    nonisolated(unsafe) private static var cache: [String: Outcome] = [:]

    /// `name` from `start` ("YYYY-MM-DD HH:MM", nil = the scenario's) for `hours` (nil = its days).
    /// `keep` = decision times to keep for the test to inspect.
    static func run(_ name: String, start: String? = nil, hours: Double? = nil, keep: [String] = []) throws -> Outcome {
        var s = try scenario(name)
        if let st = start { s.start = st }
        if let h = hours { s.hours = h }
        return try run(s, keep: keep)
    }

    static func run(_ s: SimScenario, keep: [String] = []) throws -> Outcome {
        let key = "\(s.name)|\(s.start)|\(s.hours ?? 0)|\(keep)"
        if let o = cache[key] { return o }
        let bt = Backtest(config: try config(for: s), scenario: s)
        let (runner, brain) = try bt.kwartierRunner()
        let tz = SimSiteBuilder.timeZone(bt.config)
        let day0 = try SimSiteBuilder.firstDay(s, tz)
        let wanted = Set(keep.compactMap { SimSiteBuilder.time($0, day0: day0, tz: tz) })
        var decisions: [Date: Decision] = [:]
        if !wanted.isEmpty { brain.trace = { step, now in if wanted.contains(now) { decisions[now] = step.decision } } }
        _ = runner.run()
        let naive = try SimulationRunner(config: bt.config, scenario: s, brain: NaiveBalancerBrain(config: bt.config), makeTelegram: nil).run()
        let o = Outcome(kwartier: Backtest.report(runner, brain: brain), uncontrolled: try bt.baselineRunner(.uncontrolled).run(),
                        staticSplit: try bt.baselineRunner(.static).run(), naive: naive,
                        telegrams: brain.telegrams, crcFailures: brain.crcFailures, decisions: decisions)
        cache[key] = o
        return o
    }

    static func summary(_ r: SimReport) -> String {
        "viol \(r.violations) maxQ \(r.max_quarter_kw) over \(r.quarters_over_slider) del \(r.energy_delivered_kwh)/\(r.energy_requested_kwh) "
            + "served \(r.cars_served_fully)/\(r.cars) starts \(r.starts) stops \(r.stops) changes \(r.setpoint_changes) pv \(r.pv_kwh) imp \(r.import_kwh) exp \(r.export_kwh)"
    }
}
