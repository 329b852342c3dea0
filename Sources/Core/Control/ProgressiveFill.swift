/// Max-min fair sharing of per-phase current under every level's per-line limit and the slider
/// (progressive filling, also called water-filling).
///
/// All points of one tier rise together at the same current `c` (each clamped to its own
/// [lo, hi]); when a constraint (a level on one line, or the slider's power) becomes full, every
/// point of the tier in it stops where it is, and the others go on rising. The result is the
/// seed's rule: equal current per phase, leftover to whoever is lowest, a shortage taken from
/// whoever is highest, while no constraint is exceeded. Tiers (manual, then priorities, highest
/// first) are filled one after the other; a constraint filled by a higher tier stays full.
///
/// Cost: O(n log n) per decision: the points' [lo, hi] events are sorted once, constraints wait
/// in a heap keyed by the current at which they fill up, and the constraints touched by all the
/// events at one current are rescheduled once. No dictionaries, no strings, no classes.
struct ProgressiveFill {
    static let bindMax: Int32 = -1
    static let bindNone: Int32 = -2
    let eps = 1e-9

    let K: Int
    let P: Int
    // The tree, copied from the compiled site.
    let chainStart: [Int]
    let chain: [Int]
    let subtreeStart: [Int]
    let subtreePoints: [Int]

    // Per constraint.
    var cap: [Double]
    var f: [Double]
    var slope: [Double]
    var lastC: [Double]
    var ver: [UInt32]
    var saturated: [Bool]
    var isDirty: [Bool]
    var dirty: [Int] = []

    // Per point (set by the controller before `fill`).
    var lo: [Double]
    var hi: [Double]
    var coefW: [Double]
    var lines: [UInt8]
    var tier: [Int32]
    var value: [Double]
    var bind: [Int32]
    var frozen: [Bool]
    var rising: [Bool]

    struct Event { var c: Double; var i: Int32; var isEnd: Bool }
    struct Sat { var c: Double; var k: Int32; var ver: UInt32 }
    private var events: [Event] = []
    private var heap: [Sat] = []

    init(site: CompiledSite) {
        K = site.constraintCount
        P = site.powerConstraint
        chainStart = site.chainStart; chain = site.chain
        subtreeStart = site.subtreeStart; subtreePoints = site.subtreePoints
        let n = site.pointCount
        cap = .init(repeating: 0, count: K); f = .init(repeating: 0, count: K)
        slope = .init(repeating: 0, count: K); lastC = .init(repeating: 0, count: K)
        ver = .init(repeating: 0, count: K); saturated = .init(repeating: false, count: K)
        isDirty = .init(repeating: false, count: K)
        lo = .init(repeating: 0, count: n); hi = .init(repeating: 0, count: n); coefW = .init(repeating: 0, count: n)
        lines = .init(repeating: 0, count: n); tier = .init(repeating: -1, count: n)
        value = .init(repeating: 0, count: n); bind = .init(repeating: ProgressiveFill.bindNone, count: n)
        frozen = .init(repeating: false, count: n); rising = .init(repeating: false, count: n)
        events.reserveCapacity(2 * n); heap.reserveCapacity(4 * K); dirty.reserveCapacity(K)
    }

    /// Every point unfilled, before a decision classifies them.
    mutating func resetPoints() {
        tier.resetAll(to: -1); bind.resetAll(to: ProgressiveFill.bindNone); value.resetAll(to: 0)
    }

    /// Clears the saturation flags before a decision's first tier.
    mutating func resetSaturation() {
        for k in 0..<K { saturated[k] = false; slope[k] = 0; lastC[k] = 0 }
    }

    /// Adds `amps` of point i to the load of every constraint it is in (power: amps × coefW).
    @inline(__always)
    mutating func addLoad(_ i: Int, amps: Double, usePower: Bool) {
        let m = lines[i]
        for a in chainStart[i]..<chainStart[i + 1] {
            let b = chain[a] * 3
            if m & 1 != 0 { f[b] += amps }
            if m & 2 != 0 { f[b + 1] += amps }
            if m & 4 != 0 { f[b + 2] += amps }
        }
        if usePower { f[P] += amps * coefW[i] }
    }

    /// Fills one tier. `f` must already hold every fixed load and every admitted point at its `lo`.
    mutating func fill(points tp: [Int], tier t: Int32, usePower: Bool) {
        events.removeAll(keepingCapacity: true)
        heap.removeAll(keepingCapacity: true)
        for k in 0..<K { slope[k] = 0; lastC[k] = 0 }
        for i in tp {
            value[i] = lo[i]; frozen[i] = false; rising[i] = false; bind[i] = ProgressiveFill.bindNone
            if hi[i] - lo[i] <= eps {
                frozen[i] = true; bind[i] = ProgressiveFill.bindMax
                continue
            }
            events.append(Event(c: lo[i], i: Int32(i), isEnd: false))
            events.append(Event(c: hi[i], i: Int32(i), isEnd: true))
        }
        events.sort { $0.c < $1.c || ($0.c == $1.c && !$0.isEnd && $1.isEnd) }
        var e = 0
        while true {
            var satK: Int32 = -1
            var satC = Double.infinity
            while let top = heap.first {
                if top.ver != ver[Int(top.k)] || saturated[Int(top.k)] { popHeap(); continue }
                satK = top.k; satC = top.c
                break
            }
            if satK < 0 && e >= events.count { break }
            let evC = e < events.count ? events[e].c : Double.infinity
            if satK >= 0 && satC <= evC {
                popHeap()
                saturate(Int(satK), at: satC, tier: t, points: tp, usePower: usePower)
                flushDirty()
                continue
            }
            // Every event at this current, then one reschedule per touched constraint.
            while e < events.count && events[e].c == evC {
                let ev = events[e]; e += 1
                let i = Int(ev.i)
                if frozen[i] { continue }
                if !ev.isEnd {
                    let k = firstSaturated(i, usePower: usePower)
                    if k >= 0 {
                        frozen[i] = true; value[i] = lo[i]; bind[i] = Int32(k)
                        continue
                    }
                    rising[i] = true
                    changeSlope(i, by: 1, at: evC, usePower: usePower, except: -1)
                } else {
                    rising[i] = false; frozen[i] = true; value[i] = hi[i]; bind[i] = ProgressiveFill.bindMax
                    changeSlope(i, by: -1, at: evC, usePower: usePower, except: -1)
                }
            }
            flushDirty()
        }
        for i in tp where !frozen[i] { frozen[i] = true; if bind[i] == ProgressiveFill.bindNone { bind[i] = ProgressiveFill.bindMax } }
    }

    /// Adds `sign` × coefficient of point i to the slope of its constraints (advanced to `c` first).
    @inline(__always)
    private mutating func changeSlope(_ i: Int, by sign: Double, at c: Double, usePower: Bool, except: Int) {
        let m = lines[i]
        for a in chainStart[i]..<chainStart[i + 1] {
            let b = chain[a] * 3
            if m & 1 != 0 && b != except { touch(b, sign, c) }
            if m & 2 != 0 && b + 1 != except { touch(b + 1, sign, c) }
            if m & 4 != 0 && b + 2 != except { touch(b + 2, sign, c) }
        }
        if usePower && coefW[i] > 0 && P != except { touch(P, sign * coefW[i], c) }
    }

    @inline(__always)
    private mutating func touch(_ k: Int, _ ds: Double, _ c: Double) {
        f[k] += slope[k] * (c - lastC[k])
        lastC[k] = c
        slope[k] += ds
        if !isDirty[k] { isDirty[k] = true; dirty.append(k) }
    }

    private mutating func flushDirty() {
        for k in dirty {
            isDirty[k] = false
            ver[k] &+= 1
            if saturated[k] || slope[k] <= eps { continue }
            let c = lastC[k] + max(0, cap[k] - f[k]) / slope[k]
            pushHeap(Sat(c: c, k: Int32(k), ver: ver[k]))
        }
        dirty.removeAll(keepingCapacity: true)
    }

    private func firstSaturated(_ i: Int, usePower: Bool) -> Int {
        let m = lines[i]
        for a in chainStart[i]..<chainStart[i + 1] {
            let b = chain[a] * 3
            if m & 1 != 0 && saturated[b] { return b }
            if m & 2 != 0 && saturated[b + 1] { return b + 1 }
            if m & 4 != 0 && saturated[b + 2] { return b + 2 }
        }
        if usePower && coefW[i] > 0 && saturated[P] { return P }
        return -1
    }

    private mutating func saturate(_ k: Int, at c: Double, tier t: Int32, points tp: [Int], usePower: Bool) {
        f[k] += slope[k] * (c - lastC[k])
        lastC[k] = c
        saturated[k] = true
        if k == P {
            for j in tp where !frozen[j] { freeze(j, k, c, usePower) }
        } else {
            let l = k / 3
            let bit = UInt8(1) << UInt8(k % 3)
            for s in subtreeStart[l]..<subtreeStart[l + 1] {
                let j = subtreePoints[s]
                if tier[j] == t && !frozen[j] && lines[j] & bit != 0 { freeze(j, k, c, usePower) }
            }
        }
        slope[k] = 0
    }

    @inline(__always)
    private mutating func freeze(_ j: Int, _ k: Int, _ c: Double, _ usePower: Bool) {
        value[j] = min(max(c, lo[j]), hi[j]); frozen[j] = true; bind[j] = Int32(k)
        if rising[j] {
            rising[j] = false
            changeSlope(j, by: -1, at: c, usePower: usePower, except: k)
        }
    }

    // MARK: binary min-heap on the saturation current

    /// Ties go to the lower constraint (grid before boards, L1 before L2): stable explanations.
    @inline(__always)
    private static func less(_ a: Sat, _ b: Sat) -> Bool { a.c < b.c || (a.c == b.c && a.k < b.k) }

    private mutating func pushHeap(_ s: Sat) {
        heap.append(s)
        var i = heap.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if !Self.less(heap[i], heap[p]) { break }
            heap.swapAt(p, i); i = p
        }
    }

    private mutating func popHeap() {
        let last = heap.removeLast()
        if heap.isEmpty { return }
        heap[0] = last
        var i = 0
        let n = heap.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && Self.less(heap[l], heap[m]) { m = l }
            if r < n && Self.less(heap[r], heap[m]) { m = r }
            if m == i { break }
            heap.swapAt(m, i); i = m
        }
    }
}
