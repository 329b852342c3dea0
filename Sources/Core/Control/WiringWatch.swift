import Foundation

/// The wiring check run continuously on `run`'s own data: at each decision, each point's
/// terminal currents and the main meter's lines minus what the *other* points draw through their
/// configured wiring (so one car's steps are not taken for another's). Every `everyS` the last
/// `window` samples of each point go through `WiringCheck`; a terminal placed, with at least
/// `alertConfidence`, on a line its configured `phases:` does not give it raises a warning alert
/// (the controller budgets that current on the wrong line); a later window that matches clears it.
public struct WiringWatch: Sendable {
    public var window = 180
    public var everyS = 60.0
    public var alertConfidence = 0.9

    let ids: [String]
    let phases: [PhaseMap]
    var samples: [[WiringCheck.Sample]]
    var lastRunMono: Double?
    /// Points with a raised alert.
    public private(set) var raised: Set<String> = []

    public init(points: [(id: String, phases: PhaseMap)]) {
        ids = points.map(\.id)
        phases = points.map(\.phases)
        samples = Array(repeating: [], count: points.count)
    }

    public static func alertKey(_ id: String) -> String { "wiring:\(id)" }

    /// One decision's readings: per point (same order as `init`) its terminal currents when
    /// fresh (nil = no fresh status), and the main meter's lines. Returns alerts raised/cleared.
    public mutating func observe(points: [PhaseValues?], grid: PhaseValues, mono: Double, now: Date) -> [AlertEvent] {
        var known = PhaseValues.zero
        for (i, t) in points.enumerated() { if let t { known = known + phases[i].gridCurrents(terminalCurrents: t) } }
        for (i, t) in points.enumerated() {
            guard let t else { samples[i].removeAll(); continue }        // a gap breaks the steps
            let others = known + phases[i].gridCurrents(terminalCurrents: t) * -1
            samples[i].append(WiringCheck.Sample(terminals: t, grid: grid + others * -1))
            if samples[i].count > window { samples[i].removeFirst(samples[i].count - window) }
        }
        if lastRunMono == nil { lastRunMono = mono }
        guard mono - lastRunMono! >= everyS else { return [] }
        lastRunMono = mono
        var out: [AlertEvent] = []
        for i in ids.indices where samples[i].count >= 30 {
            let r = WiringCheck.analyse(samples[i], configured: phases[i])
            let id = ids[i]
            switch r.matchesConfigured {
            case false? where !raised.contains(id):
                let placed = r.lines.indices.compactMap { t in r.lines[t].map { (t, $0) } }
                guard placed.contains(where: { r.confidence[$0.0] >= alertConfidence })
                        || (r.groupConfidence >= alertConfidence && !r.groupLines.isEmpty) else { continue }
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
