/// How a charge point's terminals 1-2-3 are wired onto the grid lines.
///
/// A 3-phase point is given as a rotation (`L2L3L1` puts terminal 1 on L2). A 1-phase point on a
/// TN/TT network is one line (`L2`); on an IT network (3x230 V, no neutral) a 1-phase point sits
/// between two lines (`L1L2`) and its current flows in both.
public struct PhaseMap: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Grid line of each terminal, in terminal order (1, 2 or 3 entries).
    public let terminals: [Phase]
    /// True when a single-phase load is connected line-to-line (IT network).
    public let lineToLine: Bool

    public init(terminals: [Phase], lineToLine: Bool = false) {
        self.terminals = terminals
        self.lineToLine = lineToLine
    }

    public static let standard = PhaseMap(terminals: [.l1, .l2, .l3])

    /// Accepted spellings: L1L2L3, L2L3L1, L3L1L2 (3-phase); L1, L2, L3 (1-phase to neutral);
    /// L1L2, L2L3, L3L1 (1-phase line to line, IT only).
    public static let validNames = ["L1L2L3", "L2L3L1", "L3L1L2", "L1", "L2", "L3", "L1L2", "L2L3", "L3L1"]

    public init?(name: String) {
        let upper = name.uppercased().replacingOccurrences(of: " ", with: "")
        guard PhaseMap.validNames.contains(upper) else { return nil }
        var phases: [Phase] = []
        var i = upper.startIndex
        while i < upper.endIndex {
            let end = upper.index(i, offsetBy: 2)
            guard let p = Phase(name: String(upper[i..<end])) else { return nil }
            phases.append(p)
            i = end
        }
        self.terminals = phases
        self.lineToLine = phases.count == 2
    }

    /// Grid line of each terminal as the controller counts it: at most three, and all three lines
    /// when no wiring is given (refused by the validator, but never assume fewer lines).
    public var wiredTerminals: ArraySlice<Phase> {
        terminals.isEmpty ? [Phase.l1, .l2, .l3][...] : terminals.prefix(3)
    }

    /// Grid lines a load on this wiring can reach: both lines of a line-to-line point, every
    /// wired line otherwise.
    public var linesReached: Set<Phase> {
        Set(lineToLine ? wiredTerminals.prefix(2) : wiredTerminals)
    }

    /// Number of charger phases this wiring can carry (1 or 3).
    public var chargerPhases: Int { terminals.count == 3 ? 3 : 1 }

    public var description: String { terminals.map(\.description).joined() }

    /// Grid-line currents caused by a car drawing `amps` on its first `carPhases` terminals.
    public func gridCurrents(amps: Double, carPhases: Int) -> PhaseValues {
        var out = PhaseValues.zero
        if lineToLine {
            // A line-to-line load loads both lines with the same current.
            for p in terminals { out[p] += amps }
            return out
        }
        let n = Swift.min(Swift.max(carPhases, 1), terminals.count)
        for t in 0..<n { out[terminals[t]] += amps }
        return out
    }

    /// Maps per-terminal currents (as a charger reports them, terminal 1..3) to grid lines.
    public func gridCurrents(terminalCurrents: PhaseValues) -> PhaseValues {
        var out = PhaseValues.zero
        if lineToLine {
            let i = terminalCurrents.l1
            for p in terminals { out[p] += i }
            return out
        }
        let t = [terminalCurrents.l1, terminalCurrents.l2, terminalCurrents.l3]
        for (idx, p) in terminals.enumerated() { out[p] += t[idx] }
        return out
    }
}
