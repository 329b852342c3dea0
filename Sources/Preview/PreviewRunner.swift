import Foundation
import KwartierCore
import KwartierTUI

/// Runs a `PreviewSite` in real time on its own queue: one step per simulated second, each
/// followed by a snapshot for the dashboard and (optionally) the state file tests read.
public final class PreviewRunner: @unchecked Sendable {
    public let feed = SnapshotFeed()
    private let lock = NSLock()
    private var site: PreviewSite
    private var steps = 0
    private let speed: Double
    private let stateFile: String?
    private let queue = DispatchQueue(label: "kwartier.preview.site")
    private var timer: DispatchSourceTimer?

    public init(site: PreviewSite, speed: Double = 1, stateFile: String? = nil) {
        self.site = site; self.speed = speed; self.stateFile = stateFile
        publish()
    }

    public func start() {
        let t = DispatchSource.makeTimerSource(queue: queue)
        let interval = 1 / speed
        t.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(5))
        t.setEventHandler { [weak self] in self?.tick() }
        t.resume()
        timer = t
    }

    public func stop() { timer?.cancel(); timer = nil }

    /// The dashboard's `onCommand`: queued for the next step.
    public func submit(_ cmd: UserCommand) {
        lock.lock(); site.submit(cmd); lock.unlock()
    }

    private func tick() {
        lock.lock(); site.step(seconds: 1); steps += 1; lock.unlock()
        publish()
    }

    private func publish() {
        lock.lock()
        let snap = site.snapshot()
        let applied = site.applied
        let n = steps
        lock.unlock()
        feed.publish(snap)
        if let path = stateFile {
            let state = PreviewState(snap, step: n, applied: applied)
            if let data = try? state.json() { Self.writeAtomically(data, to: path) }
        }
    }

    static func writeAtomically(_ data: Data, to path: String) {
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: data) else { return }
        _ = rename(tmp, path)
    }
}
