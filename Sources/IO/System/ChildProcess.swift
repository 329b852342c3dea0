import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program the hub starts and waits for (the alert hook, command relays): posix_spawn in a
/// process group of its own, so a timeout can kill what it started too; default signal handling
/// and an empty signal mask (the hub ignores SIGPIPE and blocks the signals its own handling
/// waits for, which a child must not inherit); no descriptors inherited beyond 0, 1 and 2.
///
/// Not Foundation's Process, whose exit detection waits for every grandchild that keeps a pipe
/// open, nor swift-subprocess, which is async: the callers are synchronous worker threads that
/// poll with a deadline.
public struct ChildProcess {
    /// Where a standard descriptor of the child goes.
    public enum Stream: Equatable {
        case devNull
        /// A pipe; the hub's end is `stdin` (write) or `stderr` (read, non-blocking).
        case pipe
        /// An open descriptor of the hub (a temporary file), duplicated into the child.
        case fd(Int32)
    }

    public enum Termination: Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    public let pid: pid_t
    /// The write end of the child's stdin when it was `.pipe` (close it to send EOF), else -1.
    public let stdin: Int32
    /// The non-blocking read end of the child's stderr when it was `.pipe`, else -1.
    public let stderr: Int32

    /// Starts `path` with `args` (argv[0] is `path`). `environment` nil inherits the hub's.
    /// stdout is never a pipe (a child that fills a pipe nobody reads would block).
    public static func spawn(_ path: String, _ args: [String], environment: [String: String]? = nil,
                             stdin: Stream = .devNull, stdout: Stream = .devNull,
                             stderr: Stream = .devNull) throws -> ChildProcess {
        precondition(stdout != .pipe, "stdout as a pipe is not supported")
        var pipes: [Int32] = []          // every descriptor opened here, closed on failure
        func fail(_ what: String, _ e: Int32) -> SpawnError {
            pipes.forEach { close($0) }
            return SpawnError(description: "\(what): \(String(cString: strerror(e)))")
        }
        var inP: [Int32] = [-1, -1], errP: [Int32] = [-1, -1]
        if stdin == .pipe {
            guard pipe(&inP) == 0 else { throw fail("pipe", errno) }
            pipes += inP
        }
        if stderr == .pipe {
            guard pipe(&errP) == 0 else { throw fail("pipe", errno) }
            pipes += errP
        }
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        func route(_ s: Stream, to target: Int32, pipeEnd: Int32, readOnly: Bool) {
            switch s {
            case .devNull: posix_spawn_file_actions_addopen(&fa, target, "/dev/null", readOnly ? O_RDONLY : O_WRONLY, 0)
            case .pipe: posix_spawn_file_actions_adddup2(&fa, pipeEnd, target)
            case .fd(let d): posix_spawn_file_actions_adddup2(&fa, d, target)
            }
        }
        route(stdin, to: 0, pipeEnd: inP[0], readOnly: true)
        route(stdout, to: 1, pipeEnd: -1, readOnly: false)
        route(stderr, to: 2, pipeEnd: errP[1], readOnly: false)
        // glibc >= 2.34; not in Swift's Glibc module, so looked up at run time.
        if let closeFrom = addCloseFrom { _ = closeFrom(&fa, 3) }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(); sigemptyset(&none)
        var all = sigset_t(); sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArgs = ([path] + args).map { strdup($0) } + [nil]
        let cEnv = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { cArgs.forEach { free($0) }; cEnv?.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = cEnv.map { posix_spawn(&pid, path, &fa, &attr, cArgs, $0) } ?? posix_spawn(&pid, path, &fa, &attr, cArgs, environ)
        guard rc == 0 else { throw fail("posix_spawn \(path)", rc) }
        // The child's ends now live in the child only.
        if inP[0] >= 0 { close(inP[0]) }
        if errP[1] >= 0 { close(errP[1]) }
        if inP[1] >= 0 { _ = fcntl(inP[1], F_SETFD, FD_CLOEXEC) }
        if errP[0] >= 0 {
            _ = fcntl(errP[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(errP[0], F_SETFL, fcntl(errP[0], F_GETFL) | O_NONBLOCK)
        }
        return ChildProcess(pid: pid, stdin: inP[1], stderr: errP[0])
    }

    /// Waits for the child up to `timeoutS` (polling waitpid, no thread or signal needed),
    /// calling `poll` between looks (to drain a stderr pipe); nil on timeout.
    public func wait(timeoutS: Double, poll: () -> Void = {}) -> Termination? {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, min(timeoutS, 1e6)) * 1e9)
        var status: Int32 = 0
        while true {
            poll()
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                let sig = status & 0x7f
                return sig == 0 ? .exited((status >> 8) & 0xff) : .signaled(sig)
            }
            if r < 0 && errno != EINTR { return .exited(-1) }   // not our child any more (reaped elsewhere)
            if DispatchTime.now().uptimeNanoseconds >= deadline { return nil }
            usleep(5_000)
        }
    }

    /// Sends `signal` to the child's whole process group (it and anything it started).
    public func killGroup(_ signal: Int32) { kill(-pid, signal) }

    /// Reads what the stderr pipe holds now, up to `limit` bytes kept in `into`.
    public func drainStderr(into buffer: inout [UInt8], limit: Int = 4000) {
        guard stderr >= 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 1024)
        while true {
            let n = read(stderr, &chunk, chunk.count)
            if n <= 0 { return }
            if buffer.count < limit { buffer.append(contentsOf: chunk[0..<min(n, limit - buffer.count)]) }
        }
    }

    /// A program name as a shell finds it: a name with `/` as is, else the first executable
    /// in PATH; nil when there is none.
    public static func resolve(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        let fm = FileManager.default
        if name.contains("/") { return fm.isExecutableFile(atPath: name) ? name : nil }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if fm.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = {
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(sym, to: AddCloseFrom.self)
    }()
}
