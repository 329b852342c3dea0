import ArgumentParser
import Foundation
import Logging
import Synchronization
import KwartierCore
import KwartierIO
import KwartierTUI

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Drive a real site: read the meter, balance the charge points, draw the dashboard.",
        discussion: """
        Validates the configuration (exit 2 on errors, nothing is driven), takes the lock in \
        data_dir (exit 3 when another kwartier drives the site), then decides on every P1 \
        telegram. With the dashboard, logs go to data_dir/kwartier.log; --headless logs to stderr. \
        Stopping (q, Ctrl-C, SIGTERM) puts the relays in their safe state; the chargers fall back \
        to their own safe current when their watchdog expires.

        Examples:
          kwartier run --config /etc/kwartier/kwartier.yaml
          kwartier run --headless        # as a service, logs to stderr

        While it runs, the hub listens on its control socket (data_dir/kwartier.sock, or \
        site.control_socket): `kwartier dashboard` attaches, `kwartier status` and \
        `kwartier set` script it. A lost terminal (SIGHUP) closes the dashboard only: control \
        goes on headless.
        """)
    @OptionGroup var options: ConfigOptions
    @Flag(help: "No dashboard: log to stderr (for systemd).") var headless = false
    @Option(help: "Theme name (default, light, mono, high-contrast) or path of a theme file.") var theme: String?
    @Flag(help: "Draw with plain ASCII even when the locale is UTF-8.") var ascii = false
    @Option(help: "Stop after this many seconds (tests).") var seconds: Double?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"

    func run() throws {
        let (config, warnings) = try loadConfigOrExit(options.config)
        let useDashboard = !headless && TerminalCaps.isInteractive()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        try? FileManager.default.createDirectory(atPath: config.site.dataDir, withIntermediateDirectories: true)
        KwartierLogHandler.bootstrap(sink: useDashboard ? .file(RotatingFile(path: config.site.dataDir + "/kwartier.log")) : .stderr,
                                     level: level)
        let log = Logger(label: "run")
        for w in warnings { log.warning("\(w.description)") }
        let feed = SnapshotFeed()
        let setpoints = SetpointLog(log: log)
        let notify = SdNotify()
        signal(SIGPIPE, SIG_IGN)
        // A lost terminal must not stop control: SIGHUP only closes the dashboard.
        signal(SIGHUP, SIG_IGN)
        let server = ControlServer(path: ControlSocketPath.of(config), site: config.site.name, mode: "run",
                                   version: KwartierVersion.string, timeZone: config.site.timeZone)
        let dashboardOpen = Mutex(useDashboard)
        let mqtt = config.mqtt.map { MQTTLink(config: config, mqtt: $0, version: KwartierVersion.string) }
        let runtime: SiteRuntime
        do {
            runtime = try SiteRuntime(config: config, onSnapshot: { s in
                if dashboardOpen.withLock({ $0 }) { feed.publish(s) }
                server.publish(s)
                mqtt?.publish(s)
            }, onStep: { step in
                setpoints.record(step)
                mqtt?.publishHub(step.hubOut)
            }, onStatus: { server.publish(status: $0) }, notify: notify)
            server.setCommandSink { cmd, answer in runtime.submit(cmd, answer: answer) }
            mqtt?.setCommandSink { cmd, answer in runtime.submit(cmd, answer: answer) }
            mqtt?.setHubSink { runtime.deliver($0) }
            try runtime.start()
        } catch let e as SiteRuntime.StartError {
            printErr("kwartier run: \(e.description)")
            throw ExitCode(3)
        } catch {
            printErr("kwartier run: \(error)")
            throw ExitCode(3)
        }
        do { try server.start() } catch {
            // Control goes on without the socket: driving the site matters more than being watched.
            log.error("\(error); no dashboard can attach and `kwartier set/status` will not reach this hub")
        }
        do { try mqtt?.start() } catch {
            // As with the socket: control goes on; the broker does not see this hub.
            log.error("\(error); the hub runs without MQTT")
        }
        notify.ready(status: "driving \(config.site.name)")
        if useDashboard {
            var ui = config.ui
            if let t = theme { ui.theme = t }
            if ascii { ui.ascii = true }
            Fmt.useTimeZone(TimeZone(identifier: config.site.timeZone) ?? .current)
            let dashboard = Dashboard(options: DashboardOptions(ui: ui))
            var keepRunning = false
            do {
                let exit = try dashboard.run(feed: feed, onCommand: runtime.submit, isDrivingHardware: true, stopAfter: seconds)
                if exit == .terminalClosed || exit == .hangup {
                    log.notice("the terminal went away: the dashboard is closed, control goes on headless (attach with `kwartier dashboard`; stop with SIGTERM)")
                    keepRunning = true
                }
            } catch let e as DashboardError {
                printErr("kwartier run: \(e.description) — continuing headless; stop with Ctrl-C")
                keepRunning = true
            }
            dashboardOpen.withLock { $0 = false }
            if keepRunning { waitForSignal(seconds: seconds, sourcesExisted: true) }
        } else {
            waitForSignal(seconds: seconds)
        }
        notify.send("STOPPING=1")
        runtime.shutdown()
        mqtt?.stop()
        server.stop()
    }

    /// Waits for SIGINT or SIGTERM. The default action goes off before a signal's first dispatch
    /// source only: libdispatch installs its own handler then, which SIG_IGN would replace.
    func waitForSignal(seconds: Double?, sourcesExisted: Bool = false) {
        let done = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
            if !sourcesExisted { signal(sig, SIG_IGN) }
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { done.signal() }
            s.resume()
            return s
        }
        if let s = seconds { _ = done.wait(timeout: .now() + s) } else { done.wait() }
        withExtendedLifetime(sources) {}
    }
}

/// Logs what each decision changed: one info line a decision (the first few changes named),
/// every change with its reason at debug level.
final class SetpointLog: Sendable {
    let log: Logger
    let changes = Mutex(SetpointChanges())
    init(log: Logger) { self.log = log }
    func record(_ step: SiteStep) {
        let (changed, unchanged) = changes.withLock { $0.record(step.decision) }
        guard let line = SetpointChanges.summary(changed, unchanged: unchanged) else { return }
        log.info("\(line)")
        for c in changed { log.debug("\(c.text)") }
    }
}
