import Foundation

/// The site tree flattened once per configuration for the decision's hot path: index arrays for
/// levels and points, parent indices, each point's chain of levels up to the grid and its
/// terminal-to-line map. Nothing here changes between decisions.
///
/// Constraint numbering used by the allocator: level `l`, grid line `p` → `l * 3 + p`;
/// the slider (power) is the last one, `powerConstraint`.
public struct CompiledSite: Sendable {
    public let config: SiteConfig
    public let voltage: Double
    public let network: NetworkType
    /// Power per ampere of each car (see `PowerModel`): the only place the core turns amps into watts.
    public let power: PowerModel

    // Levels (0 = grid, then boards in configuration order).
    public let levelIds: [String]
    public let levelParent: [Int]          // -1 for the grid
    public let levelDepth: [Int]           // grid = 1
    public let levelLimitA: [Double]
    public let levelUsableA: [Double]      // limit - margin
    /// Measured by the sum of the points below (a virtual meter, or a remote one: see below).
    public let levelVirtual: [Bool]
    /// A child hub: the grid is the sum of its points, limited by its parent's allowance.
    public let gridRemote: Bool
    /// A parent hub's boards that are a child hub's whole tree (level indices).
    public let remoteLevels: [Int]
    /// Every point at its safe current, per line: a child hub's limit without an allowance.
    public let safeBudget: PhaseValues
    public let levelMeterId: [String?]
    public let levelMeterStaleS: [Double]
    /// Points in each level's subtree: `subtreePoints[subtreeStart[l] ..< subtreeStart[l + 1]]`.
    let subtreeStart: [Int]
    let subtreePoints: [Int]
    /// Levels under a virtual level with a real meter (their unmanaged loads would be invisible).
    public let warnings: [String]

    // Points, in configuration order (the "point number" of the seed).
    public let pointIds: [String]
    public let pointLevel: [Int]
    /// Levels from the point's board up to the grid: `chain[chainStart[i] ..< chainStart[i + 1]]`.
    let chainStart: [Int]
    let chain: [Int]
    /// Grid line (0...2) of terminal t of point i at `terminalLine[i * 3 + t]`, -1 when absent.
    let terminalLine: [Int8]
    let lineToLine: [Bool]
    /// Terminals the wiring has (bit t = terminal t+1).
    let wiringMask: [UInt8]
    public let minA: [Double]
    public let maxA: [Double]
    public let safeA: [Double]
    let phaseSwitching: [Bool]

    public let pointIndex: [String: Int]
    public let levelIndex: [String: Int]
    public let gridStaleAfterS: Double

    public var levelCount: Int { levelIds.count }
    public var pointCount: Int { pointIds.count }
    public var constraintCount: Int { levelIds.count * 3 + 1 }
    public var powerConstraint: Int { levelIds.count * 3 }

    public init(config: SiteConfig, defaultStaleAfterS: Double = 10) {
        self.config = config
        voltage = config.site.voltage > 0 ? config.site.voltage : 230
        network = config.site.network
        power = PowerModel(network: config.site.network, voltage: voltage)
        let levels = config.levels
        var lIndex: [String: Int] = [:]
        for (i, l) in levels.enumerated() where lIndex[l.id] == nil { lIndex[l.id] = i }
        levelIndex = lIndex
        levelIds = levels.map(\.id)
        // A parent that does not exist (refused by the validator) hangs on the grid: never looser.
        let parents = levels.enumerated().map { (i, l) -> Int in
            guard i > 0 else { return -1 }
            guard let p = l.parent, let pi = lIndex[p], pi != i else { return 0 }
            return pi
        }
        // Break any cycle by re-hanging the level on the grid.
        var fixedParents = parents
        for i in 1..<max(levels.count, 1) where levels.count > 1 {
            var seen = Set<Int>([i]); var c = fixedParents[i]
            while c > 0 { if !seen.insert(c).inserted { fixedParents[i] = 0; break }; c = fixedParents[c] }
        }
        levelParent = fixedParents
        levelDepth = (0..<levels.count).map { i in var d = 1; var c = fixedParents[i]; while c >= 0 { d += 1; c = fixedParents[c] }; return d }
        levelLimitA = levels.map(\.limitA)
        levelUsableA = levels.map { max(0, $0.limitA - $0.marginA) }
        levelVirtual = levels.map { $0.meter == .virtual || $0.meter == .remote }
        gridRemote = config.grid.meter == .remote
        remoteLevels = levels.indices.filter { $0 > 0 && levels[$0].meter == .remote }
        safeBudget = SafeBudget.perLine(config)
        levelMeterId = levels.map { if case .device(let id) = $0.meter { return id } else { return nil } }
        levelMeterStaleS = levels.map { l in
            if case .device(let id) = l.meter, let m = config.meter(id) { return m.staleAfterS }
            return defaultStaleAfterS
        }
        gridStaleAfterS = levelMeterStaleS.first ?? defaultStaleAfterS

        let cps = config.chargepoints
        pointIds = cps.map(\.id)
        var pIndex: [String: Int] = [:]
        for (i, c) in cps.enumerated() where pIndex[c.id] == nil { pIndex[c.id] = i }
        pointIndex = pIndex
        pointLevel = cps.map { lIndex[$0.board] ?? 0 }
        var cs: [Int] = [0]; var ch: [Int] = []
        for i in 0..<cps.count {
            var l = pointLevel[i]
            while l >= 0 { ch.append(l); l = fixedParents[l] }
            cs.append(ch.count)
        }
        chainStart = cs; chain = ch
        var tl = [Int8](repeating: -1, count: cps.count * 3)
        var ltl = [Bool](repeating: false, count: cps.count)
        var wm = [UInt8](repeating: 0, count: cps.count)
        for (i, c) in cps.enumerated() {
            let terms = c.phases.wiredTerminals
            for (t, p) in terms.enumerated() { tl[i * 3 + t] = Int8(p.rawValue) }
            ltl[i] = c.phases.lineToLine
            // A line-to-line point is one charger phase flowing in two lines.
            wm[i] = c.phases.lineToLine ? 1 : UInt8((1 << terms.count) - 1)
        }
        terminalLine = tl; lineToLine = ltl; wiringMask = wm
        minA = cps.map { max(0, $0.minA) }
        maxA = cps.map { max($0.minA, $0.maxA) }
        safeA = cps.map { max(0, $0.safeA) }
        phaseSwitching = cps.map { $0.phaseSwitching && $0.phases.terminals.count == 3 && !$0.phases.lineToLine }

        // Subtree point lists per level.
        var buckets = [[Int]](repeating: [], count: levels.count)
        for i in 0..<cps.count {
            for k in cs[i]..<cs[i + 1] { buckets[ch[k]].append(i) }
        }
        var ss: [Int] = [0]; var sp: [Int] = []
        for b in buckets { sp.append(contentsOf: b); ss.append(sp.count) }
        subtreeStart = ss; subtreePoints = sp

        var w: [String] = []
        for i in 1..<max(levels.count, 1) where levels.count > 1 && !levelVirtual[i] {
            var c = fixedParents[i]
            while c >= 0 {
                if levelVirtual[c] {
                    w.append("board \(levels[i].id) has a meter but hangs under virtual \(levels[c].id): its other loads are invisible to \(levels[c].id)")
                    break
                }
                c = fixedParents[c]
            }
        }
        warnings = w
    }

    /// Grid lines a point loads (bit p = line p) when the car draws on the terminals of `carMask`.
    @inline(__always)
    func lineMask(point i: Int, carMask: UInt8) -> UInt8 {
        if lineToLine[i] {
            var m: UInt8 = 0
            for t in 0..<2 { let p = terminalLine[i * 3 + t]; if p >= 0 { m |= 1 << UInt8(p) } }
            return m
        }
        var m: UInt8 = 0
        for t in 0..<3 where carMask & (1 << UInt8(t)) != 0 {
            let p = terminalLine[i * 3 + t]
            if p >= 0 { m |= 1 << UInt8(p) }
        }
        return m
    }

    /// Watts per ampere (per line) of point i when its car draws on the terminals of `carMask`.
    @inline(__always)
    func wattsPerAmp(point i: Int, carMask: UInt8) -> Double {
        power.wattsPerAmp(phases: lineToLine[i] ? 1 : (carMask & wiringMask[i]).nonzeroBitCount, lineToLine: lineToLine[i])
    }

    /// Watts of point i from its per-terminal currents (a charger that reports no power):
    /// a balanced draw on the terminals that carry current, at the largest of them.
    func watts(point i: Int, terminals c: PhaseValues) -> Double {
        if lineToLine[i] { return power.watts(amps: max(0, c.l1), phases: 1, lineToLine: true) }
        return budgetWatts(point: i, perLine: (max(0, c.l1), max(0, c.l2), max(0, c.l3)))
    }

    /// Watts of a load of `perLine` amps (per terminal, or per line for a lost point's budget).
    func budgetWatts(point i: Int, perLine b: (Double, Double, Double)) -> Double {
        if lineToLine[i] { return power.watts(amps: max(b.0, b.1, b.2), phases: 1, lineToLine: true) }
        if power.network != .IT { return (b.0 + b.1 + b.2) * voltage }
        let n = (b.0 > 0 ? 1 : 0) + (b.1 > 0 ? 1 : 0) + (b.2 > 0 ? 1 : 0)
        return power.watts(amps: max(b.0, b.1, b.2), phases: n)
    }

    /// Per-line draw of a point from its per-terminal currents (negative readings count as 0).
    @inline(__always)
    func gridDraw(point i: Int, terminals c: PhaseValues) -> (Double, Double, Double) {
        // A static helper, not a nested function capturing `out`: the capture kept this from
        // being inlined, and each call copied the whole compiled site (every point, every decision).
        var out = (0.0, 0.0, 0.0)
        if lineToLine[i] {
            let v = max(0, c.l1)
            Self.add(&out, terminalLine[i * 3], v); Self.add(&out, terminalLine[i * 3 + 1], v)
            return out
        }
        Self.add(&out, terminalLine[i * 3], max(0, c.l1))
        Self.add(&out, terminalLine[i * 3 + 1], max(0, c.l2))
        Self.add(&out, terminalLine[i * 3 + 2], max(0, c.l3))
        return out
    }

    @inline(__always)
    private static func add(_ out: inout (Double, Double, Double), _ p: Int8, _ v: Double) {
        switch p { case 0: out.0 += v; case 1: out.1 += v; case 2: out.2 += v; default: break }
    }

    func levelName(_ l: Int) -> String { l == 0 ? "grid" : "board \(levelIds[l])" }
}
