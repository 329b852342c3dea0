import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Why each charge point has its setpoint right now (from the running hub).",
        discussion: """
        Asks the hub running on this data_dir (over its control socket) for its latest decision \
        and prints, for every point, the constraint that binds it, in words and numbers. When no \
        hub answers, reads what it last wrote to data_dir/status.json.

        Examples:
          kwartier explain                       # data_dir of ./kwartier.yaml
          kwartier explain --data-dir .data/demo # the demo
          kwartier explain --json
        """)
    @OptionGroup var hub: HubOptions
    @Flag(help: "Print the decision as JSON.") var json = false

    func run() throws {
        let doc = try live() ?? fromFile()
        if json {
            print(String(decoding: try WireJSON.encoder(pretty: true).encode(doc), as: UTF8.self))
            return
        }
        let age = Date().timeIntervalSince(doc.written)
        print("\(doc.site): decision of \(ISO8601DateFormatter().string(from: doc.decision.time)) (\(String(format: "%.0f", age)) s ago), slider \(String(format: "%.1f", doc.sliderKW)) kW" + (doc.decision.safeState ? " — SAFE STATE (main meter stale)" : ""))
        if let q = doc.decision.quarter {
            print(String(format: "quarter: %.2f kW so far, forecast %.2f kW, target %.2f kW, %.2f kW allowed for the rest; month peak %.2f kW",
                         q.averageKW, q.forecastKW, q.targetKW, q.allowedKW, q.monthPeakKW))
        }
        for p in doc.decision.points {
            print("\(p.id) \(String(format: "%.1f", p.setpointA)) A: \(p.explanation.text)")
        }
        if age > 30 { printErr("warning: the status is \(Int(age)) s old — is the hub still running?") }
    }

    /// The running hub's latest decision over its socket; nil when no hub answers there.
    func live() throws -> StatusDocument? {
        let (path, _) = try hub.resolve()
        guard let c = try? ControlConnection(path: path, timeout: 2),
              let a = try? c.request("explain", timeout: 5) else { return nil }
        if let e = a["error"] as? String { printErr("kwartier explain: \(e)"); throw ExitCode(1) }
        guard let data = ControlConnection.documentData(a, key: "explain"),
              let doc = try? WireJSON.decoder().decode(StatusDocument.self, from: data) else { return nil }
        return doc
    }

    /// `status.json` of the data dir: what the hub wrote last (it may have stopped since).
    func fromFile() throws -> StatusDocument {
        let dir: String
        if let d = hub.dataDir { dir = d }
        else if let s = hub.socket { dir = (s as NSString).deletingLastPathComponent }
        else { dir = try loadConfigOrExit(hub.config).0.site.dataDir }
        do { return try StatusFile.read(dataDir: dir) } catch { printErr("\(error)"); throw ExitCode(1) }
    }
}
