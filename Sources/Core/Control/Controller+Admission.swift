import Foundation

extension ControlEngine {
    /// Decides who may charge, in order of service, each at its minimum: a car starts only if
    /// its minimum plus the start buffer fits on every line of every level above it (and under
    /// the slider); a running car keeps going while its minimum fits. Order: manual points, then
    /// priority (high first); within a priority, cars inside their minimum run time, then
    /// waiting cars (longest waiting first: fair rotation), then the other running cars (most
    /// recently started first, so the longest-running one yields its turn), then cars that do not
    /// draw; the cars inside their minimum run time in the same order among themselves. Ties go to the point number (configuration order).
    ///
    /// A running car that only the slider cannot hold keeps its minimum for its grace time only
    /// when that grace fits the quarter's remaining energy: its minimum power over the grace
    /// still left is spread over the quarter's time left (`quarterLeftS`) and must fit beside
    /// everything admitted before it; the rest of the quarter then gets that much less. A grace
    /// that does not fit stops the car now, so a rotation's hand-over never takes the quarter over.
    /// A stopped car draws on for the ramp (`rampS`) after its grace: that counts too.
    mutating func admit(powerActive: Bool, quarterLeftS: Double, now: Date) {
        let n = site.pointCount
        let P = site.powerConstraint
        scratch.keys.removeAll(keepingCapacity: true)
        for i in 0..<n where scratch.role[i] == .candidate {
            let running = scratch.running[i]
            let cls: Int8 = !running ? 1 : (scratch.notDrawing[i] ? 3 : (scratch.protected[i] ? 0 : 2))
            var time = 0.0
            if cls == 1 { time = mem[i].waitingSince?.timeIntervalSinceReferenceDate ?? 0 }
            // Running cars: the one that started last comes first, so a shortage cuts the car that
            // has had the most of its turn (inside the minimum run time too).
            if cls == 0 || cls == 2 { time = -(mem[i].runningSince?.timeIntervalSinceReferenceDate ?? 0) }
            scratch.keys.append(AdmissionKey(group: mode[i] == .manual ? 0 : 1, priority: priority[i], cls: cls,
                                              time: time, index: Int32(i)))
        }
        scratch.keys.sort { a, b in
            if a.group != b.group { return a.group < b.group }
            if a.priority != b.priority { return a.priority > b.priority }
            if a.cls != b.cls { return a.cls < b.cls }
            if a.time != b.time { return a.time < b.time }
            return a.index < b.index
        }
        scratch.order.removeAll(keepingCapacity: true)
        for k in scratch.keys { scratch.order.append(Int(k.index)) }

        for k in 0..<site.constraintCount { scratch.adm[k] = scratch.base[k] }
        for i in scratch.order {
            planHeld[i] = !planGates.isEmpty && planHolds(i)
            if planHeld[i] { continue }
            let minA = self.minA(i)
            let isManual = mode[i] == .manual
            // The start buffer never asks for more than the point may take (its max, or the manual current).
            let ceiling = isManual ? min(site.maxA[i], max(minA, manualA[i] ?? site.maxA[i])) : site.maxA[i]
            let startA = min(minA + tunables.startBufferA, ceiling)
            let isRunning = scratch.running[i]
            let safe = scratch.safeOnly[i]
            if safe && !isRunning {
                continue   // no new start without fresh data
            }
            // Options: (phases, threshold). Non-switching points have one.
            var options = Options()
            let learned = mem[i].carMask != 0 ? mem[i].carMask : site.wiringMask[i]
            if site.phaseSwitching[i] && !safe {
                let cur = mem[i].activePhases ?? 3
                let canSwitch = mem[i].lastSwitchAt.map { now.timeIntervalSince($0) >= tunables.phaseSwitchDwellS } ?? true
                let oneCarPhase = mem[i].carMask != 0 && mem[i].carMask.nonzeroBitCount == 1
                if cur == 3 {
                    options.add((learned, 3, isRunning ? minA : startA))
                    if canSwitch && !oneCarPhase { options.add((1, 1, isRunning ? minA : startA)) }
                } else {
                    if canSwitch { options.add((learned, 3, startA)) }
                    options.add((1, 1, isRunning ? minA : startA))
                }
            } else {
                var mask = learned
                if site.phaseSwitching[i] && mem[i].activePhases == 1 { mask = 1 }
                options.add((mask, site.phaseSwitching[i] ? (mem[i].activePhases ?? 3) : 0, (isRunning || safe) ? minA : startA))
            }
            let usePower = powerActive && !isManual && !safe
            var chosen = -1
            var graced = false
            var graceShare = 1.0
            var shortOnPower = false
            for o in 0..<options.count {
                let opt = options[o]
                let lines = site.lineMask(point: i, carMask: opt.mask)
                let coef = site.wattsPerAmp(point: i, carMask: opt.mask)
                let r = check(i, lines: lines, amps: opt.thr, powerW: usePower ? opt.thr * coef : nil)
                if r.ok { chosen = o; break }
                scratch.waitK[i] = Int32(r.k); scratch.waitNeed[i] = r.need; scratch.waitFree[i] = r.free
                if r.k == P { shortOnPower = true }
            }
            // A running car that only the slider cannot hold keeps its minimum for a grace time,
            // on the phases it uses now (the fuses must still hold it).
            if chosen < 0 && shortOnPower && isRunning && !isManual {
                if mem[i].sliderShortSince == nil { mem[i].sliderShortSince = now }
                let graceLeft = tunables.sliderGraceS - now.timeIntervalSince(mem[i].sliderShortSince!)
                if graceLeft > 0 {
                    // Its share of the quarter's allowed power, seen from now (the quarter's
                    // allowed power without the ramp: the grace and the ramp after it) and from
                    // the ramp's end (with it: the grace alone); the larger one holds both.
                    let r = min(tracker.rampS, quarterLeftS), after = quarterLeftS - r
                    let share = min(1, max(min(graceLeft + r, quarterLeftS) / max(1, quarterLeftS),
                                           min(graceLeft, after) / max(1, after)))
                    let cur = mem[i].activePhases ?? 3
                    for o in 0..<options.count where !site.phaseSwitching[i] || options[o].phases == cur {
                        let opt = options[o]
                        let coef = site.wattsPerAmp(point: i, carMask: opt.mask)
                        // The quarter may take one meter step (1 Wh) more from a grace, spread over its time left.
                        let slackW = tunables.quarterToleranceKW * 900 / max(1, quarterLeftS) * 1000
                        if check(i, lines: site.lineMask(point: i, carMask: opt.mask), amps: opt.thr,
                                 powerW: max(0, opt.thr * coef * share - slackW)).ok {
                            chosen = o; graced = true; graceShare = share
                            break
                        }
                    }
                }
            }
            if chosen >= 0 && !graced { mem[i].sliderShortSince = nil }
            guard chosen >= 0 else { continue }
            let opt = options[chosen]
            let lines = site.lineMask(point: i, carMask: opt.mask)
            let coef = site.wattsPerAmp(point: i, carMask: opt.mask)
            scratch.waitK[i] = -1
            scratch.admitted[i] = true
            scratch.graced[i] = graced
            scratch.powerShare[i] = graced ? graceShare : 1
            scratch.carMask[i] = opt.mask
            scratch.phasesCmd[i] = opt.phases
            fill.lines[i] = lines
            fill.coefW[i] = coef
            fill.lo[i] = minA
            var hi = ceiling
            scratch.hiReason[i] = isManual ? 1 : 0
            if !isManual, let cap = mem[i].carMaxA, cap < hi { hi = max(minA, cap); scratch.hiReason[i] = 3 }
            if let cap = planCapA(i, coef: coef, minA: minA), cap < hi { hi = cap; scratch.hiReason[i] = 4 }
            if holdSafe { hi = max(minA, min(hi, site.safeA[i])) }
            if safe || graced { hi = minA }
            if scratch.notDrawing[i] && !isManual { hi = minA; scratch.hiReason[i] = 2 }
            fill.hi[i] = hi
            // Commit the threshold it was admitted with (a starting car keeps its buffer free).
            for a in site.chainStart[i]..<site.chainStart[i + 1] {
                let b = site.chain[a] * 3
                if lines & 1 != 0 { scratch.adm[b] += opt.thr }
                if lines & 2 != 0 { scratch.adm[b + 1] += opt.thr }
                if lines & 4 != 0 { scratch.adm[b + 2] += opt.thr }
            }
            scratch.adm[P] += opt.thr * coef * scratch.powerShare[i]
        }
    }

    /// Whether `amps` per line (and `powerW`) still fit on top of the admissions so far; else the
    /// first constraint that does not, with what was needed and what was free.
    private func check(_ i: Int, lines: UInt8, amps: Double, powerW: Double?) -> (ok: Bool, k: Int, need: Double, free: Double) {
        let eps = 1e-9
        for a in site.chainStart[i]..<site.chainStart[i + 1] {
            let l = site.chain[a]
            for p in 0..<3 where lines & (1 << UInt8(p)) != 0 {
                let k = l * 3 + p
                let free = fill.cap[k] - scratch.adm[k]
                if !(amps <= free + eps) { return (false, k, amps, free) }
            }
        }
        if let w = powerW {
            let P = site.powerConstraint
            let free = fill.cap[P] - scratch.adm[P]
            if !(w <= free + 1e-6) { return (false, P, w, free) }
        }
        return (true, -1, 0, 0)
    }
}

/// Sort key of a candidate in the order of service.
struct AdmissionKey {
    var group: Int8
    var priority: Int
    var cls: Int8
    var time: Double
    var index: Int32
}

/// At most two ways to admit a point (3 or 1 phases), without an array allocation per point.
struct Options {
    typealias Option = (mask: UInt8, phases: Int, thr: Double)
    private var a: Option = (0, 0, 0)
    private var b: Option = (0, 0, 0)
    private(set) var count = 0
    mutating func add(_ o: Option) {
        if count == 0 { a = o } else { b = o }
        count += 1
    }
    subscript(_ i: Int) -> Option { i == 0 ? a : b }
}
