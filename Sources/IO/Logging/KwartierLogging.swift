import Foundation
import Logging
import KwartierCore

/// swift-log handler: every line to the in-memory ring, and to a rotated file in `data_dir`
/// (while the dashboard owns the terminal) or to stderr (`--headless`, CLI tools).
public struct KwartierLogHandler: LogHandler {
    public enum Sink: Sendable { case stderr, file(RotatingFile), none }
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let sink: Sink
    let ring: LogRing

    public init(label: String, sink: Sink, ring: LogRing = .shared) {
        self.label = label; self.sink = sink; self.ring = ring
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let now = Date()
        let level = LogLine.Level(rawValue: event.level.rawValue) ?? .info
        var text = "\(event.message)"
        let md = metadata.merging(event.metadata ?? [:]) { $1 }
        if !md.isEmpty { text += " " + md.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
        ring.append(LogLine(time: now, level: level, text: "\(label): \(text)"))
        let stamp = KwartierLogHandler.stamp(now)
        let line = "\(stamp) \(Self.levelNames[event.level] ?? event.level.rawValue.uppercased()) \(label): \(text)"
        switch sink {
        case .stderr: FileHandle.standardError.write(Data((line + "\n").utf8))
        case .file(let f): f.write(line)
        case .none: break
        }
    }

    static func stamp(_ d: Date) -> String { TextFormat.utcStamp(d) }

    static let levelNames = Dictionary(uniqueKeysWithValues: Logger.Level.allCases.map { ($0, $0.rawValue.uppercased()) })

    /// Bootstraps swift-log once for the process.
    public static func bootstrap(sink: Sink, level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in
            var h = KwartierLogHandler(label: label, sink: sink)
            h.logLevel = level
            return h
        }
    }
}
