import Foundation

/// Commissioning: which grid line each terminal of a charge point is on, found by stepping the
/// point's setpoint while a car charges and correlating the changes of its per-terminal currents
/// with the changes of the main meter's per-line currents (the house moves the meter too: it is
/// noise, averaged out over the steps). Pure: the runtime steps the setpoint inside the fuse
/// budget, feeds one `Sample` per step (after the car has followed) and reads the `Result`.
///
/// Terminals that only ever move together (a 3-phase car: all three at once) cannot be told
/// apart by their own steps: they get the set of lines they move, not which is which.
public enum WiringCheck {
    public struct Sample: Sendable, Equatable {
        /// The charger's per-terminal currents (A).
        public var terminals: PhaseValues
        /// The main meter's per-line currents (A).
        public var grid: PhaseValues
        public init(terminals: PhaseValues, grid: PhaseValues) { self.terminals = terminals; self.grid = grid }
    }

    public struct Result: Sendable, Equatable {
        /// Per terminal (1...3): the line it is on, nil when not found (no current, or it moved
        /// with other terminals); and the correlation that placed it (0...1).
        public var lines: [Phase?]
        public var confidence: [Double]
        /// Lines moved by terminals that moved together (order unknown), with the least correlation.
        public var groupLines: [Phase]
        public var groupConfidence: Double
        /// What the configured wiring says against what was found: nil = nothing to compare.
        public var matchesConfigured: Bool?
        /// "terminal 1 on L2 (0.98), configured L1: mismatch".
        public var text: String
    }

    /// Correlation below which a terminal is not placed.
    public static let minConfidence = 0.8

    public static func analyse<C: Collection<Sample>>(_ samples: C, configured: PhaseMap) -> Result {
        // Changes between consecutive samples: the steps (per terminal, per line). Run by the
        // wiring watch every minute for every point, so built in place, not appended.
        let all = Array(samples)
        let m = max(0, all.count - 1)
        // Each series written straight into its new buffer (no per-element uniqueness check).
        func steps(_ value: (Sample) -> Double) -> [Double] {
            [Double](unsafeUninitializedCapacity: m) { buf, count in
                all.withUnsafeBufferPointer { a in
                    for k in 0..<m { buf[k] = value(a[k + 1]) - value(a[k]) }
                }
                count = m
            }
        }
        let dT = [steps { $0.terminals.l1 }, steps { $0.terminals.l2 }, steps { $0.terminals.l3 }]
        let dG = [steps { $0.grid.l1 }, steps { $0.grid.l2 }, steps { $0.grid.l3 }]
        func corr(_ x: [Double], _ y: [Double]) -> Double {
            var xy = 0.0, xx = 0.0, yy = 0.0
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    for k in 0..<min(x.count, y.count) { let a = x[k], b = y[k]; xy += a * b; xx += a * a; yy += b * b }
                }
            }
            return xx > 0 && yy > 0 ? xy / (xx * yy).squareRoot() : 0
        }
        let moving = (0..<3).filter { t in dT[t].contains { abs($0) >= 1 } }
        // Terminals whose steps are the same steps: a group that cannot be told apart.
        var group: [Int] = []
        for t in moving where moving.contains(where: { $0 != t && corr(dT[t], dT[$0]) > 0.99 }) { group.append(t) }
        var lines = [Phase?](repeating: nil, count: 3), conf = [Double](repeating: 0, count: 3)
        for t in moving where !group.contains(t) {
            let r = (0..<3).map { corr(dT[t], dG[$0]) }
            let best = r.indices.max { r[$0] < r[$1] }!
            conf[t] = max(0, r[best])
            if r[best] >= minConfidence { lines[t] = Phase(rawValue: best) }
        }
        var groupLines: [Phase] = [], groupConf = 0.0
        if !group.isEmpty {
            // The lines the group moves: each line's correlation with the group's steps.
            let r = (0..<3).map { corr(dT[group[0]], dG[$0]) }
            let ranked = r.indices.sorted { r[$0] > r[$1] }.prefix(group.count)
            groupLines = ranked.sorted().compactMap { Phase(rawValue: $0) }
            groupConf = max(0, ranked.map { r[$0] }.min() ?? 0)
            if groupConf < minConfidence { groupLines = [] }
        }
        var matches: Bool? = nil
        var parts: [String] = []
        for t in 0..<3 {
            guard let l = lines[t] else { continue }
            let want = t < configured.terminals.count ? configured.terminals[t] : nil
            let ok = want == l
            matches = (matches ?? true) && ok
            parts.append("terminal \(t + 1) on \(l) (\(String(format: "%.2f", conf[t])))"
                         + (want.map { ok ? "" : ", configured \($0): mismatch" } ?? ", not in the configured wiring: mismatch"))
        }
        if !groupLines.isEmpty {
            let want = Set(group.compactMap { $0 < configured.terminals.count ? configured.terminals[$0] : nil })
            let ok = want == Set(groupLines)
            matches = (matches ?? true) && ok
            parts.append("terminals \(group.map { String($0 + 1) }.joined(separator: ",")) move together on "
                         + groupLines.map(\.description).joined(separator: ", ")
                         + " (\(String(format: "%.2f", groupConf)), order not found)" + (ok ? "" : ": mismatch with \(configured)"))
        }
        if parts.isEmpty { parts.append("no terminal placed: step the setpoint with a car charging") }
        return Result(lines: lines, confidence: conf, groupLines: groupLines, groupConfidence: groupConf,
                      matchesConfigured: matches, text: parts.joined(separator: "; "))
    }
}
