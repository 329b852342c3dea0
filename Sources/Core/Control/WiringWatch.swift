import Foundation

/// The wiring check run continuously on `run`'s own data: at each decision, each point's
/// terminal currents and the main meter's lines, counting only the steps where no other point's
/// current changed (so one car's steps are not taken for another's). Every `everyS` the last
/// `window` samples of each point go through `WiringCheck`; a terminal placed, with at least
/// `alertConfidence`, on a line its configured `phases:` does not give it, in two windows in a
/// row, raises a warning alert (the controller budgets that current on the wrong line); a later
/// window that matches clears it. Steps right after a relay switched are left out (`hold`).
public struct WiringWatch: Sendable {
    public var window = 180
    public var everyS = 60.0
    public var alertConfidence = 0.9

    let ids: [String]
    let phases: [PhaseMap]
    var samples: [SampleWindow]
    /// Added to each point's new samples so that a held-off stretch joins without a step.
    var offset: [WiringCheck.Sample]
    var join: [Bool]
    var previous: [PhaseValues?]
    /// Which points moved at this decision (working list of `observe`).
    var moved: [Bool] = []
    var holdUntil = -Double.infinity
    /// Consecutive windows that found a mismatch, per point: two raise the alert.
    var mismatches: [Int]
    var lastRunMono: Double?
    /// Points with a raised alert.
    public private(set) var raised: Set<String> = []

    public init(points: [(id: String, phases: PhaseMap)]) {
        ids = points.map(\.id)
        phases = points.map(\.phases)
        samples = Array(repeating: SampleWindow(), count: points.count)
        offset = Array(repeating: WiringCheck.Sample(terminals: .zero, grid: .zero), count: points.count)
        join = Array(repeating: false, count: points.count)
        previous = Array(repeating: nil, count: points.count)
        mismatches = Array(repeating: 0, count: points.count)
    }

    /// Leaves out the steps until `mono`: a device Kwartier switches itself (a relay's heat pump
    /// or boiler) changes a line at the very moment the cars' setpoints change, which would read
    /// as a car moving that line.
    public mutating func hold(untilMono mono: Double) { holdUntil = max(holdUntil, mono) }

    public static func alertKey(_ id: String) -> String { "wiring:\(id)" }

    /// One decision's readings: per point (same order as `init`) its terminal currents when
    /// fresh (nil = no fresh status), and the main meter's lines. Returns alerts raised/cleared.
    public mutating func observe(points: [PhaseValues?], grid: PhaseValues, mono: Double, now: Date) -> [AlertEvent] {
        // Which points changed since the last decision (an unknown one may have).
        // Kept between decisions: a new list each time cost an allocation per decision.
        if moved.count != points.count { moved = [Bool](repeating: false, count: points.count) }
        var anyMoved = 0
        for (i, t) in points.enumerated() {
            if let t, let p = previous[i] {
                let d = t + p * -1
                moved[i] = max(abs(d.l1), abs(d.l2), abs(d.l3)) >= 0.5
            } else {
                moved[i] = true
            }
            previous[i] = t
            if moved[i] { anyMoved += 1 }
        }
        let held = mono < holdUntil
        for (i, t) in points.enumerated() {
            guard let t else {                                           // a gap breaks the steps
                samples[i].removeAll(); join[i] = false
                offset[i] = WiringCheck.Sample(terminals: .zero, grid: .zero)
                continue
            }
            // Only this point's own steps: a step of another point at the same moment (sharing
            // moves them together, and one charger's reading may lead the meter's) is left out.
            let othersMoved = anyMoved - (moved[i] ? 1 : 0) > 0
            if held || othersMoved { join[i] = !samples[i].isEmpty; continue }
            let raw = WiringCheck.Sample(terminals: t, grid: grid)
            if join[i], let last = samples[i].last {
                // No step across the held-off stretch: shift what follows onto the last sample.
                offset[i] = WiringCheck.Sample(terminals: last.terminals + raw.terminals * -1, grid: last.grid + raw.grid * -1)
                join[i] = false
            }
            samples[i].append(WiringCheck.Sample(terminals: raw.terminals + offset[i].terminals, grid: raw.grid + offset[i].grid),
                              keeping: window)
        }
        if lastRunMono == nil { lastRunMono = mono }
        guard mono - lastRunMono! >= everyS else { return [] }
        lastRunMono = mono
        var out: [AlertEvent] = []
        for i in ids.indices where samples[i].count >= 30 {
            let r = WiringCheck.analyse(samples[i].ordered, configured: phases[i])
            let id = ids[i]
            let placed = r.lines.indices.compactMap { t in r.lines[t].map { (t, $0) } }
            let sure = placed.contains(where: { r.confidence[$0.0] >= alertConfidence })
                || (r.groupConfidence >= alertConfidence && !r.groupLines.isEmpty)
            mismatches[i] = r.matchesConfigured == false && sure ? mismatches[i] + 1 : 0
            switch r.matchesConfigured {
            case false? where !raised.contains(id):
                guard mismatches[i] >= 2 else { continue }
                raised.insert(id)
                out.append(AlertEvent(time: now, key: Self.alertKey(id), level: .warning,
                                      text: "\(id): its current moves a line its phases: \(phases[i]) do not load (\(r.text)); "
                                          + "the fuses are budgeted on the wrong line — check with `kwartier commission phases --point \(id)`",
                                      active: true))
            case true? where raised.contains(id):
                raised.remove(id)
                out.append(AlertEvent(time: now, key: Self.alertKey(id), level: .warning,
                                      text: "\(id): its current follows its phases: \(phases[i]) again", active: false))
            default: break
            }
        }
        return out
    }
}

/// The last samples of one point, oldest first. Dropping the oldest moves a start index instead
/// of the whole window (done at every decision for every point); the storage is compacted once
/// the dropped part is as long as the window.
struct SampleWindow: Sendable {
    private var storage: [WiringCheck.Sample] = []
    private var start = 0

    var count: Int { storage.count - start }
    var isEmpty: Bool { count == 0 }
    var last: WiringCheck.Sample? { isEmpty ? nil : storage[storage.count - 1] }
    /// The samples, oldest first.
    var ordered: ArraySlice<WiringCheck.Sample> { storage[start...] }

    mutating func removeAll() { storage.removeAll(keepingCapacity: true); start = 0 }

    /// Appends `s` and drops the oldest beyond `window`.
    mutating func append(_ s: WiringCheck.Sample, keeping window: Int) {
        storage.append(s)
        if count > window { start = storage.count - window }
        if start >= max(window, 64) { storage.removeFirst(start); start = 0 }
    }
}
