import Foundation
import Synchronization
import KwartierCore

/// The last N log lines in memory, for the dashboard's log screen. Thread-safe.
public final class LogRing: Sendable {
    public static let shared = LogRing(capacity: 500)
    private struct Ring {
        var lines: [LogLine] = []
        var next = 0
    }
    private let ring = Mutex(Ring())
    public let capacity: Int

    public init(capacity: Int) { self.capacity = capacity }

    public func append(_ line: LogLine) {
        let cap = capacity
        ring.withLock { r in
            if r.lines.count < cap { r.lines.append(line) } else { r.lines[r.next] = line }
            r.next = (r.next + 1) % cap
        }
    }

    /// Oldest first.
    public func snapshot() -> [LogLine] {
        let cap = capacity
        return ring.withLock { r in
            if r.lines.count < cap { return r.lines }
            return Array(r.lines[r.next...] + r.lines[..<r.next])
        }
    }
}
