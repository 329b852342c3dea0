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
/// Cost: O(n log n) per decision (events sorted once, a heap of constraint saturation points,
/// each point frozen once). No dictionaries, no strings.
final class ProgressiveFill {
    static let bindMax: Int32 = -1
    static let bindNone: Int32 = -2
    let eps = 1e-9

    let site: CompiledSite
    let K: Int
    let P: Int

    // Per constraint.
    var cap: [Double]
    var f: [Double]
    var slope: [Double]
    var lastC: [Double]
    var ver: [UInt32]
    var saturated: [Bool]

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

    private struct Event { var c: Double; var i: Int32; var isEnd: Bool }
    private struct Sat { var c: Double; var k: Int32; var ver: UInt32 }
    private var events: [Event] = []
    private var heap: [Sat] = []

    init(site: CompiledSite) {
        self.site = site
        K = site.constraintCount
        P = site.powerConstraint
        let n = site.pointCount
        cap = .init(repeating: 0, count: K); f = .init(repeating: 0, count: K)
        slope = .init(repeating: 0, count: K); lastC = .init(repeating: 0, count: K)
        ver = .init(repeating: 0, count: K); saturated = .init(repeating: false, count: K)
        lo = .init(repeating: 0, count: n); hi = .init(repeating: 0, count: n); coefW = .init(repeating: 0, count: n)
        lines = .init(repeating: 0, count: n); tier = .init(repeating: -1, count: n)
        value = .init(repeating: 0, count: n); bind = .init(repeating: ProgressiveFill.bindNone, count: n)
        frozen = .init(repeating: false, count: n); rising = .init(repeating: false, count: n)
        events.reserveCapacity(2 * n); heap.reserveCapacity(K * 4)
    }

    /// Clears the saturation flags before a decision's first tier.
    func resetSaturation() {
        for k in 0..<K { saturated[k] = false; slope[k] = 0; lastC[k] = 0 }
    }

    /// Fills one tier. `f` must already hold every fixed load and every admitted point at its `lo`.
    func fill(points tp: [Int], tier t: Int32, usePower: Bool) {
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
            let evC = e < events.count ? events[e].c : Double.infinity
            if satK < 0 && e >= events.count { break }
            if satK >= 0 && satC <= evC {
                popHeap()
                saturate(Int(satK), at: satC, tier: t, points: tp, usePower: usePower)
                continue
            }
            let ev = events[e]; e += 1
            let i = Int(ev.i)
            if frozen[i] { continue }
            if !ev.isEnd {
                if let k = firstSaturated(i, usePower: usePower) {
                    frozen[i] = true; value[i] = lo[i]; bind[i] = Int32(k)
                    continue
                }
                rising[i] = true
                forEachConstraint(i, usePower: usePower) { k, coef in
                    advance(k, to: ev.c); slope[k] += coef; reschedule(k)
                }
            } else {
                rising[i] = false; frozen[i] = true; value[i] = hi[i]; bind[i] = ProgressiveFill.bindMax
                forEachConstraint(i, usePower: usePower) { k, coef in
                    advance(k, to: ev.c); slope[k] -= coef; reschedule(k)
                }
            }
        }
        // Points never frozen (no event left for them) sit where they are.
        for i in tp where !frozen[i] { frozen[i] = true; if bind[i] == ProgressiveFill.bindNone { bind[i] = ProgressiveFill.bindMax } }
    }

    @inline(__always)
    private func advance(_ k: Int, to c: Double) {
        f[k] += slope[k] * (c - lastC[k])
        lastC[k] = c
    }

    @inline(__always)
    private func reschedule(_ k: Int) {
        ver[k] &+= 1
        if saturated[k] || slope[k] <= eps { return }
        let c = lastC[k] + max(0, cap[k] - f[k]) / slope[k]
        pushHeap(Sat(c: c, k: Int32(k), ver: ver[k]))
    }

    @inline(__always)
    func forEachConstraint(_ i: Int, usePower: Bool, _ body: (Int, Double) -> Void) {
        let m = lines[i]
        for a in site.chainStart[i]..<site.chainStart[i + 1] {
            let base = site.chain[a] * 3
            if m & 1 != 0 { body(base, 1) }
            if m & 2 != 0 { body(base + 1, 1) }
            if m & 4 != 0 { body(base + 2, 1) }
        }
        if usePower && coefW[i] > 0 { body(P, coefW[i]) }
    }

    private func firstSaturated(_ i: Int, usePower: Bool) -> Int? {
        var found: Int? = nil
        forEachConstraint(i, usePower: usePower) { k, _ in if found == nil && saturated[k] { found = k } }
        return found
    }

    private func saturate(_ k: Int, at c: Double, tier t: Int32, points tp: [Int], usePower: Bool) {
        advance(k, to: c)
        saturated[k] = true
        func freeze(_ j: Int) {
            let v = min(max(c, lo[j]), hi[j])
            value[j] = v; frozen[j] = true; bind[j] = Int32(k)
            if rising[j] {
                rising[j] = false
                forEachConstraint(j, usePower: usePower) { k2, coef in
                    if k2 != k { advance(k2, to: c); slope[k2] -= coef; reschedule(k2) }
                }
            }
        }
        if k == P {
            for j in tp where !frozen[j] { freeze(j) }
        } else {
            let l = k / 3
            let bit = UInt8(1) << UInt8(k % 3)
            for s in site.subtreeStart[l]..<site.subtreeStart[l + 1] {
                let j = site.subtreePoints[s]
                if tier[j] == t && !frozen[j] && lines[j] & bit != 0 { freeze(j) }
            }
        }
        slope[k] = 0
    }

    // MARK: binary min-heap on the saturation current

    private func pushHeap(_ s: Sat) {
        heap.append(s)
        var i = heap.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if heap[p].c <= heap[i].c { break }
            heap.swapAt(p, i); i = p
        }
    }

    private func popHeap() {
        let last = heap.removeLast()
        if heap.isEmpty { return }
        heap[0] = last
        var i = 0
        let n = heap.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && heap[l].c < heap[m].c { m = l }
            if r < n && heap[r].c < heap[m].c { m = r }
            if m == i { break }
            heap.swapAt(m, i); i = m
        }
    }
}
