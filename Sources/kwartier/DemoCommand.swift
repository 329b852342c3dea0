import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO
import KwartierTUI

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the built-in simulated site with the dashboard (no hardware needed).",
        discussion: """
        A car park of 8 charge points over 2 boards under a 40 A connection, with PV, an SG-Ready \
        heat pump and a boiler; cars come and go. The real control core drives it through real \
        P1 telegram bytes. Keys: see `?` in the dashboard.

        Examples:
          kwartier demo
          kwartier demo --config kwartier.yaml   # simulate a configured site
          kwartier demo --headless --seconds 30  # print live values line by line
          kwartier demo --speed 10 --start 06:00 # ten times faster from dawn
        """)
    @Option(name: .shortAndLong, help: "Simulate the site of this configuration (its devices replaced by simulated ones).")
    var config: String?
    @Flag(help: "Print live values line by line instead of drawing the dashboard.") var headless = false
    @Option(help: "Stop after this many seconds (default: run until q / Ctrl-C).") var seconds: Double?
    @Option(help: "Simulated seconds per real second (1-1000).") var speed: Double = 1
    @Option(help: "Local time of day the demo opens at, HH:MM (the simulation runs up to it first).") var start: String = "10:00"
    @Option(help: "Where the demo keeps settings, status and log (default .data/demo).") var dataDir: String?
    @Option(help: "Theme name (default, light, mono, high-contrast) or path of a theme file.") var theme: String?
    @Flag(help: "Draw with plain ASCII even when the locale is UTF-8.") var ascii = false
    @Option(name: .customLong("refresh-hz"), help: "Screen updates per second (default 1).") var refreshHz: Double?

    func validate() throws {
        guard speed > 0 && speed <= 1000 else { throw ValidationError("--speed must be above 0 and at most 1000") }
        guard TimeWindow.minutes(start) != nil else { throw ValidationError("--start must be HH:MM, e.g. 10:00") }
        if let s = seconds, s <= 0 { throw ValidationError("--seconds must be positive") }
    }

    func run() throws {
        var siteConfig: SiteConfig
        var dir = dataDir ?? ".data/demo"
        if let path = config {
            let (c, warnings) = try loadConfigOrExit(path)
            for w in warnings { printErr(w.description) }
            siteConfig = SimSiteBuilder.simulated(c)
            if dataDir == nil { dir = ".data/demo-" + ((path as NSString).lastPathComponent as NSString).deletingPathExtension }
        } else {
            siteConfig = try ConfigLoader(knownDrivers: KnownDrivers.names).load(yaml: DemoSite.yaml, file: "built-in demo").0
        }
        siteConfig.site.dataDir = dir
        let useDashboard = !headless && TerminalCaps.isInteractive()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        KwartierLogHandler.bootstrap(sink: useDashboard ? .file(RotatingFile(path: dir + "/kwartier.log")) : .stderr)
        let lock: InstanceLock
        do { lock = try InstanceLock(dataDir: dir) } catch { printErr("\(error)"); throw ExitCode(3) }
        defer { withExtendedLifetime(lock) {} }

        var scenario = SimScenario.demo
        scenario.name = config == nil ? "demo" : "demo of \(config!)"
        let tz = SimSiteBuilder.timeZone(siteConfig)
        let day0 = try SimSiteBuilder.startDate(scenario, tz)
        let store = SettingsStore(dataDir: dir)
        let settings = store.load(defaults: RuntimeSettings.defaults(for: siteConfig))
        for m in store.loadMessages { printErr(m) }
        let feed = SnapshotFeed()
        signal(SIGPIPE, SIG_IGN)
        // The demo serves the same control socket as a real hub: every tool works on it.
        let server = ControlServer(path: ControlSocketPath.of(siteConfig), site: siteConfig.site.name, mode: "demo",
                                   version: KwartierVersion.string, timeZone: tz.identifier)
        var printLine: (@Sendable (SiteStep, String) -> Void)? = nil
        let toDashboard = useDashboard
        if !useDashboard { printLine = { _, line in print(line); flushStandardOutput() } }
        // `mqtt:` in the configuration: the demo publishes and takes commands as `run` does.
        let mqtt = siteConfig.mqtt.map { MQTTLink(config: siteConfig, mqtt: $0, version: KwartierVersion.string) }
        let host = try DemoHost(config: siteConfig, scenario: scenario, settings: settings, start: day0, speed: speed,
                                onSnapshot: { s in
                                    if toDashboard { feed.publish(s) }
                                    server.publish(s)
                                    mqtt?.publish(s)
                                }, onStep: printLine)
        host.onStatus { server.publish(status: $0) }
        server.setCommandSink { cmd, answer in host.submit(cmd, answer: answer) }
        mqtt?.setCommandSink { cmd, answer in host.submit(cmd, answer: answer) }
        defer { server.stop(); mqtt?.stop() }
        let startMinute = TimeWindow.minutes(start)!
        if startMinute > 0 {
            if !useDashboard { printErr("kwartier demo: simulating the day up to \(start)…") }
            host.fastForward(to: day0.addingTimeInterval(Double(startMinute) * 60))
        }

        do { try server.start() } catch { printErr("kwartier demo: \(error)") }
        do { try mqtt?.start() } catch { printErr("kwartier demo: \(error); the demo runs without MQTT") }
        if useDashboard {
            feed.publish(host.snapshot())
            var ui = siteConfig.ui
            if let t = theme { ui.theme = t }
            if let r = refreshHz { ui.refreshHz = r }
            if ascii { ui.ascii = true }
            host.start()
            Fmt.useTimeZone(tz)
            let dashboard = Dashboard(options: DashboardOptions(ui: ui))
            do {
                _ = try dashboard.run(feed: feed, onCommand: host.submit, isDrivingHardware: false, stopAfter: seconds)
            } catch let e as DashboardError {
                host.stop()
                printErr("kwartier demo: \(e.description) — try `kwartier demo --headless`")
                throw ExitCode(1)
            }
            host.stop()
            if let w = dashboard.themeWarning { printErr(w) }
            return
        }
        // Headless: one line a simulated second.
        let done = DispatchSemaphore(value: 0)
        let signals = [SIGINT, SIGTERM, SIGHUP].map { sig -> DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { done.signal() }
            s.resume()
            return s
        }
        host.start()
        if let s = seconds { _ = done.wait(timeout: .now() + s) } else { done.wait() }
        host.stop()
        withExtendedLifetime(signals) {}
    }
}
