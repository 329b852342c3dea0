import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Why each charge point has its setpoint right now (from the running hub).",
        discussion: """
        Reads the latest decision of the hub running on this data_dir and prints, for every \
        point, the constraint that binds it, in words and numbers.

        Examples:
          kwartier explain                       # data_dir of ./kwartier.yaml
          kwartier explain --data-dir .data/demo # the demo
          kwartier explain --json
        """)
    @OptionGroup var options: ConfigOptions
    @Option(help: "Read this data directory instead of the configuration's data_dir.") var dataDir: String?
    @Flag(help: "Print the decision as JSON.") var json = false

    func run() throws {
        let dir: String
        if let d = dataDir { dir = d } else { dir = try loadConfigOrExit(options.config).0.site.dataDir }
        let doc: StatusDocument
        do { doc = try StatusFile.read(dataDir: dir) } catch { printErr("\(error)"); throw ExitCode(1) }
        if json {
            let enc = JSONEncoder()
            enc.dateEncodingStrategy = .iso8601
            enc.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try enc.encode(doc), as: UTF8.self))
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
}
