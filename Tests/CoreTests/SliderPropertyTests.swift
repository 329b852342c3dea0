import XCTest
@testable import KwartierCore

/// The slider rule over random sites: whatever the car mix, the slider and the house, no quarter
/// closes above the slider because of what Kwartier controls (the uncontrollable load alone
/// may take it there: those quarters are counted apart), and no limit is violated.
/// A failure prints the seed: `SliderPropertyTests.site(seed:)` rebuilds the case.
final class SliderPropertyTests: XCTestCase {
    static let maps = ["L1L2L3", "L2L3L1", "L3L1L2", "L1", "L2", "L3"]

    /// A random site and day: 2–8 points on the grid or one board, a slider of 4–20 kW, a house
    /// of 0.1–1.5 kW per phase with its appliances (up to 3 kW more), cars of 1, 2 or 3 phases
    /// starting at 6 or 8 A, arriving over the first hour, some leaving within the window.
    static func site(seed: UInt64) throws -> (SiteConfig, SimScenario) {
        var rng = SimRandom(seed: seed)
        func pick<T>(_ a: [T]) -> T { a[Int(rng.unit() * Double(a.count)) % a.count] }
        let n = 2 + Int(rng.unit() * 7) % 7
        let gridA = pick([25.0, 32, 40, 63])
        let slider = (rng.range(4, 20) * 10).rounded() / 10
        let buffer = pick([0.0, 2])
        let board = rng.chance(0.5)
        var yaml = """
        site: { name: random \(seed), network: TN, voltage: 230, slider_kw: \(slider), start_buffer_a: \(buffer) }
        grid: { fuse_a: \(gridA), margin_a: 1, meter: p1 }
        meters:
          p1: { type: p1, simulated: true, stale_after_s: 10 }

        """
        if board { yaml += "boards:\n  b1: { parent: grid, limit_a: \(min(gridA, pick([16.0, 20, 25, 32]))), margin_a: 0.5, meter: virtual }\n" }
        yaml += "chargepoints:\n"
        var cars = ""
        for i in 1...n {
            let map = pick(maps)
            let onBoard = board && rng.chance(0.5)
            let maxA = onBoard ? 16.0 : pick([16.0, 20])
            yaml += "  cp\(i): { board: \(onBoard ? "b1" : "grid"), driver: simulated, simulated: true, phases: \(map), max_a: \(maxA) }\n"
            let arrive = Int(rng.range(0, 60)), stay = Int(rng.range(30, 180))
            let phases = map.count == 2 ? 1 : pick([1, 2, 3, 3, 3])
            cars += "  - { point: cp\(i), arrive: \"\(String(format: "%02d:%02d", 8 + arrive / 60, arrive % 60))\", "
                + "leave: \"\(String(format: "%02d:%02d", 8 + (arrive + stay) / 60, (arrive + stay) % 60))\", "
                + "battery_kwh: \(Int(rng.range(30, 90))), soc: \(Int(rng.range(10, 70))), phases: \(phases), "
                + "min_a: \(rng.chance(0.2) ? 8 : 6), max_a: \(pick([16, 16, 32])) }\n"
        }
        let base = (0..<3).map { _ in Int(rng.range(100, 1500)) }
        let scenario = """
        name: random-\(seed)
        start: "2026-11-\(String(format: "%02d", 2 + Int(seed % 20))) 07:50"
        hours: 2.5
        seed: \(seed)
        house: { base_w: [\(base[0]), \(base[1]), \(base[2])], scale: \(rng.range(0.3, 1.5)) }
        cars:
        \(cars)
        """
        if let dir = ProcessInfo.processInfo.environment["KWARTIER_DUMP_SITES"] {
            try yaml.write(toFile: "\(dir)/site-\(seed).yaml", atomically: true, encoding: .utf8)
            try scenario.write(toFile: "\(dir)/scenario-\(seed).yaml", atomically: true, encoding: .utf8)
        }
        return (try ConfigLoader().load(yaml: yaml, file: "random-\(seed).yaml").0, try SimScenario.load(yaml: scenario))
    }

    func testNoQuarterCausedOverTheSliderOnRandomSites() throws {
        let last = UInt64(ProcessInfo.processInfo.environment["KWARTIER_RANDOM_SITES"] ?? "") ?? 8
        for seed in UInt64(1)...last {
            let (config, s) = try Self.site(seed: seed)
            let bt = Backtest(config: config, scenario: s)
            let (runner, brain) = try bt.kwartierRunner()
            _ = runner.run()
            let r = Backtest.report(runner, brain: brain)
            let what = "seed \(seed): slider \(config.site.sliderKW) kW, \(config.chargepoints.count) points, quarters \(r.quarter_kw ?? [])"
            XCTAssertEqual(r.quarters_over_slider, 0, what)
            XCTAssertEqual(r.violations, 0, "\(what) \(r.violations_by_level)")
            XCTAssertGreaterThan(r.energy_delivered_kwh, 0, what)
        }
    }
}
