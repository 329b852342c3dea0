import XCTest
import Foundation
import Logging
@testable import KwartierIO
@testable import KwartierCore

/// Collects log messages for the assertions.
final class RecordingLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    var logger: Logger {
        Logger(label: "test") { _ in RecordingHandler(log: self) }
    }
}
struct RecordingHandler: LogHandler {
    let log: RecordingLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? { get { metadata[key] } set { metadata[key] = newValue } }
    func log(event: LogEvent) {
        log.add("\(event.level): \(event.message)")
    }
}

final class AlertHookTests: XCTestCase {
    let event = AlertEvent(time: Date(timeIntervalSince1970: 1_750_000_000), key: "consumption", level: .warning,
                           text: "consumption 12.3 kW above 10.0 kW", active: true, value: 12.3, threshold: 10)
    var dir: URL!

    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("kwartier-hook-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// The hook gets the alert as one line of JSON on stdin, and its key in the environment.
    func testHookReceivesJSONOnStdin() throws {
        let out = dir.appendingPathComponent("in.json").path
        let env = dir.appendingPathComponent("env.txt").path
        let hook = AlertHook(command: "cat > '\(out)'; printf '%s %s' \"$KWARTIER_ALERT_KEY\" \"$KWARTIER_ALERT_ACTIVE\" > '\(env)'")
        let r = hook.run(event)
        XCTAssertTrue(r.ok)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), String(decoding: event.json(), as: UTF8.self) + "\n")
        XCTAssertEqual(try String(contentsOfFile: env, encoding: .utf8), "consumption 1")
    }

    /// A failing hook is logged with its exit status and first stderr line, never thrown.
    func testFailingHookIsLoggedNotFatal() {
        let log = RecordingLog()
        let hook = AlertHook(command: "echo boom >&2; exit 3", logger: log.logger)
        let r = hook.run(event)
        XCTAssertEqual(r.exitStatus, 3)
        XCTAssertEqual(r.stderr, "boom")
        XCTAssertFalse(r.ok)
        XCTAssertTrue(log.all.contains { $0.contains("failed: exit 3: boom") }, "\(log.all)")
        let missing = AlertHook(command: "/nonexistent/notify", logger: log.logger).run(event)
        XCTAssertEqual(missing.exitStatus, 127)
    }

    /// A hook that hangs is killed after its timeout.
    func testHangingHookIsKilled() {
        let log = RecordingLog()
        let hook = AlertHook(command: "sleep 30", timeoutS: 0.3, logger: log.logger)
        let r = hook.run(event)
        XCTAssertTrue(r.timedOut)
        XCTAssertTrue(log.all.contains { $0.contains("killed after 0.3 s") }, "\(log.all)")
    }

    /// A hook that ignores its stdin does not hurt the hub (no SIGPIPE).
    func testHookIgnoringStdin() {
        XCTAssertTrue(AlertHook(command: "exit 0").run(event).ok)
    }

    /// fire() queues and returns; hooks run in order; beyond the queue limit events are dropped and logged.
    func testFireQueuesInOrderAndDropsBeyondLimit() throws {
        let out = dir.appendingPathComponent("order.txt").path
        let hook = AlertHook(command: "sed -n 's/.*\"key\":\"\\([^\"]*\\)\".*/\\1/p' >> '\(out)'")
        for k in ["a", "b", "c"] { var e = event; e.key = k; hook.fire(e) }
        hook.drain()
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "a\nb\nc\n")

        let log = RecordingLog()
        let slow = AlertHook(command: "sleep 0.3", maxQueued: 1, logger: log.logger)
        for _ in 0..<3 { slow.fire(event) }
        slow.drain()
        XCTAssertEqual(log.all.filter { $0.contains("dropped 'consumption'") }.count, 2)
    }
}
