import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO
import KwartierTUI

struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Attach the dashboard to a running hub (`kwartier run --headless`, a service, or the demo).",
        discussion: """
        Keys work as in the embedded dashboard; q detaches at once (the hub goes on). Several \
        dashboards may be attached at once. When the hub goes away the dashboard says so and \
        reconnects when it returns.

        Examples:
          kwartier dashboard --config /etc/kwartier/kwartier.yaml
          kwartier dashboard --data-dir .data/demo
          kwartier dashboard --socket /var/lib/kwartier/kwartier.sock
        """)
    @OptionGroup var hub: HubOptions
    @Option(help: "Theme name (default, light, mono, high-contrast) or path of a theme file.") var theme: String?
    @Flag(help: "Draw with plain ASCII even when the locale is UTF-8.") var ascii = false
    @Option(name: .customLong("refresh-hz"), help: "Screen updates per second (default 1).") var refreshHz: Double?

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let (path, config) = try hub.resolve()
        let feed = SnapshotFeed()
        let first = try? ControlConnection(path: path, timeout: 2)
        let tzName = (first?.hello["time_zone"] as? String) ?? config?.site.timeZone
        Fmt.useTimeZone(tzName.flatMap(TimeZone.init(identifier:)) ?? .current)
        if first == nil { feed.setNotice("no hub on \(path) yet — waiting for it") }
        let link = HubLink(path: path, feed: feed)
        link.start(first: first)
        var ui = config?.ui ?? UIConfig()
        if let t = theme { ui.theme = t }
        if let r = refreshHz { ui.refreshHz = r }
        if ascii { ui.ascii = true }
        let dashboard = Dashboard(options: DashboardOptions(ui: ui))
        do {
            _ = try dashboard.run(feed: feed, onCommand: link.send, isDrivingHardware: false)
        } catch let e as DashboardError {
            link.stop()
            printErr("kwartier dashboard: \(e.description)")
            throw ExitCode(1)
        }
        link.stop()
        if let w = dashboard.themeWarning { printErr(w) }
    }
}
