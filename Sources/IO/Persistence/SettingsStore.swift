import Foundation
import KwartierCore

/// Persists `RuntimeSettings` in `data_dir/settings.json`, atomically.
public final class SettingsStore {
    public let path: String
    /// Messages about what happened at load (a corrupt file moved aside…), for the log.
    public private(set) var loadMessages: [String] = []

    public init(dataDir: String) {
        self.path = (dataDir as NSString).appendingPathComponent("settings.json")
    }

    /// Loads the saved settings; a missing file gives the defaults, a corrupt one is moved aside
    /// (`settings.json.corrupt-<time>`) with a message and the defaults are used.
    public func load(defaults: RuntimeSettings) -> RuntimeSettings {
        loadMessages = []
        guard let data = FileManager.default.contents(atPath: path) else { return defaults }
        do {
            var s = try JSONDecoder().decode(RuntimeSettings.self, from: data)
            // Points or relays added to the configuration since the last save get their defaults.
            for (id, p) in defaults.points where s.points[id] == nil { s.points[id] = p }
            for (id, r) in defaults.relays where s.relays[id] == nil { s.relays[id] = r }
            return s
        } catch {
            let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
            let aside = "\(path).corrupt-\(stamp)"
            do {
                try FileManager.default.moveItem(atPath: path, toPath: aside)
                loadMessages.append("settings file \(path) is corrupt (\(Self.reason(error))); moved aside to \(aside), using the configuration's defaults")
            } catch {
                loadMessages.append("settings file \(path) is corrupt and could not be moved aside (\(error.localizedDescription)); using the configuration's defaults")
            }
            return defaults
        }
    }

    static func reason(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let c) = error { return c.debugDescription }
        if case DecodingError.keyNotFound(let k, _) = error { return "missing \(k.stringValue)" }
        if case DecodingError.typeMismatch(_, let c) = error { return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))" }
        return "\(error)"
    }

    public func save(_ settings: RuntimeSettings) throws { try Self.save(settings, to: path) }

    /// Writes `settings` to `path` atomically (callable from any queue).
    public static func save(_ settings: RuntimeSettings, to path: String) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try AtomicFile.write(try enc.encode(settings), to: path)
    }
}
