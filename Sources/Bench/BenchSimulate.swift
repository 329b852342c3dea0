import Foundation
import KwartierCore
import KwartierIO

/// One simulated month of the 20-point office car park (examples/carpark20.yaml, devices
/// simulated, the carpark-20-tight day repeated for 30 days) at 1-second steps: every step the
/// virtual meter encodes an e-MUCS telegram, the hub frames and parses it, reads the 20 points
/// and decides — 2.6 M decisions. Goal: under 20 s on one core (bar: 60 s; release build).
/// KWARTIER_BENCH_SIM_DAYS=n shortens the run; the breakdown runs one day with parts left out.
func benchSimulate() throws {
    let days = Int(ProcessInfo.processInfo.environment["KWARTIER_BENCH_SIM_DAYS"] ?? "") ?? 30
    let (config, scenario) = try benchCarPark(days: days)
    let bt = Backtest(config: config, scenario: scenario)

    // Where a step's time goes, on one day: physics alone, + telegram encode, + decode, + control.
    var oneDay = scenario
    oneDay.days = 1
    let day = Backtest(config: config, scenario: oneDay)
    let physics = try time { _ = try day.baselineRunner(.static).run() }
    let encode = try time {
        let r = try SimulationRunner(config: day.config, scenario: oneDay, brain: TelegramOnlyBrain(decode: false), makeTelegram: VirtualP1Meter().maker)
        _ = r.run()
    }
    let decode = try time {
        let r = try SimulationRunner(config: day.config, scenario: oneDay, brain: TelegramOnlyBrain(decode: true), makeTelegram: VirtualP1Meter().maker)
        _ = r.run()
    }
    let full = try time { let (r, _) = try day.kwartierRunner(); _ = r.run() }
    let us = { (s: Double) in s / 86_400 * 1e6 }
    print(String(format: "simulate: one day breakdown (µs/step): physics+meter+recorder %.1f, telegram encode %.1f, frame+parse %.1f, control+devices %.1f (total %.1f)",
                 us(physics), us(encode - physics), us(decode - encode), us(full - decode), us(full)))

    let (runner, brain) = try bt.kwartierRunner()
    let start = DispatchTime.now().uptimeNanoseconds
    let cpu0 = cpuTime()
    let report = runner.run()
    let cpu = cpuTime() - cpu0
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let steps = report.steps
    let goal = 20.0 * Double(days) / 30, bar = 60.0 * Double(days) / 30
    let verdict = wall < goal ? "met" : (wall < bar ? "bar met, goal NOT met" : "NOT met")
    print(String(format: "simulate: %d days of %d points at 1 s steps: %d decisions (telegram encode+decode each) in %.1f s wall, %.1f s CPU = %.1f µs/step (goal < %.0f s, bar < %.0f s: %@)",
                 days, config.chargepoints.count, steps, wall, cpu, cpu / Double(steps) * 1e6, goal, bar, verdict))
    print(String(format: "simulate:   %d telegrams, %d CRC failures, %d violations, max quarter %.2f kW (slider %.1f), %.0f of %.0f kWh delivered, %d cars",
                 brain.telegrams, brain.crcFailures, report.violations, report.max_quarter_kw, report.slider_kw,
                 report.energy_delivered_kwh, report.energy_requested_kwh, report.cars))
}

/// The car park and its busy day, repeated: examples/carpark20.yaml found from the current
/// directory or above the executable.
private func benchCarPark(days: Int) throws -> (SiteConfig, SimScenario) {
    var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    var candidates = [FileManager.default.currentDirectoryPath]
    for _ in 0..<8 { candidates.append(dir.path); dir = dir.deletingLastPathComponent() }
    guard let root = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/examples/carpark20.yaml") }) else {
        throw BenchError("examples/carpark20.yaml not found (run from the repository)")
    }
    let (config, _) = try ConfigFile.load(root + "/examples/carpark20.yaml")
    var scenario = try SimScenario.load(yaml: String(contentsOfFile: root + "/Scenarios/carpark-20-tight.yaml", encoding: .utf8))
    scenario.days = days
    return (config, scenario)
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// CPU time of this thread (s): the breakdown's parts are small differences, and the machine is shared.
private func cpuTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

private func time(_ body: () throws -> Void) rethrows -> Double {
    let s = cpuTime()
    try body()
    return cpuTime() - s
}

/// Reads the telegrams (optionally through framer and parser) and does nothing else: the
/// breakdown's middle steps.
private final class TelegramOnlyBrain: SimBrain {
    let decode: Bool
    var decoder = P1StreamDecoder()
    var sink = 0.0
    init(decode: Bool) { self.decode = decode }
    var wantsTelegrams: Bool { true }
    func step(now: Date, telegram: [UInt8]?, site: SimSite, meter: VirtualMeterState) -> [String: Double] {
        if decode, let t = telegram { for g in decoder.push(t) { sink += g.reading.gridMeasurement(hostTime: now).meter.powerW } }
        return [:]
    }
}
