import Foundation
import Logging
import KwartierCore
#if canImport(Glibc)
import Glibc
#endif

/// Runs the configured alert hook (`alerts.hook`) for every alert event: `/bin/sh -c <hook>`
/// with the event as one line of JSON on stdin, and KWARTIER_ALERT_KEY / _LEVEL / _ACTIVE /
/// _TEXT in its environment. Never blocks the caller (hooks run one at a time on a background
/// queue, in order), never throws: a hook that fails, cannot start or outlives its timeout is
/// logged (and killed), and the hub goes on.
public final class AlertHook: @unchecked Sendable {
    public struct Result: Sendable, Equatable {
        public var exitStatus: Int32?
        public var timedOut: Bool
        public var launchError: String?
        public var stderr: String
        public var ok: Bool { exitStatus == 0 && !timedOut && launchError == nil }
    }

    public let command: String
    public let timeoutS: Double
    /// Events waiting beyond this are dropped (and logged): a hook slower than the alerts.
    public let maxQueued: Int
    private let logger: Logger
    private let queue = DispatchQueue(label: "kwartier.alert-hook")
    private let lock = NSLock()
    private var queued = 0

    public init(command: String, timeoutS: Double = 10, maxQueued: Int = 32, logger: Logger = Logger(label: "kwartier.alerts")) {
        self.command = command; self.timeoutS = timeoutS; self.maxQueued = maxQueued; self.logger = logger
        // A hook that exits without reading stdin must not kill the hub with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Queues the hook for this event and returns at once.
    public func fire(_ event: AlertEvent) {
        lock.lock()
        if queued >= maxQueued {
            lock.unlock()
            logger.warning("alert hook: \(maxQueued) events already waiting, dropped '\(event.key)' (\(event.text))")
            return
        }
        queued += 1
        lock.unlock()
        queue.async { [self] in
            _ = run(event)
            lock.lock(); queued -= 1; lock.unlock()
        }
    }

    /// Waits until every queued hook has run (for shutdown and tests).
    public func drain() { queue.sync {} }

    /// Runs the hook for one event and waits for it (at most the timeout). Logs the outcome.
    ///
    /// Spawned in its own process group (ChildProcess): on timeout the whole group gets SIGTERM,
    /// then SIGKILL.
    @discardableResult
    public func run(_ event: AlertEvent) -> Result {
        var env = ProcessInfo.processInfo.environment
        env["KWARTIER_ALERT_KEY"] = event.key
        env["KWARTIER_ALERT_LEVEL"] = event.level.rawValue
        env["KWARTIER_ALERT_ACTIVE"] = event.active ? "1" : "0"
        env["KWARTIER_ALERT_TEXT"] = event.text
        var payload = event.json()
        payload.append(0x0A)

        let child: ChildProcess
        do {
            child = try ChildProcess.spawn("/bin/sh", ["-c", command], environment: env, stdin: .pipe, stderr: .pipe)
        } catch {
            let why = "\(error)"
            logger.error("alert hook '\(command)' could not start: \(why)")
            return Result(exitStatus: nil, timedOut: false, launchError: why, stderr: "")
        }
        payload.withUnsafeBytes { _ = writeAll(child.stdin, $0) }   // EPIPE: the hook does not read its input; fine
        close(child.stdin)

        var err = [UInt8]()
        var ended = child.wait(timeoutS: timeoutS) { child.drainStderr(into: &err) }
        let timedOut = ended == nil
        if timedOut {
            child.killGroup(SIGTERM)
            ended = child.wait(timeoutS: 1)
            child.killGroup(SIGKILL)
            if ended == nil { _ = child.wait(timeoutS: .infinity) }
        }
        child.drainStderr(into: &err)
        close(child.stderr)
        let code: Int32?
        switch timedOut ? nil : ended {
        case nil: code = nil
        case .exited(let c)?: code = c
        case .signaled(let sig)?: code = 128 + sig
        }
        let text = String(decoding: err, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let r = Result(exitStatus: code, timedOut: timedOut, launchError: nil, stderr: text)
        if timedOut {
            logger.warning("alert hook '\(command)' for '\(event.key)' killed after \(timeoutS) s")
        } else if code != 0 {
            let first = text.split(separator: "\n").first.map(String.init) ?? ""
            logger.warning("alert hook '\(command)' for '\(event.key)' failed: exit \(code ?? -1)\(first.isEmpty ? "" : ": " + first)")
        } else {
            logger.debug("alert hook ran for '\(event.key)'")
        }
        return r
    }
}
