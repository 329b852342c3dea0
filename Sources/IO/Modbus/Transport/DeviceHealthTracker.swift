import Foundation
import KwartierCore

/// Communication health of one device, updated by its channel after every transaction (on the
/// worker thread) and read by anyone (the dashboard) as a `DeviceHealth` snapshot.
///
/// Status: `ok` — last transaction answered in time; `slow` — answered, but the recent median
/// round trip is above `slowMs`; `failing` — 1 … `lostAfter`−1 failures in a row; `lost` —
/// `lostAfter` failures in a row, or no answer for `lostAfterS` while failing.
// unchecked: counters under its lock (the worker writes, the dashboard reads).
public final class DeviceHealthTracker: @unchecked Sendable {
    public let id: String
    public let label: String
    public var slowMs: Double
    public var lostAfter: Int
    public var lostAfterS: Double

    private let lock = NSLock()
    private var rtts: [Double] = []          // ring of recent round trips (ms)
    private var rttNext = 0
    private static let window = 128
    private var tx: UInt64 = 0, rx: UInt64 = 0, requests: UInt64 = 0, failures: UInt64 = 0
    private var consecutiveFailures = 0
    private var lastError: String?
    private var lastSuccess: Double?
    private var firstFailure: Double?
    private var everAnswered = false

    public init(id: String, label: String, slowMs: Double = 250, lostAfter: Int = 3, lostAfterS: Double = 10) {
        self.id = id; self.label = label; self.slowMs = slowMs; self.lostAfter = lostAfter; self.lostAfterS = lostAfterS
    }

    /// A transaction that got an answer (an exception answer counts as an answer but also as a failure).
    public func recordAnswer(rttMs: Double, txBytes: Int, rxBytes: Int, now: Double) {
        lock.lock(); defer { lock.unlock() }
        requests += 1; tx += UInt64(txBytes); rx += UInt64(rxBytes)
        addRTT(rttMs)
        consecutiveFailures = 0; firstFailure = nil; lastSuccess = now; lastError = nil; everAnswered = true
    }

    public func recordFailure(_ error: String, rttMs: Double?, txBytes: Int, rxBytes: Int, now: Double, sent: Bool = true) {
        lock.lock(); defer { lock.unlock() }
        if sent { requests += 1; failures += 1; tx += UInt64(txBytes); rx += UInt64(rxBytes) }
        if let r = rttMs { addRTT(r) }
        consecutiveFailures += sent ? 1 : 0
        if firstFailure == nil { firstFailure = now }
        lastError = error
    }

    /// An exception answer: the device is alive (not `lost`), but the request failed.
    public func recordException(_ error: String, rttMs: Double, txBytes: Int, rxBytes: Int, now: Double) {
        lock.lock(); defer { lock.unlock() }
        requests += 1; failures += 1; tx += UInt64(txBytes); rx += UInt64(rxBytes)
        addRTT(rttMs)
        consecutiveFailures = 0; firstFailure = nil; lastSuccess = now; everAnswered = true
        lastError = error
    }

    private func addRTT(_ ms: Double) {
        if rtts.count < Self.window { rtts.append(ms) } else { rtts[rttNext] = ms }
        rttNext = (rttNext + 1) % Self.window
    }

    /// Consecutive transactions without an answer.
    public var silentStreak: Int { lock.lock(); defer { lock.unlock() }; return consecutiveFailures }

    public func snapshot(now: Double) -> DeviceHealth {
        lock.lock(); defer { lock.unlock() }
        let sorted = rtts.sorted()
        let p50 = Self.percentile(sorted, 0.50), p99 = Self.percentile(sorted, 0.99)
        var status: DeviceHealth.Status = .ok
        if consecutiveFailures >= lostAfter || (consecutiveFailures > 0 && (now - (firstFailure ?? now)) >= lostAfterS) {
            status = .lost
        } else if consecutiveFailures > 0 || (lastError != nil && !everAnswered) {
            status = .failing
        } else if lastError != nil {
            status = .failing   // answered with an exception last time
        } else if let m = recentMedian(), m > slowMs {
            status = .slow
        }
        return DeviceHealth(id: id, description: label, status: status, lastError: lastError, rttP50Ms: p50, rttP99Ms: p99,
                            txBytes: tx, rxBytes: rx, requests: requests, failures: failures)
    }

    /// Median of the last 8 round trips.
    private func recentMedian() -> Double? {
        guard !rtts.isEmpty else { return nil }
        var last: [Double] = []
        for i in 1...min(8, rtts.count) { last.append(rtts[(rttNext - i + rtts.count * 2) % rtts.count]) }
        return Self.percentile(last.sorted(), 0.5)
    }

    /// Nearest-rank percentile of sorted values.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}
