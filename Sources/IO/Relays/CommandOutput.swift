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
        guard let path = ChildProcess.resolve(first) else {
            throw DeviceError.io("command '\(shown)': \(first) not found or not executable")
        }
        // Output goes to a temporary file, not a pipe: a child that keeps a pipe open (a program
        // started in the background) cannot block us then.
        var template = Array("/tmp/kwartier-relay-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0, fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 else { throw DeviceError.io("command '\(shown)': cannot create a temporary file: \(String(cString: strerror(errno)))") }
        let outPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(outPath) }
        defer { close(fd) }
        let child: ChildProcess
        do { child = try ChildProcess.spawn(path, Array(argv.dropFirst()) + [word], stdout: .fd(fd), stderr: .fd(fd)) } catch {
            throw DeviceError.io("command '\(shown)': cannot start: \(error)")
        }
        guard let end = child.wait(timeoutS: timeoutS) else {
            child.killGroup(SIGKILL)       // the program and anything it started (own process group)
            _ = child.wait(timeoutS: 2)
            throw DeviceError.timeout("command '\(shown)' did not finish within \(TextFormat.plain(timeoutS)) s (killed)")
        }
        let lastLine = Self.lastLine(outPath)
        let tail = lastLine.map { ": \($0)" } ?? ""
        switch end {
        case .signaled(let sig): throw DeviceError.io("command '\(shown)' was killed by signal \(sig)\(tail)")
        case .exited(let code) where code != 0: throw DeviceError.io("command '\(shown)' failed with exit status \(code)\(tail)")
        case .exited: break
        }
    }

    static func lastLine(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        let text = String(decoding: data.suffix(4096), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).last.map { String($0.prefix(200)) }
    }
}
