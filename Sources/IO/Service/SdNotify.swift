import Foundation
import Synchronization

/// systemd's readiness and watchdog notifications, without libsystemd: one datagram to the
/// socket in $NOTIFY_SOCKET. Does nothing when systemd did not ask (no $NOTIFY_SOCKET), so the
/// same binary runs anywhere.
public final class SdNotify: Sendable {
    let path: String?
    /// How often to send WATCHDOG=1: half of $WATCHDOG_USEC (when it is meant for this process).
    public let watchdogIntervalS: Double?
    private struct Pings { var lastWatchdog = -Double.infinity; var isReady = false }
    private let pings = Mutex(Pings())

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        var interval: Double?
        if let u = environment["WATCHDOG_USEC"].flatMap(Double.init), u > 0 {
            let forUs = environment["WATCHDOG_PID"].flatMap(Int32.init).map { $0 == getpid() } ?? true
            if forUs { interval = u / 2_000_000 }
        }
        watchdogIntervalS = path == nil ? nil : interval
    }

    public var enabled: Bool { path != nil }

    @discardableResult
    public func send(_ state: String) -> Bool {
        guard let path else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return false }
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }     // an abstract socket
        withUnsafeMutableBytes(of: &addr.sun_path) { p in for (i, b) in bytes.enumerated() { p[i] = b } }
        let len = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
        let msg = Array(state.utf8)
        let n = withUnsafePointer(to: &addr) { a in
            a.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                msg.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), sa, len) }
            }
        }
        return n == msg.count
    }

    /// READY=1 (with a status line): the service is up; the watchdog pings start.
    public func ready(status: String) {
        send("READY=1\nSTATUS=\(status)")
        pings.withLock { $0.isReady = true }
    }

    /// From the site loop after each event: WATCHDOG=1 at most every half watchdog period, so
    /// only a loop that keeps turning keeps the service alive.
    public func loopAlive(now: Double) {
        guard let iv = watchdogIntervalS else { return }
        let due = pings.withLock { p in
            guard p.isReady, now - p.lastWatchdog >= iv else { return false }
            p.lastWatchdog = now
            return true
        }
        if due { send("WATCHDOG=1") }
    }
}
