import Foundation
import KwartierCore

/// The last N log lines in memory, for the dashboard's log screen. Thread-safe.
public final class LogRing: @unchecked Sendable {
    public static let shared = LogRing(capacity: 500)
    private let lock = NSLock()
    private var lines: [LogLine] = []
    private var next = 0
    public let capacity: Int

    public init(capacity: Int) { self.capacity = capacity }

    public func append(_ line: LogLine) {
        lock.lock(); defer { lock.unlock() }
        if lines.count < capacity { lines.append(line) } else { lines[next] = line }
        next = (next + 1) % capacity
    }

    /// Oldest first.
    public func snapshot() -> [LogLine] {
        lock.lock(); defer { lock.unlock() }
        if lines.count < capacity { return lines }
        return Array(lines[next...] + lines[..<next])
    }
}
