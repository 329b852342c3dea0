import Foundation
import KwartierCore
import KwartierIO
import KwartierTUI

/// An attached dashboard's line to the hub: on its own thread it connects, subscribes, and puts
/// every snapshot in the feed; when the hub goes away it says so on the dashboard and connects
/// again once a second until the hub is back. Commands (the dashboard's keys) go out in order.
// unchecked: its connection and stop flag are under its lock; the send queue and the reader thread share them.
final class HubLink: @unchecked Sendable {
    let path: String
    let feed: SnapshotFeed
    private let lock = NSLock()
    private var conn: ControlConnection?
    private var stopped = false
    private var nextID = 1000
    private let wake = DispatchSemaphore(value: 0)
    private let sendQueue = DispatchQueue(label: "kwartier.dashboard.send")

    init(path: String, feed: SnapshotFeed) { self.path = path; self.feed = feed }

    /// Connects once now (to learn the hub's time zone before the dashboard opens); the thread
    /// takes over from there.
    func start(first: ControlConnection?) {
        let first = HandOver(first)
        let t = Thread { [self] in run(first: first.value) }
        t.name = "kwartier-hub-link"
        t.start()
    }

    func stop() {
        lock.withLock {
            stopped = true
            conn?.shutdownFromAnyThread()
        }
        wake.signal()
    }

    /// From the UI thread: queued, sent in order; lost (with the notice showing) while the hub is away.
    func send(_ cmd: UserCommand) {
        sendQueue.async { [self] in
            lock.withLock {
                nextID += 1
                try? conn?.send(ControlProtocol.requestLine(cmd, id: nextID))
            }
        }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func run(first: ControlConnection?) {
        var next = first
        let decoder = WireJSON.decoder()
        while !isStopped {
            let c: ControlConnection
            if let n = next { c = n; next = nil } else {
                do { c = try ControlConnection(path: path, timeout: 2) } catch {
                    feed.setNotice("\(error) — trying again")
                    _ = wake.wait(timeout: .now() + 1)
                    continue
                }
            }
            lock.withLock { conn = c }
            if let tz = (c.hello["time_zone"] as? String).flatMap(TimeZone.init(identifier:)) { feed.setTimeZone(tz) }
            feed.setNotice(nil)
            do {
                try c.send("{\"id\":1,\"subscribe\":{}}")
                while !isStopped {
                    guard let line = try c.readLine(timeout: nil) else { continue }
                    if line.starts(with: Array("{\"snapshot\":".utf8)),
                       let s = try? decoder.decode(SnapshotLine.self, from: Data(line)) {
                        feed.publish(s.snapshot)
                    }
                }
            } catch {
                // The hub went away (or stop() shut the socket).
            }
            lock.withLock { conn = nil }
            c.close()
            if !isStopped { feed.setNotice("the hub went away from \(path) — reconnecting") }
        }
    }

    struct SnapshotLine: Decodable { let snapshot: SiteSnapshot }
}
