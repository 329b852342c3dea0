import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The live state of the running hub: slider, quarter, every point, relays, alerts.",
        discussion: """
        Asks the hub over its control socket (exit 3 when no hub runs there). --json prints the \
        same snapshot the dashboard draws (snake_case keys; docs/PROTOCOL.md).

        Examples:
          kwartier status
          kwartier status --data-dir .data/demo --json
        """)
    @OptionGroup var hub: HubOptions
    @Flag(help: "Print the snapshot as JSON.") var json = false

    func run() throws {
        let (path, _) = try hub.resolve()
        let c = try connectOrExit(path, tool: "status")
        let a = try requestOrExit(c, "status", tool: "status")
        if let e = a["error"] as? String { printErr("kwartier status: \(e)"); throw ExitCode(1) }
        guard let data = ControlConnection.documentData(a, key: "status"),
              let s = try? WireJSON.decoder().decode(SiteSnapshot.self, from: data) else {
            printErr("kwartier status: the hub's answer is not a snapshot this kwartier understands")
            throw ExitCode(1)
        }
        if json {
            print(String(decoding: try WireJSON.encoder(pretty: true).encode(s), as: UTF8.self))
            return
        }
        for line in StatusText.render(s, timeZone: (c.hello["time_zone"] as? String).flatMap(TimeZone.init(identifier:)) ?? .current) { print(line) }
    }
}

/// `kwartier status` as text: one line per fact, numbers with their units.
enum StatusText {
    static func render(_ s: SiteSnapshot, timeZone: TimeZone) -> [String] {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        f.timeZone = timeZone
        var out: [String] = []
        out.append("\(s.siteName) at \(f.string(from: s.time))" + (s.safeState ? " — SAFE STATE (main meter stale)" : ""))
        out.append(String(format: "slider %.1f kW, grid %+.2f kW (L1 %.1f A, L2 %.1f A, L3 %.1f A)", s.sliderKW, s.grid.powerW / 1000,
                          s.grid.currents.l1, s.grid.currents.l2, s.grid.currents.l3))
        if let q = s.quarter {
            out.append(String(format: "quarter: average %.2f kW, forecast %.2f kW, target %.2f kW; month peak %.2f kW",
                              q.averageKW, q.forecastKW, q.targetKW, q.monthPeakKW))
        }
        for p in s.points {
            var line = "\(p.id) \(p.state.rawValue), \(p.mode.rawValue)"
            if p.mode == .manual, let m = p.manualA { line += String(format: " %.1f A", m) }
            line += String(format: ", priority %d, setpoint %.1f A, drawing %.1f/%.1f/%.1f A: %@", p.priority, p.setpointA,
                           p.currents.l1, p.currents.l2, p.currents.l3, p.explanation)
            out.append(line)
        }
        for r in s.relays {
            out.append("relay \(r.id) \(r.state), override \(r.override.rawValue): \(r.reason)")
        }
        if let p = s.plan { out.append(p.summary(now: s.time, timeZone: timeZone)) }
        for a in s.alerts where a.active { out.append("alert \(a.level.rawValue): \(a.text)") }
        return out
    }
}
