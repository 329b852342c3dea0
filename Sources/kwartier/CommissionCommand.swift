import ArgumentParser
import Foundation
import Synchronization
import Logging
import KwartierCore
import KwartierIO

struct CommissionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commission",
        abstract: "Commissioning checks on a site (wiring).",
        subcommands: [CommissionPhasesCommand.self])
}

struct CommissionPhasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phases",
        abstract: "Find which grid line each terminal of a charge point is on, against its configured `phases:`.",
        discussion: """
        With a car charging on the point, drives the site as `kwartier run` does and steps that \
        point's setpoint between its minimum and what the controller gives it (never more, so \
        the fuses and the slider hold), then correlates the point's current steps with the main \
        meter's per-line currents. A 1-phase car places terminal 1 (the strongest check); a \
        3-phase car gives the set of lines, not their order. Stop `kwartier run` first (one \
        process drives the site). Without --point every charge point is checked in turn; a point \
        with no car charging within --wait seconds is reported as not checked.

        --simulate runs the check on the simulated site instead (no devices): the point's car \
        arrives at once, the house switches appliances, and --wired-as makes the simulated \
        wiring differ from the configuration.

        Exit code: 0 every checked point matches, 1 a point does not match its `phases:`, 2 bad \
        configuration or options, 3 the site cannot be driven (another kwartier drives it), \
        4 a point could not be checked or placed.

        Examples:
          kwartier commission phases --config /etc/kwartier/kwartier.yaml --point cp1
          kwartier commission phases --config demo.yaml --point cp1 \\
              --simulate --wired-as L2L3L1
        """)

    @OptionGroup var options: ConfigOptions
    @Option(help: "The charge point to check (default: every one in turn).") var point: String?
    @Option(help: "Setpoint steps per point.") var steps: Int = 12
    @Option(help: ArgumentHelp("Seconds each step is held.", valueName: "s")) var dwell: Double = 10
    @Option(help: ArgumentHelp("Seconds to wait for a car charging on a point.", valueName: "s")) var wait: Double = 300
    @Flag(help: "Check on the simulated site instead of the real devices.") var simulate = false
    @Option(name: .customLong("wired-as"), help: ArgumentHelp("With --simulate: how the point is really wired (e.g. L2L3L1).", valueName: "phases"))
    var wiredAs: String?
    @Option(name: .customLong("car-phases"), help: ArgumentHelp("With --simulate: phases the simulated car charges on.", valueName: "1|2|3"))
    var carPhases: Int = 1
    @Option(help: "With --simulate: the simulated house's random seed.") var seed: UInt64 = 7
    @Flag(help: "One JSON object per point.") var json = false

    func validate() throws {
        guard (4...64).contains(steps) else { throw ValidationError("--steps must be 4…64") }
        guard dwell >= 2 else { throw ValidationError("--dwell must be at least 2 s (the car ramps)") }
        guard (1...3).contains(carPhases) else { throw ValidationError("--car-phases must be 1, 2 or 3") }
        if wiredAs != nil && !simulate { throw ValidationError("--wired-as is for --simulate") }
        if let w = wiredAs, PhaseMap(name: w) == nil { throw ValidationError("--wired-as '\(w)' is not a phase map (e.g. L1L2L3, L2L3L1, L2)") }
    }

    func run() throws {
        let (config, _) = try loadConfigOrExit(options.config)
        if let p = point, config.chargepoint(p) == nil {
            printErr("no charge point '\(p)' in \(config.file) (points: \(config.chargepoints.map(\.id).joined(separator: ", ")))")
            throw ExitCode(2)
        }
        let probe = PhaseProbe.Options(steps: steps, dwellS: dwell, sampleS: min(4, dwell / 2))
        let outcomes = simulate ? try simulated(config, probe) : try real(config, probe)
        for o in outcomes { print(line(o)) }
        var code: Int32 = 0
        for o in outcomes {
            switch o {
            case .found(let r) where r.result.matchesConfigured == false: code = 1
            case .found(let r) where r.result.matchesConfigured == nil: code = code == 0 ? 4 : code
            case .notChecked: code = code == 0 ? 4 : code
            default: break
            }
        }
        if code != 0 { throw ExitCode(code) }
    }

    func simulated(_ config: SiteConfig, _ probe: PhaseProbe.Options) throws -> [PhaseCommissionJob.Outcome] {
        guard let id = point ?? config.chargepoints.first?.id else { printErr("no charge points in \(config.file)"); throw ExitCode(2) }
        let scenario = try SimScenario.load(yaml: """
            name: commission-phases
            start: "2026-11-04 08:55"
            hours: 1
            seed: \(seed)
            house: { base_w: [900, 600, 700], scale: 3 }
            cars:
              - { point: \(id), arrive: "09:00", leave: "17:00", battery_kwh: 60, soc: 20, phases: \(carPhases) }
            """)
        let o: PhaseCommissionSim.Outcome
        do {
            o = try PhaseCommissionSim.run(config: config, point: id, wiredAs: wiredAs.flatMap { PhaseMap(name: $0) },
                                           scenario: scenario, options: probe, waitForCarS: 1800)
        } catch {
            printErr("kwartier commission phases: \(error)")
            throw ExitCode(2)
        }
        if !json { printErr("simulated: \(o.violations) fuse overload\(o.violations == 1 ? "" : "s") while stepping") }
        if let r = o.report { return [.found(r)] }
        return [.notChecked(point: id, reason: o.problem ?? "not checked")]
    }

    func real(_ config: SiteConfig, _ probe: PhaseProbe.Options) throws -> [PhaseCommissionJob.Outcome] {
        try? FileManager.default.createDirectory(atPath: config.site.dataDir, withIntermediateDirectories: true)
        KwartierLogHandler.bootstrap(sink: .stderr, level: .notice)
        let points = point.map { [$0] } ?? config.chargepoints.map(\.id)
        let results = ResultBox()
        let done = DispatchSemaphore(value: 0)
        // The car must have settled at its setpoint (ramp, the controller's first share) first.
        let job = PhaseCommissionJob(points: points, options: probe, waitS: wait, settleS: min(20, 2 * dwell),
                                     onResult: { results.append($0) }, onDone: { done.signal() })
        let runtime: SiteRuntime
        do {
            runtime = try SiteRuntime(config: config)
            try runtime.start(commission: job)
        } catch let e as SiteRuntime.StartError {
            printErr("kwartier commission phases: \(e.description)")
            throw ExitCode(3)
        }
        done.wait()
        runtime.shutdown()
        return results.all
    }

    func line(_ o: PhaseCommissionJob.Outcome) -> String {
        switch o {
        case .found(let r):
            guard json else { return r.text }
            return jsonString(PhaseLine(point: r.pointId, configured: r.configured.description, matches: r.result.matchesConfigured,
                                        lines: r.result.lines.map { $0?.description }, confidence: r.result.confidence,
                                        group_lines: r.result.groupLines.map(\.description), group_confidence: r.result.groupConfidence,
                                        suggested: r.suggested?.description, low_a: r.lowA, high_a: r.highA, samples: r.samples,
                                        text: r.text, reason: nil))
        case let .notChecked(p, why):
            guard json else { return "\(p): not checked: \(why)" }
            return jsonString(PhaseLine(point: p, configured: nil, matches: nil, lines: nil, confidence: nil, group_lines: nil,
                                        group_confidence: nil, suggested: nil, low_a: nil, high_a: nil, samples: nil,
                                        text: "\(p): not checked: \(why)", reason: why))
        }
    }

    /// The JSON line of one point (snake_case, as the other commands print).
    struct PhaseLine: Encodable {
        let point: String
        let configured: String?
        let matches: Bool?
        let lines: [String?]?
        let confidence: [Double]?
        let group_lines: [String]?
        let group_confidence: Double?
        let suggested: String?
        let low_a: Double?
        let high_a: Double?
        let samples: Int?
        let text: String
        let reason: String?
    }
}

/// Results handed from the loop's task to the command's thread.
final class ResultBox: Sendable {
    private let items = Mutex<[PhaseCommissionJob.Outcome]>([])
    func append(_ o: PhaseCommissionJob.Outcome) { items.withLock { $0.append(o) } }
    var all: [PhaseCommissionJob.Outcome] { items.withLock { $0 } }
}
