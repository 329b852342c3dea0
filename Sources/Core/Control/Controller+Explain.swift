import Foundation

extension ControlEngine {
    static let lineNames = ["L1", "L2", "L3"]

    /// The binding constraint of a point right now, in words and numbers.
    ///
    /// Built in two steps so unchanged texts are not rebuilt on every decision: `explainKey`
    /// captures everything the text shows (its template and the numbers as printed), and
    /// `render` makes the text from that key alone (plus the site, which never changes).
    /// `decide` keeps each point's last key and explanation and reuses the explanation when the
    /// key is the same.
    mutating func explain(_ i: Int, _ c: ExplainContext) -> Explanation {
        render(explainKey(i, c), point: i)
    }

    /// What point i's explanation shows, without building its text.
    /// `mutating` though it changes nothing (as the two helpers below): `decide` is mutating, and
    /// a non-mutating method called from it was handed a copy of the whole engine (2.6 kB) for
    /// every point and decision; a mutating one gets the engine itself.
    mutating func explainKey(_ i: Int, _ c: ExplainContext) -> ExplainKey {
        let r = c.reading(i), now = c.now
        var k = ExplainKey()
        switch scratch.role[i] {
        case .lost:
            var b = 0.0
            for p in 0..<3 { b = max(b, scratch.budget[i * 3 + p]) }
            if scratch.badReading[i] { k.t = .lostUnreadable } else if !r.hasStatus { k.t = .lostNoReading }
            else if r.reachable { k.t = .lostAge; k.n0 = secs(r.ageS) } else { k.t = .lost }
            k.setTenths(1, b)
            return k
        case .inactive:
            switch scratch.inactive[i] {
            case .noCar: k.t = .noCar
            case .off: k.t = .off
            case .error: k.t = .error; k.str = c.errorText(i)
            case .paused:
                let left = tunables.minPauseS - (mem[i].stoppedAt.map { now.timeIntervalSince($0) } ?? 0)
                k.t = .paused; k.n0 = durationKey(left)
            }
            return k
        case .candidate:
            break
        }
        let v = scratch.final[i]
        if scratch.safeOnly[i] {
            let l = scratch.staleLevel[i]
            if l == 0 {
                if c.gridKnown && c.gridAgeS.isFinite { k.t = .staleGrid; k.n0 = secs(c.gridAgeS) } else { k.t = .staleGridNone }
            } else if l > 0 {
                let age = l < c.meters.count ? c.meters[l].ageS : .infinity
                k.n0 = l
                if age.isFinite { k.t = .staleLevel; k.n1 = secs(age) } else { k.t = .staleLevelNone }
            } else {
                k.t = .stale
            }
            if v > 0 { k.s |= ExplainKey.heldAtMinimum }
            return k
        }
        if !scratch.admitted[i] && i < planHeld.count && planHeld[i] {
            k.t = .planHold; k.str = planGates[i].text
            return k
        }
        if !scratch.admitted[i] || v == 0 {
            waitingKey(i, &k)
            if let left = c.rotationLeft[priority[i]], mode[i] == .auto {
                k.s |= ExplainKey.nextTurn; k.n4 = durationKey(left)
            }
            return k
        }
        if scratch.graced[i] {
            let short = scratch.waitNeed[i] - scratch.waitFree[i]
            let since = mem[i].sliderShortSince.map { now.timeIntervalSince($0) } ?? 0
            k.t = .sliderShort; k.setTenths(0, short / 1000); k.n1 = secs(since)
        } else if scratch.hold[i] == 1 {
            k.t = .ramp; k.setTenths(0, scratch.rampTarget[i])
        } else {
            bindingKey(i, c, &k)
        }
        if scratch.switched[i] {
            k.s |= scratch.phasesCmd[i] == 1 ? ExplainKey.switched1 : ExplainKey.switched3
        }
        return k
    }

    /// Why an admitted point has the current it has.
    private mutating func bindingKey(_ i: Int, _ x: ExplainContext, _ k: inout ExplainKey) {
        let b = fill.bind[i]
        if b >= 0 {
            let c = Int(b)
            if c == site.powerConstraint, let q = x.quarterKW {
                k.t = .slider
                k.n0 = q.target > settings.sliderKW + 1e-9 ? 1 : 0
                k.setTenths(1, q.target); k.setTenths(2, q.allowed)
                return
            }
            k.n0 = c / 3; k.n1 = c % 3; k.setTenths(2, scratch.load[c])
            if mode[i] == .manual {
                k.t = .levelManual; k.n4 = Int(bitPattern: UInt((manualA[i] ?? site.maxA[i]).bitPattern))
            } else {
                k.t = .level
            }
            return
        }
        switch scratch.hiReason[i] {
        case 1: k.t = .manual; k.setTenths(0, fill.hi[i])
        case 2: k.t = .notDrawing
        case 3: k.t = .carMax; k.setTenths(0, fill.hi[i])
        case 4: k.t = .planCap; k.str = planGates[i].text
        default: k.t = .pointMax
        }
    }

    /// What a waiting (or stopped) car needs and what is free where it does not fit.
    private mutating func waitingKey(_ i: Int, _ k: inout ExplainKey) {
        let c = Int(scratch.waitK[i])
        guard c >= 0 else { k.t = .waiting; return }
        // A car that needs more than the point's minimum says so, with its start current.
        if let a = mem[i].carStartA, mem[i].startProbeAt == nil {
            k.s |= ExplainKey.carStart; k.n5 = Int((a * 10).rounded())
        }
        if c == site.powerConstraint {
            k.t = .waitingSlider
            k.setTenths(0, scratch.waitNeed[i] / 1000); k.setTenths(1, max(0, scratch.waitFree[i]) / 1000)
            return
        }
        let l = c / 3, p = c % 3
        k.n0 = l
        if scratch.levelBlind[l] { k.t = .waitingBlind; return }
        k.t = .waitingLevel; k.n1 = p
        k.setTenths(2, scratch.waitNeed[i]); k.setTenths(3, max(0, scratch.waitFree[i]))
    }

    /// The explanation a key stands for (point i: for its maximum, which the key leaves out).
    func render(_ k: ExplainKey, point i: Int) -> Explanation {
        var ex: Explanation
        switch k.t {
        case .none: ex = Explanation(.other, "")    // never produced by explainKey
        case .lostUnreadable: ex = Explanation(.lost, "unreadable currents, budgeted at \(k.tenths(1)) A")
        case .lostNoReading: ex = Explanation(.lost, "no reading yet, budgeted at \(k.tenths(1)) A")
        case .lostAge: ex = Explanation(.lost, "no reading for \(k.n0) s, budgeted at \(k.tenths(1)) A")
        case .lost: ex = Explanation(.lost, "lost, budgeted at \(k.tenths(1)) A")
        case .noCar: return Explanation(.noCar, "no car")
        case .off: return Explanation(.off, "off")
        case .error: return Explanation(.other, "charger error" + (k.str.map { ": " + $0 } ?? ""))
        case .paused:
            return Explanation(.pause, "paused after a stop, restart possible in \(durationText(k.n0))")
        case .staleGrid: ex = Explanation(.stale, "meter stale \(k.n0) s")
        case .staleGridNone: ex = Explanation(.stale, "no main-meter reading yet")
        case .staleLevel: ex = Explanation(.stale, "\(site.levelName(k.n0)) meter stale \(k.n1) s")
        case .staleLevelNone: ex = Explanation(.stale, "\(site.levelName(k.n0)) meter: no reading yet")
        case .stale: ex = Explanation(.stale, "meter stale")
        case .waiting: ex = Explanation(.waiting, "waiting")
        case .waitingSlider:
            ex = Explanation(.waiting, "needs \(k.tenths(0)) kW, \(k.tenths(1)) kW free under the slider")
            if k.s & ExplainKey.carStart != 0 {
                ex.text = "this car starts at \(fmtLimit(Double(k.n5) / 10)) A: " + ex.text
            }
        case .waitingBlind: ex = Explanation(.waiting, "\(site.levelName(k.n0)) meter: no reading yet")
        case .waitingLevel:
            let who = k.n0 == 0 ? "the grid" : site.levelName(k.n0)
            if k.s & ExplainKey.carStart != 0 {
                ex = Explanation(.waiting, "this car starts at \(fmtLimit(Double(k.n5) / 10)) A, \(k.tenths(3)) A free on \(ControlEngine.lineNames[k.n1])"
                                 + (k.n0 == 0 ? "" : " of \(site.levelName(k.n0))"))
            } else {
                ex = Explanation(.waiting, "needs \(k.tenths(2)) A on \(ControlEngine.lineNames[k.n1]), \(who) has \(k.tenths(3)) A free")
            }
        case .sliderShort:
            ex = Explanation(.slider, "slider short \(k.tenths(0)) kW for \(k.n1) s: held at minimum")
        case .ramp: ex = Explanation(.rateLimit, "ramping up to \(k.tenths(0)) A")
        case .slider:
            let label = k.n0 == 1 ? "month peak" : "slider"
            ex = Explanation(.slider, "\(label) \(k.tenths(1)) kW (\(k.tenths(2)) kW allowed now)")
        case .level, .levelManual:
            let text = "\(site.levelName(k.n0)) \(ControlEngine.lineNames[k.n1]) \(k.tenths(2))/\(fmtLimit(site.levelLimitA[k.n0])) A"
            if k.t == .levelManual {
                let m = Double(bitPattern: UInt64(UInt(bitPattern: k.n4)))
                ex = Explanation(.levelLimit, "manual \(fmtLimit(m)) A cut by " + text)
            } else {
                ex = Explanation(.levelLimit, text)
            }
        case .manual: ex = Explanation(.manual, "manual \(k.tenths(0)) A")
        case .notDrawing: ex = Explanation(.other, "car not drawing: minimum kept offered")
        case .carMax: ex = Explanation(.pointMax, "the car takes at most \(k.tenths(0)) A")
        case .pointMax: ex = Explanation(.pointMax, "point max \(fmtLimit(site.maxA[i])) A")
        case .planHold, .planCap: ex = Explanation(.plan, k.str ?? "")
        }
        if k.s & ExplainKey.heldAtMinimum != 0 { ex.text += ": held at minimum" }
        if k.s & ExplainKey.nextTurn != 0 {
            ex.text += "; next turn in \(durationText(k.n4))"
            ex.kind = .rotation
        }
        if k.s & ExplainKey.switched1 != 0 { ex.text += "; switched to 1 phase" }
        if k.s & ExplainKey.switched3 != 0 { ex.text += "; switched to 3 phases" }
        return ex
    }
}

/// What the explanations of one decision read besides the engine's own working values: taken
/// once per decision and lent to every point, so no reading, quarter or input is copied per
/// point (these copies were most of the explanations' cost in a backtest).
struct ExplainContext {
    var points: [PointReading]
    var meters: [MeterReading]
    var gridAgeS: Double
    var gridKnown: Bool
    /// The quarter's target and allowed power (kW), when there is a quarter.
    var quarterKW: (target: Double, allowed: Double)?
    var rotationLeft: [Int: Double]
    var now: Date

    /// What the explanation reads of point i's reading (`PointReading.none` past the input's end).
    struct Reading { var hasStatus: Bool; var reachable: Bool; var ageS: Double }

    func reading(_ i: Int) -> Reading {
        guard i < points.count else { return Reading(hasStatus: false, reachable: PointReading.none.reachable, ageS: PointReading.none.ageS) }
        return Reading(hasStatus: points[i].status?.state != nil, reachable: points[i].reachable, ageS: points[i].ageS)
    }

    /// The charger's own error text (only an explanation in error asks).
    func errorText(_ i: Int) -> String? { i < points.count ? points[i].status?.errorText : nil }
}

/// Everything one point's explanation shows: which text, and its numbers as printed (tenths for
/// one-decimal figures, whole seconds, level and line indices). Equal keys give equal texts.
struct ExplainKey: Equatable {
    enum Template: UInt8 {
        case none
        case lostUnreadable, lostNoReading, lostAge, lost
        case noCar, off, error, paused
        case staleGrid, staleGridNone, staleLevel, staleLevelNone, stale
        case waiting, waitingSlider, waitingBlind, waitingLevel
        case sliderShort, ramp, slider, level, levelManual, manual, notDrawing, carMax, pointMax
        case planHold, planCap
    }
    static let heldAtMinimum: UInt8 = 1, nextTurn: UInt8 = 2, switched1: UInt8 = 4, switched3: UInt8 = 8
    /// n5 holds the car's own start current in tenths (waiting texts).
    static let carStart: UInt8 = 16

    var t = Template.none
    /// Suffix flags (above).
    var s: UInt8 = 0
    /// Bit j set: n_j holds a Double's bits for `fmt1` (not finite or too large for tenths).
    var raw: UInt8 = 0
    var n0 = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0
    /// The car's own start current in tenths (with `carStart`).
    var n5 = 0
    var str: String?

    /// Stores x in slot j as `fmt1` prints it.
    mutating func setTenths(_ j: Int, _ x: Double) {
        let v: Int
        if x.isFinite && abs(x) < 1e15 { v = Int((x * 10).rounded()) }
        else { v = Int(bitPattern: UInt(x.bitPattern)); raw |= 1 << UInt8(j) }
        switch j {
        case 0: n0 = v
        case 1: n1 = v
        case 2: n2 = v
        default: n3 = v
        }
    }

    /// Slot j as `fmt1` prints it.
    func tenths(_ j: Int) -> String {
        let v = j == 0 ? n0 : j == 1 ? n1 : j == 2 ? n2 : n3
        if raw & (1 << UInt8(j)) != 0 { return fmt1(Double(bitPattern: UInt64(UInt(bitPattern: v)))) }
        return fmtTenths(v)
    }
}

/// `fmtDuration` in two steps: the number it prints (minutes stored as -1 - m), then the text.
func durationKey(_ s: Double) -> Int {
    let v = s.isFinite ? min(max(0, s), 1e9) : 0
    if v < 120 { return Int(v.rounded(.up)) }
    return -1 - Int((v / 60).rounded(.up))
}

func durationText(_ k: Int) -> String { k >= 0 ? String(k) + " s" : String(-1 - k) + " min" }

extension PointDecision {
    /// One line for logs and `simulate --trace`: "cp3 7.0 A: board garage L2 31.6/32 A",
    /// "cp1 waiting: needs 4.1 kW, 2.3 kW free under the slider", "cp5 0 A: meter stale 12 s".
    public var line: String {
        if setpointA > 0 { return "\(id) \(fmt1(setpointA)) A: \(explanation.text)" }
        switch explanation.kind {
        case .waiting, .rotation, .plan: return "\(id) waiting: \(explanation.text)"
        default: return "\(id) 0 A: \(explanation.text)"
        }
    }
}
