import XCTest
import Foundation
@testable import KwartierIO

/// The one spawn helper (alert hook, command relays) and the one write loop, on real processes.
final class ChildProcessTests: XCTestCase {
    var dir: URL!

    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("kwartier-child-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func tempFile() -> (fd: Int32, path: String) {
        let path = dir.appendingPathComponent(UUID().uuidString).path
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        return (fd, path)
    }

    /// stdout and stderr into one file, the exit status, and the hub's environment inherited.
    func testOutputToFileAndExitStatus() throws {
        let (fd, path) = tempFile()
        defer { close(fd) }
        setenv("KWARTIER_CHILD_TEST", "inherited", 1)
        let c = try ChildProcess.spawn("/bin/sh", ["-c", "echo out $KWARTIER_CHILD_TEST; echo err >&2; exit 3"],
                                       stdout: .fd(fd), stderr: .fd(fd))
        XCTAssertEqual(c.wait(timeoutS: 10), .exited(3))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "out inherited\nerr\n")
    }

    /// stdin and stderr as pipes; an explicit environment replaces the hub's.
    func testPipesAndOwnEnvironment() throws {
        let c = try ChildProcess.spawn("/bin/sh", ["-c", "read line; echo \"$line/$ONLY\" >&2"],
                                       environment: ["ONLY": "this"], stdin: .pipe, stderr: .pipe)
        XCTAssertEqual(writeAll(c.stdin, Array("hello\n".utf8)), 0)
        close(c.stdin)
        var err = [UInt8]()
        XCTAssertEqual(c.wait(timeoutS: 10) { c.drainStderr(into: &err) }, .exited(0))
        c.drainStderr(into: &err)
        close(c.stderr)
        XCTAssertEqual(String(decoding: err, as: UTF8.self), "hello/this\n")
    }

    /// Only 0, 1 and 2 reach the child: the hub's other descriptors (here an open file) do not.
    func testNoOtherDescriptorsInherited() throws {
        let (fd, path) = tempFile()
        defer { close(fd) }
        _ = fcntl(fd, F_SETFD, 0)            // even without close-on-exec
        let c = try ChildProcess.spawn("/bin/sh", ["-c", "ls /proc/$$/fd"], stdout: .fd(fd))
        XCTAssertEqual(c.wait(timeoutS: 10), .exited(0))
        let fds = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { Int($0) }.sorted()
        // The shell's own: 0, 1, 2 (and at most one it opened itself to list the directory).
        XCTAssertEqual(Array(fds.prefix(3)), [0, 1, 2])
        XCTAssertLessThanOrEqual(fds.count, 4, "\(fds)")
        XCTAssertFalse(fds.contains(Int(fd)) && fd > 3, "descriptor \(fd) leaked: \(fds)")
    }

    /// A timeout kills the whole process group: the program and what it started.
    func testKillGroupStopsGrandchildren() throws {
        let (fd, path) = tempFile()
        defer { close(fd) }
        let c = try ChildProcess.spawn("/bin/sh", ["-c", "sleep 30 & echo $!; wait"], stdout: .fd(fd))
        XCTAssertNil(c.wait(timeoutS: 0.3))
        c.killGroup(SIGKILL)
        XCTAssertEqual(c.wait(timeoutS: 5), .signaled(SIGKILL))
        let grandchild = pid_t(try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))!
        var gone = false
        for _ in 0..<200 where !gone {          // the orphan is reaped by init; give it a moment
            gone = kill(grandchild, 0) != 0 && errno == ESRCH
            if !gone { usleep(10_000) }
        }
        XCTAssertTrue(gone, "sleep \(grandchild) survived the group kill")
    }

    func testSpawnFailureAndResolve() {
        XCTAssertThrowsError(try ChildProcess.spawn("/nonexistent/program", [])) { e in
            XCTAssertTrue("\(e)".contains("/nonexistent/program"), "\(e)")
        }
        XCTAssertEqual(ChildProcess.resolve("sh", path: "/nonexistent:/bin"), "/bin/sh")
        XCTAssertNil(ChildProcess.resolve("no-such-program-here", path: "/bin"))
        XCTAssertEqual(ChildProcess.resolve("/bin/sh", path: ""), "/bin/sh")
    }

    /// writeAll finishes a write larger than a pipe holds (short writes) and reports EPIPE.
    func testWriteAllShortWritesAndEPIPE() throws {
        let (fd, path) = tempFile()
        defer { close(fd) }
        let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }   // > 64 KiB pipe buffer
        let cat = try ChildProcess.spawn("/bin/cat", [], stdin: .pipe, stdout: .fd(fd))
        XCTAssertEqual(writeAll(cat.stdin, big), 0)
        close(cat.stdin)
        XCTAssertEqual(cat.wait(timeoutS: 10), .exited(0))
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), big)

        signal(SIGPIPE, SIG_IGN)
        var p: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&p), 0)
        close(p[0])
        XCTAssertEqual(writeAll(p[1], [1, 2, 3]), EPIPE)
        close(p[1])
    }
}
