import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the control core against a simulated site faster than real time and report.",
        discussion: """
        Kwartier's own control drives a simulated site (cars arriving and leaving, PV, house load, \
        heat pump, boiler) through real P1 telegram bytes, second by second, as fast as the \
        machine allows. The same days are also run with two naive baselines — `uncontrolled` \
        (every car at its maximum) and `static` (the connection split equally) — and the report \
        shows them side by side: quarter-hour peak against the slider, energy delivered and \
        unmet, limit violations (must be 0), starts and stops, PV self-consumption, heat pump \
        time per SG state. Same scenario and seed, same result: runs are deterministic.

        A scenario NAME is Scenarios/NAME.yaml in the current directory, above the kwartier \
        executable, or in /usr/share/kwartier/scenarios (`--list` shows them). Without \
        --scenario the built-in demo car park is simulated; with --config FILE the site of that \
        configuration (its devices replaced by simulated ones) on the demo's day. See \
        docs/SIMULATE.md for the scenario format and every report line.

        Examples:
          kwartier simulate                          # the demo car park, one day
          kwartier simulate --scenario sunny-week
          kwartier simulate --scenario carpark-20-tight --json | \\
              tail -1 | jq .violations
          kwartier simulate --scenario my-site.yaml --days 30
          kwartier simulate --config kwartier.yaml   # a configuration, before hardware
          kwartier simulate --start "2026-06-15 07:00" --hours 3 \\
              --trace-file /tmp/trace.jsonl
          kwartier simulate --list
        """)

    @Option(name: .shortAndLong, help: ArgumentHelp("Simulate the site of this configuration (devices replaced by simulated ones).", valueName: "file"))
    var config: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("A scenario name (Scenarios/NAME.yaml) or a scenario file.", valueName: "name|file"))
    var scenario: String?
    @Option(help: ArgumentHelp("Number of days to simulate (1–366; default: the scenario's).", valueName: "n"))
    var days: Int?
    @Option(help: ArgumentHelp("Simulate only this many hours from the start instead of whole days.", valueName: "h"))
    var hours: Double?
    @Option(help: ArgumentHelp("Start at this day, or day and time, instead of the scenario's (e.g. \"2026-06-15 07:00\").", valueName: "when"))
    var start: String?
    @Flag(help: "End standard output with the report as one JSON object (the last line).")
    var json = false
    @Flag(help: "Write every decision with its explanations as JSON lines (to standard output, before the report).")
    var trace = false
    @Option(help: ArgumentHelp("Write the trace to this file instead of standard output (implies --trace).", valueName: "path"))
    var traceFile: String?
    @Option(help: ArgumentHelp("Record the simulated days' history (quarters, energy, sessions) into this data directory, for `kwartier history --data-dir`.", valueName: "dir"))
    var history: String?
    @Flag(help: "List the scenarios found and exit.")
    var list = false

    func validate() throws {
        if let d = days, !(1...366).contains(d) { throw ValidationError("--days \(d) is out of range: give 1 to 366 days") }
        if let h = hours, !(h > 0 && h <= 366 * 24) { throw ValidationError("--hours \(h) is out of range: give more than 0 and at most 8784") }
        if days != nil && hours != nil { throw ValidationError("give --days or --hours, not both") }
    }

    func run() throws {
        if list { listScenarios(); return }
        let (sc, cfg) = try loadOrExit()
        let backtest = Backtest(config: cfg, scenario: sc)

        var traceOut: LineWriter?
        if let p = traceFile {
            guard let w = LineWriter(path: p) else { printErr("\(p): cannot be written — check the directory and its permissions"); throw ExitCode(2) }
            traceOut = w
        } else if trace {
            traceOut = LineWriter(fd: STDOUT_FILENO)
        }

        var sink: HistorySink?
        if let dir = history {
            do {
                let store = try HistoryStore.open(dataDir: dir)
                for n in store.notes { printErr("kwartier simulate: \(n)") }
                try store.setTimeZone(backtest.config.site.timeZone)
                // The simulated days start over in this history (a rerun is not counted twice).
                try store.forget(from: SimSiteBuilder.startDate(backtest.scenario, SimSiteBuilder.timeZone(backtest.config)))
                sink = HistorySink(store: store)
            } catch {
                printErr("kwartier simulate: history in \(dir): \(error)")
                throw ExitCode(2)
            }
        }
        let (runner, brain) = try backtest.kwartierRunner(outbox: sink.map { s in { s.carryOut($0) } })
        if let out = traceOut {
            var tracer = SimTrace(timeZone: SimSiteBuilder.timeZone(backtest.config))
            brain.trace = { s, now in out.write(tracer.line(s, now: now)) }
        }
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1, label: "simulating \(sc.name)")
        let started = Date()

        // The baselines need no telegrams and no control: they run beside Kwartier on the second core.
        let results = BaselineResults()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            for b in SimBaseline.allCases {
                do { results.set(b, try backtest.baselineRunner(b).run()) } catch { results.fail(error) }
            }
            for b in backtest.energyBaselines {
                do { results.setEnergy(b, try backtest.energyBaselineRunner(b).0.run()) } catch { results.fail(error) }
            }
        }
        _ = runner.run { bar.update($0) }
        if let sink {
            // The quarter in progress and the open sessions, as a stopping hub leaves them.
            brain.stop()
            if let e = sink.drain() { printErr("kwartier simulate: history: \(e)"); throw ExitCode(1) }
        }
        bar.update(1, note: "baselines")
        group.wait()
        bar.finish()
        traceOut?.close()
        if let e = results.error { printErr("kwartier simulate: \(e)"); throw ExitCode(1) }
        let report = Backtest.combine(Backtest.report(runner, brain: brain), baselines: results.reports, energy: results.energyReports)
        let wall = Date().timeIntervalSince(started)

        if json {
            print(try Self.jsonLine(report))
        } else {
            print(SimReportText.render(report, scenario: sc, site: backtest.config.site.name))
            print(String(format: "\nSimulated %@ in %.1f s: %d decisions, %d telegrams decoded (%d CRC failures).",
                         TextFormat.span(hours: report.hours), wall, report.steps, report.telegrams ?? 0, report.crc_failures ?? 0))
        }
    }

    /// The report as one JSON line (sorted keys, ISO 8601 times).
    static func jsonLine(_ r: SimReport) throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        enc.dateEncodingStrategy = .iso8601
        return String(decoding: try enc.encode(r), as: UTF8.self)
    }

    /// The scenario (with --days/--hours applied) and its site, or a clear message and exit 2.
    func loadOrExit() throws -> (SimScenario, SiteConfig) {
        do {
            var sc: SimScenario
            var cfg: SiteConfig
            if let arg = scenario {
                let path = try ScenarioLocator.resolve(arg)
                sc = try ScenarioLocator.load(path)
                cfg = try config.map { try ScenarioLocator.loadConfig($0) } ?? ScenarioLocator.config(for: sc, scenarioPath: path)
            } else if let c = config {
                cfg = try ScenarioLocator.loadConfig(c)
                sc = SimScenario.demo
                sc.name = "demo-day"
                sc.description = "the demo's day on the site of \(c)"
            } else {
                cfg = try ScenarioLocator.demoConfig()
                sc = SimScenario.demo
            }
            if let d = days { sc.days = d; sc.hours = nil }
            if let h = hours { sc.hours = h }
            if let st = start { sc.start = st }
            try sc.validate()
            // Cars named by point must exist on the site (a scenario run with another --config).
            _ = try SimSiteBuilder.build(config: SimSiteBuilder.simulated(cfg), scenario: sc)
            return (sc, cfg)
        } catch let e as ScenarioLocator.Failure {
            printErr("kwartier simulate: \(e.description)")
            throw ExitCode(2)
        } catch let e as SimSiteBuilder.BuildError {
            printErr("kwartier simulate: \(e.message)")
            throw ExitCode(2)
        } catch let e as SimScenario.Invalid {
            printErr("kwartier simulate: \(e.description)")
            throw ExitCode(2)
        }
    }

    func listScenarios() {
        let dirs = ScenarioLocator.searchDirs()
        if dirs.isEmpty { print("No Scenarios/ directory found (looked in ./Scenarios, above the kwartier executable and in \(ScenarioLocator.installedDir))."); return }
        var shown = Set<String>()
        for d in dirs {
            let names = ScenarioLocator.names(in: d).filter { !shown.contains($0) }
            guard !names.isEmpty else { continue }
            print("\(d):")
            for n in names {
                shown.insert(n)
                let s = try? ScenarioLocator.load("\(d)/\(n).yaml")
                let what = s.map { "\($0.days) day\($0.days == 1 ? "" : "s") from \($0.start)" + ($0.description.map { " — \($0)" } ?? "") } ?? "(not a valid scenario)"
                print("  " + n.padding(toLength: 26, withPad: " ", startingAt: 0) + what)
            }
        }
    }
}

/// The baselines' reports, filled from their worker thread.
// unchecked: written by the baselines' worker thread, read after it is joined.
final class BaselineResults: @unchecked Sendable {
    private let lock = NSLock()
    private var done: [SimBaseline: SimReport] = [:]
    private var failure: Error?
    func set(_ b: SimBaseline, _ r: SimReport) { lock.lock(); done[b] = r; lock.unlock() }
    private var energy: [SimEnergyBaseline: SimReport] = [:]
    func setEnergy(_ b: SimEnergyBaseline, _ r: SimReport) { lock.lock(); energy[b] = r; lock.unlock() }
    var energyReports: [SimEnergyBaseline: SimReport] { lock.lock(); defer { lock.unlock() }; return energy }
    func fail(_ e: Error) { lock.lock(); failure = e; lock.unlock() }
    var reports: [SimBaseline: SimReport] { lock.lock(); defer { lock.unlock() }; return done }
    var error: Error? { lock.lock(); defer { lock.unlock() }; return failure }
}

/// Buffered line output to a file descriptor (the trace can be millions of lines).
final class LineWriter {
    private let fd: Int32
    private let owned: Bool
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd; owned = false; buffer.reserveCapacity(1 << 16) }

    init?(path: String) {
        let f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard f >= 0 else { return nil }
        fd = f; owned = true
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(10)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        writeAll(fd, buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        flush()
        if owned { _ = Foundation.close(fd) }
    }
}

/// A one-line progress bar on standard error (only on a terminal, never in a pipe or a log).
final class ProgressBar {
    let enabled: Bool
    let label: String
    private var lastPercent = -1

    init(enabled: Bool, label: String) { self.enabled = enabled; self.label = label }

    func update(_ fraction: Double, note: String = "") {
        guard enabled else { return }
        let pct = Int((min(1, max(0, fraction)) * 100).rounded(.down))
        guard pct != lastPercent || !note.isEmpty else { return }
        lastPercent = pct
        let width = 30
        let filled = pct * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write("\r\(label) [\(bar)] \(pct) %\(note.isEmpty ? "" : " (\(note))")\u{1B}[K".data(using: .utf8)!)
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!)
    }
}
