import Foundation
import XCTest
@testable import KwartierCore
@testable import KwartierIO

final class P1IOTests: XCTestCase {
    func sample(_ k: Int, style: TelegramEncoder.Style = .emucs) -> [UInt8] {
        TelegramEncoder(style: style).encode(P1SampleMeter().state(at: k))
    }

    func wait(_ cond: () -> Bool, _ s: Double = 10) -> Bool {
        let until = Date().addingTimeInterval(s)
        while Date() < until { if cond() { return true }; usleep(5000) }
        return cond()
    }

    func testPassthroughTargets() throws {
        XCTAssertEqual(try P1PassthroughTarget.parse("tcp://0.0.0.0:2001"), .tcp(host: "0.0.0.0", port: 2001))
        XCTAssertEqual(try P1PassthroughTarget.parse("tcp://:2001"), .tcp(host: "", port: 2001))
        XCTAssertEqual(try P1PassthroughTarget.parse("tcp://[::1]:2001"), .tcp(host: "::1", port: 2001))
        XCTAssertEqual(try P1PassthroughTarget.parse("serial:/dev/ttyUSB1"), .serial(path: "/dev/ttyUSB1", settings: P1SerialPresets.dsmr4))
        XCTAssertEqual(try P1PassthroughTarget.parse("serial:/dev/ttyUSB1@9600"), .serial(path: "/dev/ttyUSB1", settings: P1SerialPresets.dsmr22))
        for bad in ["udp://x:1", "tcp://host", "tcp://host:0", "tcp://host:70000", "serial:ttyUSB1", "serial:/dev/x@1234"] {
            XCTAssertThrowsError(try P1PassthroughTarget.parse(bad), bad)
        }
    }

    /// A queue holds whole telegrams only: a full queue refuses the new one, a partly written
    /// one is finished before anything else.
    func testTelegramQueueKeepsTelegramsWhole() throws {
        var q = P1TelegramQueue()
        let t = [UInt8](repeating: 0x41, count: 1000)
        for _ in 0..<P1TelegramQueue.maxTelegrams { XCTAssertTrue(q.offer(t)) }
        XCTAssertFalse(q.offer(t))
        var written = 0
        // The "socket" takes 300 bytes per call.
        var done = try q.flush { b in let n = min(300, b.count); written += n; return n }
        XCTAssertEqual(done, 0)                 // stops at the first short write
        XCTAssertEqual(written, 300)
        done = try q.flush { b in written += b.count; return b.count }
        XCTAssertEqual(done, P1TelegramQueue.maxTelegrams)
        XCTAssertEqual(written, 1000 * P1TelegramQueue.maxTelegrams)
        XCTAssertTrue(q.isEmpty)
        XCTAssertTrue(q.offer([UInt8](repeating: 0, count: 200 * 1024)))
        XCTAssertFalse(q.offer([UInt8](repeating: 0, count: 100 * 1024)))      // byte bound
    }

    func testReaderDeliversGoodTelegramsAndCountsBadOnes() throws {
        let src = P1MemorySource()
        let reader = try P1Reader(byteSource: src, passthrough: [], staleAfterS: 10)
        let lock = NSLock()
        var got: [P1Delivery] = []
        reader.onTelegram = { d in lock.lock(); got.append(d); lock.unlock() }
        try reader.start()
        defer { reader.stop() }
        var bad = sample(1)
        bad[200] ^= 0x01
        src.push(Array("garbage before\r\n".utf8) + sample(0) + bad + Array(sample(2).prefix(500)) + sample(3))
        src.finish()
        XCTAssertTrue(reader.waitUntilFinished(timeoutS: 10))
        let s = reader.stats
        XCTAssertEqual(s.telegrams, 2)
        XCTAssertEqual(s.crcFailures, 1)
        XCTAssertEqual(s.framer.truncated, 1)
        XCTAssertTrue(s.finished)
        lock.lock(); defer { lock.unlock() }
        XCTAssertEqual(got.count, 2)
        XCTAssertEqual(got[0].raw, sample(0))
        XCTAssertEqual(got[1].raw, sample(3))
        XCTAssertEqual(got[1].telegram.reading.time?.date, P1SampleMeter().state(at: 3).time)
    }

    func testStalenessFromTheLastGoodTelegram() throws {
        let src = P1MemorySource()
        let reader = try P1Reader(byteSource: src, passthrough: [], staleAfterS: 10)
        XCTAssertNil(reader.latest())
        XCTAssertTrue(reader.stats.isStale(nowMonotonic: Monotonic.now, staleAfterS: 10))       // nothing yet
        try reader.start()
        defer { reader.stop() }
        src.push(sample(0))
        XCTAssertTrue(wait { reader.stats.telegrams == 1 })
        let at = reader.stats.lastGoodMonotonic!
        XCTAssertEqual(reader.latest(nowMonotonic: at + 4)?.ageS, 4)
        XCTAssertEqual(reader.latest(nowMonotonic: at + 4)?.stale, false)
        XCTAssertEqual(reader.latest(nowMonotonic: at + 10.5)?.stale, true)
        XCTAssertFalse(reader.stats.isStale(nowMonotonic: at + 9.9, staleAfterS: 10))
        XCTAssertTrue(reader.stats.isStale(nowMonotonic: at + 10.1, staleAfterS: 10))
        XCTAssertEqual(reader.stats.ageS(nowMonotonic: at + 3), 3)
    }

    func testConfigurationErrors() {
        XCTAssertThrowsError(try P1Reader(source: .simulated, passthrough: [], staleAfterS: 10))
        XCTAssertThrowsError(try P1Reader(source: .stdin, passthrough: ["tcp://:1", "tcp://:2", "tcp://:3", "tcp://:4"],
                                          staleAfterS: 10))
        XCTAssertThrowsError(try P1Reader(source: .stdin, passthrough: ["ftp://x:1"], staleAfterS: 10))
    }

    /// A file source is read to its end; a missing file ends the reader with the reason.
    func testFileSource() throws {
        let path = NSTemporaryDirectory() + "p1io-\(getpid()).txt"
        try Data(sample(0) + sample(1, style: .dsmr5)).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let reader = try P1Reader(source: .file(path: path, paced: false), passthrough: [], staleAfterS: 10)
        try reader.start()
        XCTAssertTrue(reader.waitUntilFinished(timeoutS: 10))
        reader.stop()
        XCTAssertEqual(reader.stats.telegrams, 2)

        let missing = try P1Reader(source: .file(path: path + ".none", paced: false), passthrough: [], staleAfterS: 10)
        try missing.start()
        XCTAssertTrue(missing.waitUntilFinished(timeoutS: 10))
        missing.stop()
        XCTAssertTrue(missing.stats.lastError?.contains("No such file") ?? false, "\(String(describing: missing.stats.lastError))")
    }

    /// Pass-through to a TCP listener: a client gets the telegram bytes exactly.
    func testTCPPassthroughForwardsWholeTelegrams() throws {
        let src = P1MemorySource()
        // Pick a free port by binding port 0 first.
        let probe = try P1Socket.listen(host: "127.0.0.1", port: 0)
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(probe, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        close(probe)
        let reader = try P1Reader(byteSource: src, passthrough: ["tcp://127.0.0.1:\(port)"], staleAfterS: 10)
        try reader.start()
        defer { reader.stop() }
        let client = try P1Socket.connect(host: "127.0.0.1", port: port, timeoutMs: 2000)
        defer { close(client) }
        XCTAssertTrue(wait { reader.stats.passthrough.first?.clients == 1 })
        var bad = sample(1)
        bad[300] ^= 0x04
        src.push(sample(0) + bad + sample(2))
        let expected = sample(0) + sample(2)                     // the rejected telegram is not forwarded
        var got: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        XCTAssertTrue(wait {
            let n = recv(client, &buf, buf.count, Int32(MSG_DONTWAIT))
            if n > 0 { got += buf[0..<n] }
            return got.count >= expected.count
        })
        XCTAssertTrue(got == expected)
        XCTAssertEqual(reader.stats.passthrough.first?.sent, 2)
    }
}
