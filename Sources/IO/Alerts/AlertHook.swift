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
    /// Spawned with posix_spawn in its own process group (not Foundation's Process, whose exit
    /// detection waits for every grandchild): on timeout the whole group gets SIGTERM, then SIGKILL.
    @discardableResult
    public func run(_ event: AlertEvent) -> Result {
        var env = ProcessInfo.processInfo.environment
        env["KWARTIER_ALERT_KEY"] = event.key
        env["KWARTIER_ALERT_LEVEL"] = event.level.rawValue
        env["KWARTIER_ALERT_ACTIVE"] = event.active ? "1" : "0"
        env["KWARTIER_ALERT_TEXT"] = event.text
        var payload = event.json()
        payload.append(0x0A)

        let spawned = Self.spawn(["/bin/sh", "-c", command], env: env)
        guard case .success(let child) = spawned else {
            let why: String
            if case .failure(let e) = spawned { why = e.message } else { why = "?" }
            logger.error("alert hook '\(command)' could not start: \(why)")
            return Result(exitStatus: nil, timedOut: false, launchError: why, stderr: "")
        }
        payload.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = write(child.stdin, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { break }   // EPIPE: the hook does not read its input; fine
                off += n
            }
        }
        close(child.stdin)

        var err = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1024)
        func drainStderr() {
            while true {
                let n = read(child.stderr, &chunk, chunk.count)
                if n <= 0 { return }
                if err.count < 4000 { err.append(contentsOf: chunk[0..<n]) }
            }
        }
        var status: Int32 = 0
        var done = false
        var timedOut = false
        let deadline = Date().addingTimeInterval(timeoutS)
        while !done {
            drainStderr()
            if waitpid(child.pid, &status, WNOHANG) == child.pid { done = true; break }
            if Date() >= deadline { timedOut = true; break }
            usleep(5_000)
        }
        if timedOut {
            kill(-child.pid, SIGTERM)
            let killAt = Date().addingTimeInterval(1)
            while Date() < killAt {
                if waitpid(child.pid, &status, WNOHANG) == child.pid { done = true; break }
                usleep(5_000)
            }
            kill(-child.pid, SIGKILL)
            if !done { _ = waitpid(child.pid, &status, 0) }
        }
        drainStderr()
        close(child.stderr)
        let exited = status & 0x7f == 0
        let code: Int32? = timedOut ? nil : (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
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

    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    static let addCloseFrom: AddCloseFrom? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(sym, to: AddCloseFrom.self)
    }()

    struct SpawnError: Error { var message: String }
    struct Child { var pid: pid_t; var stdin: Int32; var stderr: Int32 }

    /// posix_spawn with stdin and stderr pipes, stdout to /dev/null, a new process group, default
    /// signal handling (SIGPIPE is ignored in the hub) and no other inherited descriptors.
    static func spawn(_ argv: [String], env: [String: String]) -> Swift.Result<Child, SpawnError> {
        var inP: [Int32] = [0, 0], errP: [Int32] = [0, 0]
        guard pipe(&inP) == 0 else { return .failure(SpawnError(message: "pipe: \(String(cString: strerror(errno)))")) }
        guard pipe(&errP) == 0 else {
            close(inP[0]); close(inP[1])
            return .failure(SpawnError(message: "pipe: \(String(cString: strerror(errno)))"))
        }
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        posix_spawn_file_actions_adddup2(&fa, inP[0], 0)
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&fa, errP[1], 2)
        // glibc >= 2.34; not in Swift's Glibc module, so looked up at run time.
        if let f = AlertHook.addCloseFrom { _ = f(&fa, 3) }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &fa, &attr, cArgs, cEnv)
        close(inP[0]); close(errP[1])
        guard rc == 0 else {
            close(inP[1]); close(errP[0])
            return .failure(SpawnError(message: "posix_spawn \(argv[0]): \(String(cString: strerror(rc)))"))
        }
        _ = fcntl(errP[0], F_SETFL, fcntl(errP[0], F_GETFL) | O_NONBLOCK)
        _ = fcntl(inP[1], F_SETFD, FD_CLOEXEC)
        _ = fcntl(errP[0], F_SETFD, FD_CLOEXEC)
        return .success(Child(pid: pid, stdin: inP[1], stderr: errP[0]))
    }
}

