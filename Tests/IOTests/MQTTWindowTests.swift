import XCTest
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import KwartierIO
import KwartierCore

/// A broker that takes the connection (CONNACK) and then never reads: the hub's messages pile up
/// only to the link's window, however much it has to say; the rest waits as "latest state".
final class MQTTWindowTests: XCTestCase {
    /// Listens on loopback with a tiny receive buffer; answers the first packet with CONNACK and
    /// then reads nothing.
    final class DeafBroker: @unchecked Sendable {
        let fd: Int32
        let port: Int
        var client: Int32 = -1
        init() throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var small: Int32 = 4096
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let s = fd
            try withUnsafeMutablePointer(to: &addr) { p in
                try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                    guard bind(s, sa, len) == 0, listen(s, 1) == 0, getsockname(s, sa, &len) == 0 else {
                        throw NSError(domain: "bind", code: Int(errno))
                    }
                }
            }
            port = Int(UInt16(bigEndian: addr.sin_port))
            Thread.detachNewThread { [self] in
                client = accept(fd, nil, nil)
                var buf = [UInt8](repeating: 0, count: 256)
                _ = read(client, &buf, buf.count)          // CONNECT
                let connack: [UInt8] = [0x20, 0x02, 0x00, 0x00]
                _ = write(client, connack, connack.count)
            }
        }
        deinit { if client >= 0 { close(client) }; close(fd) }
    }

    func testWindowBoundsWhatWaitsForADeafBroker() throws {
        let broker = try DeafBroker()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-window-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = SiteConfig(grid: LevelConfig(id: "grid", parent: nil, limitA: 400, meter: .virtual))
        config.site.dataDir = dir
        let ids = (0..<300).map { "cp\($0)" }
        config.chargepoints = ids.map { ChargePointConfig(id: $0, board: "grid", driver: "alfen-eve", transport: .simulated) }
        let mqtt = MQTTConfig(host: "127.0.0.1", port: broker.port, clientID: "window", topic: "kwartier/window")
        let link = MQTTLink(config: config, mqtt: mqtt, version: "test", maxInFlight: 50)
        try link.start()
        defer { link.stop() }
        let long = String(repeating: "x", count: 4000)
        var rounds = 0
        var first: (inFlight: Int, full: Int, published: Int)?
        // Each round changes every point's explanation: 300 new 4 kB states, once a second. The
        // kernel's socket buffer takes what it can; the window holds the rest back.
        while rounds < 9 {
            if rounds == 6 { first = link.window() }
            var s = SiteSnapshot(time: Date(), siteName: "w", sliderKW: 9,
                                 grid: GridView(powerW: 0, currents: .zero, ageS: 0, stale: false), houseW: 0, chargeParkW: 0)
            s.points = ids.map { PointView(id: $0, name: $0, state: .charging, mode: .auto, priority: 0, phasesInUse: 3,
                                           currents: .zero, powerW: 0, setpointA: 6, sessionKWh: 0,
                                           explanation: "\(rounds) \(long)", board: "grid") }
            link.publish(s)
            rounds += 1
            Thread.sleep(forTimeInterval: 1.05)
        }
        let w = link.window()
        XCTAssertEqual(w.inFlight, 50, "the window is full and no larger")
        XCTAssertGreaterThan(w.full, 0)
        XCTAssertEqual(first?.inFlight, 50)
        // What left the window went into the connection's send buffer (capped at 64 kB: a few
        // dozen of these states), then nothing moved: not even one round's worth.
        XCTAssertLessThan(w.published, 300)
        XCTAssertEqual(w.published, first?.published)
    }
}
