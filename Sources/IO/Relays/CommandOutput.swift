import Dispatch
import Foundation
import KwartierCore
#if canImport(Glibc)
import Glibc
#endif

/// A relay that is a program: run as `PROGRAM [ARGS…] on` or `… off` (SPEC §5 `command:`).
/// The configured text is split on spaces (no shell quoting); a name without `/` is looked up
/// in PATH. Exit status 0 is success; anything else, a signal or the timeout is an error whose
/// text carries the program's last output line.
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
        guard fd >= 0 else { throw DeviceError.io("command '\(shown)': cannot create a temporary file: \(String(cString: strerror(errno)))") }
        let outPath = String(cString: template)
        defer { unlink(outPath) }
        let out = FileHandle(fileDescriptor: fd, closeOnDealloc: true)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = Array(argv.dropFirst()) + [word]
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = out
        p.standardError = out
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        do { try p.run() } catch {
            throw DeviceError.io("command '\(shown)': cannot start: \(error.localizedDescription)")
        }
        if done.wait(timeout: .now() + timeoutS) == .timedOut {
            kill(p.processIdentifier, SIGKILL)
            _ = done.wait(timeout: .now() + 2)
            throw DeviceError.timeout("command '\(shown)' did not finish within \(RelayNumber.text(timeoutS)) s (killed)")
        }
        let lastLine = Self.lastLine(outPath)
        let tail = lastLine.map { ": \($0)" } ?? ""
        if p.terminationReason == .uncaughtSignal {
            throw DeviceError.io("command '\(shown)' was killed by signal \(p.terminationStatus)\(tail)")
        }
        if p.terminationStatus != 0 {
            throw DeviceError.io("command '\(shown)' failed with exit status \(p.terminationStatus)\(tail)")
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
