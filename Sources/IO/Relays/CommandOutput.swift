import Dispatch
import Foundation
import KwartierCore
#if canImport(Glibc)
import Glibc
#endif

/// A relay that is a program: run as `PROGRAM [ARGS…] on` or `… off` (SPEC §5 `command:`).
/// The configured text is split on spaces (no shell quoting); a name without `/` is looked up
/// in PATH. Exit status 0 is success; anything else, a signal or the timeout is an error whose
/// text carries the program's last output line. On timeout the program's whole process group
/// is killed.
public final class CommandOutput: RelayOutputDevice {
    public let argv: [String]
    public let timeoutS: Double

    public init(command: String, timeoutS: Double = 10) {
        argv = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        self.timeoutS = timeoutS
    }

    public func set(_ on: Bool) throws {
        let word = on ? "on" : "off"
        guard let first = argv.first else { throw DeviceError.io("command output: no program configured") }
        let shown = (argv + [word]).joined(separator: " ")
        guard let path = Self.resolve(first) else {
            throw DeviceError.io("command '\(shown)': \(first) not found or not executable")
        }
        // Output goes to a temporary file, not a pipe: a child that keeps a pipe open (a program
        // started in the background) cannot block us then.
        var template = Array("/tmp/kwartier-relay-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0, fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 else { throw DeviceError.io("command '\(shown)': cannot create a temporary file: \(String(cString: strerror(errno)))") }
        let outPath = String(cString: template)
        defer { unlink(outPath) }
        defer { close(fd) }
        let pid: pid_t
        do { pid = try Self.spawn(path: path, args: Array(argv.dropFirst()) + [word], output: fd) } catch {
            throw DeviceError.io("command '\(shown)': cannot start: \(error)")
        }
        guard let status = Self.wait(pid, timeoutS: timeoutS) else {
            kill(-pid, SIGKILL)            // the program and anything it started (own process group)
            _ = Self.wait(pid, timeoutS: 2)
            throw DeviceError.timeout("command '\(shown)' did not finish within \(RelayNumber.text(timeoutS)) s (killed)")
        }
        let lastLine = Self.lastLine(outPath)
        let tail = lastLine.map { ": \($0)" } ?? ""
        if status.signal != 0 {
            throw DeviceError.io("command '\(shown)' was killed by signal \(status.signal)\(tail)")
        }
        if status.exit != 0 {
            throw DeviceError.io("command '\(shown)' failed with exit status \(status.exit)\(tail)")
        }
    }

    struct SpawnError: Error, CustomStringConvertible { let description: String }

    /// posix_spawn in a process group of its own (so a timeout kills what it started too), with
    /// stdin from /dev/null, stdout and stderr to `output`, and a clean signal mask (the hub's
    /// signal handling blocks signals that a child must not inherit blocked).
    static func spawn(path: String, args: [String], output: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(); sigemptyset(&none)
        var all = sigset_t(); sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cArgs = ([path] + args).map { strdup($0) }
        defer { cArgs.forEach { free($0) } }
        var argvC = cArgs + [nil]
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attr, &argvC, environ)
        if rc != 0 { throw SpawnError(description: String(cString: strerror(rc))) }
        return pid
    }

    /// Waits for the child up to `timeoutS`; nil on timeout. Polls: no thread or signal needed.
    static func wait(_ pid: pid_t, timeoutS: Double) -> (exit: Int32, signal: Int32)? {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeoutS) * 1e9)
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                let sig = status & 0x7f
                return sig == 0 ? (exit: (status >> 8) & 0xff, signal: 0) : (exit: -1, signal: sig)
            }
            if r < 0 && errno != EINTR { return (exit: -1, signal: 0) }
            if DispatchTime.now().uptimeNanoseconds >= deadline { return nil }
            usleep(5_000)
        }
    }

    static func resolve(_ name: String) -> String? {
        let fm = FileManager.default
        if name.contains("/") { return fm.isExecutableFile(atPath: name) ? name : nil }
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for dir in paths {
            let p = "\(dir)/\(name)"
            if fm.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    static func lastLine(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        let text = String(decoding: data.suffix(4096), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).last.map { String($0.prefix(200)) }
    }
}

enum RelayNumber {
    /// 10 -> "10", 2.5 -> "2.5".
    static func text(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}
