import Foundation
import KwartierCore

/// The running hub's latest decision, written to `data_dir/status.json` after each decision
/// (at most once a second) so that `kwartier explain` and other local tools can read it, in
/// `WireJSON` (snake_case keys).
public struct StatusDocument: Codable, Sendable, Equatable {
    public var pid: Int32
    public var written: Date
    public var site: String
    public var sliderKW: Double
    public var meterAgeS: Double?
    public var decision: Decision
    /// The energy plan (absent when no energy manager runs).
    public var plan: PlanView?
    public init(pid: Int32, written: Date, site: String, sliderKW: Double, meterAgeS: Double?, decision: Decision, plan: PlanView? = nil) {
        self.pid = pid; self.written = written; self.site = site; self.sliderKW = sliderKW
        self.meterAgeS = meterAgeS; self.decision = decision; self.plan = plan
    }
}

public enum StatusFile {
    public static func path(dataDir: String) -> String { (dataDir as NSString).appendingPathComponent("status.json") }

    public static func write(_ doc: StatusDocument, dataDir: String) throws {
        let enc = WireJSON.encoder()
        try AtomicFile.write(try enc.encode(doc), to: path(dataDir: dataDir))
    }

    public static func read(dataDir: String) throws -> StatusDocument {
        let p = path(dataDir: dataDir)
        guard let data = FileManager.default.contents(atPath: p) else {
            throw AtomicFile.WriteError(path: p, reason: "no status file: is `kwartier run` (or `kwartier demo`) running with this data_dir?")
        }
        return try WireJSON.decoder().decode(StatusDocument.self, from: data)
    }
}
