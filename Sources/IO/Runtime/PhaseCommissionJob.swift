import Foundation
import Synchronization
import KwartierCore

/// `kwartier commission phases` on a real site: the hub's own loop drives the site as `run`
/// does, and this job starts the loop's phase check on each point once its car has charged for
/// `settleS`, one point after the other. Points whose car does not charge within `waitS` are
/// reported as not checked. `onResult` gets each point's outcome; `onDone` is called once.
// unchecked: its progress is touched by the site loop's task only; results leave through @Sendable closures.
public final class PhaseCommissionJob: @unchecked Sendable {
    public enum Outcome: Sendable {
        case found(PhaseProbe.Report)
        case notChecked(point: String, reason: String)
    }

    let points: [String]
    let options: PhaseProbe.Options
    let waitS: Double
    let settleS: Double
    let onResult: @Sendable (Outcome) -> Void
    let onDone: @Sendable () -> Void

    // The loop's task only.
    var next = 0
    var waitingSince: Double?
    var chargingSince: Double?
    var running = false
    var finished = false

    public init(points: [String], options: PhaseProbe.Options, waitS: Double = 300, settleS: Double = 20,
                onResult: @escaping @Sendable (Outcome) -> Void, onDone: @escaping @Sendable () -> Void) {
        self.points = points; self.options = options; self.waitS = waitS; self.settleS = settleS
        self.onResult = onResult; self.onDone = onDone
    }

    /// After each event: start the next point's check when its car has charged long enough.
    func advance(_ loop: SiteLoop, now: Double) {
        guard !finished, !running else { return }
        guard next < points.count else { finish(); return }
        let id = points[next]
        if waitingSince == nil { waitingSince = now }
        let charging = loop.site.pointSlot(id)?.status?.state == .charging && loop.site.pointSlot(id)?.reachable == true
        chargingSince = charging ? (chargingSince ?? now) : nil
        if let s = chargingSince, now - s >= settleS {
            if let why = loop.startPhaseProbe(point: id, options: options) {
                skip(id, why)
            } else {
                running = true
            }
        } else if now - waitingSince! >= waitS {
            skip(id, "no car charged on \(id) within \(TextFormat.plain(waitS)) s: plug one in and start it charging first")
        }
    }

    func found(_ report: PhaseProbe.Report) {
        onResult(.found(report))
        running = false
        moveOn()
    }

    func skip(_ id: String, _ why: String) {
        onResult(.notChecked(point: id, reason: why))
        moveOn()
    }

    func moveOn() {
        next += 1
        waitingSince = nil
        chargingSince = nil
        if next >= points.count { finish() }
    }

    func finish() {
        guard !finished else { return }
        finished = true
        onDone()
    }
}
