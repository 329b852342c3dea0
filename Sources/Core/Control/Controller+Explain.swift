import Foundation

extension ControlEngine {
    static let lineNames = ["L1", "L2", "L3"]

    /// The binding constraint of a point right now, in words and numbers.
    func explain(_ i: Int, reading r: PointReading, gridAgeS: Double, gridKnown: Bool,
                 quarter: QuarterStatus?, rotationLeft: [Int: Double], input: ControlInput, now: Date) -> Explanation {
        switch scratch.role[i] {
        case .lost:
            var b = 0.0
            for p in 0..<3 { b = max(b, scratch.budget[i * 3 + p]) }
            let what = scratch.badReading[i] ? "unreadable currents" : r.status == nil ? "no reading yet"
                : (r.reachable ? "no reading for \(secs(r.ageS)) s" : "lost")
            return Explanation(.lost, "\(what), budgeted at \(fmt1(b)) A")
        case .inactive:
            switch scratch.inactive[i] {
            case .noCar: return Explanation(.noCar, "no car")
            case .off: return Explanation(.off, "off")
            case .error: return Explanation(.other, "charger error" + (r.status?.errorText.map { ": " + $0 } ?? ""))
            case .paused:
                let left = tunables.minPauseS - (mem[i].stoppedAt.map { now.timeIntervalSince($0) } ?? 0)
                return Explanation(.pause, "paused after a stop, restart possible in \(fmtDuration(left))")
            }
        case .candidate:
            break
        }
        let v = scratch.final[i]
        if scratch.safeOnly[i] {
            let l = scratch.staleLevel[i]
            var why: String
            if l == 0 {
                why = gridKnown && gridAgeS.isFinite ? "meter stale \(secs(gridAgeS)) s" : "no main-meter reading yet"
            } else if l > 0 {
                let age = l < input.meters.count ? input.meters[l].ageS : .infinity
                why = age.isFinite ? "\(site.levelName(l)) meter stale \(secs(age)) s"
                                   : "\(site.levelName(l)) meter: no reading yet"
            } else {
                why = "meter stale"
            }
            if v > 0 { why += ": held at minimum" }
            return Explanation(.stale, why)
        }
        if !scratch.admitted[i] || v == 0 {
            var text = waitingText(i)
            var kind = Explanation.Kind.waiting
            if let left = rotationLeft[priority[i]], mode[i] == .auto {
                text += "; next turn in \(fmtDuration(left))"
                kind = .rotation
            }
            return Explanation(kind, text)
        }
        var ex: Explanation
        if scratch.graced[i] {
            let short = scratch.waitNeed[i] - scratch.waitFree[i]
            let since = mem[i].sliderShortSince.map { now.timeIntervalSince($0) } ?? 0
            ex = Explanation(.slider, "slider short \(fmt1(short / 1000)) kW for \(secs(since)) s: held at minimum")
        } else if scratch.hold[i] == 1 {
            ex = Explanation(.rateLimit, "ramping up to \(fmt1(scratch.rampTarget[i])) A")
        } else {
            ex = bindingText(i, quarter: quarter)
        }
        if scratch.switched[i] {
            ex.text += scratch.phasesCmd[i] == 1 ? "; switched to 1 phase" : "; switched to 3 phases"
        }
        return ex
    }

    /// Why an admitted point has the current it has.
    private func bindingText(_ i: Int, quarter: QuarterStatus?) -> Explanation {
        let b = fill.bind[i]
        let isManual = mode[i] == .manual
        if b >= 0 {
            let k = Int(b)
            if k == site.powerConstraint, let q = quarter {
                let label = q.targetKW > settings.sliderKW + 1e-9 ? "month peak" : "slider"
                return Explanation(.slider, "\(label) \(fmt1(q.targetKW)) kW (\(fmt1(q.allowedKW)) kW allowed now)")
            }
            let l = k / 3, p = k % 3
            let text = "\(site.levelName(l)) \(ControlEngine.lineNames[p]) \(fmt1(scratch.load[k]))/\(fmtLimit(site.levelLimitA[l])) A"
            if isManual {
                return Explanation(.levelLimit, "manual \(fmtLimit(manualA[i] ?? site.maxA[i])) A cut by " + text)
            }
            return Explanation(.levelLimit, text)
        }
        switch scratch.hiReason[i] {
        case 1: return Explanation(.manual, "manual \(fmt1(fill.hi[i])) A")
        case 2: return Explanation(.other, "car not drawing: minimum kept offered")
        case 3: return Explanation(.pointMax, "the car takes at most \(fmt1(fill.hi[i])) A")
        default: return Explanation(.pointMax, "point max \(fmtLimit(site.maxA[i])) A")
        }
    }

    /// What a waiting (or stopped) car needs and what is free where it does not fit.
    private func waitingText(_ i: Int) -> String {
        let k = Int(scratch.waitK[i])
        guard k >= 0 else { return "waiting" }
        if k == site.powerConstraint {
            return "needs \(fmt1(scratch.waitNeed[i] / 1000)) kW, \(fmt1(max(0, scratch.waitFree[i]) / 1000)) kW free under the slider"
        }
        let l = k / 3, p = k % 3
        if scratch.levelBlind[l] { return "\(site.levelName(l)) meter: no reading yet" }
        let who = l == 0 ? "the grid" : site.levelName(l)
        return "needs \(fmt1(scratch.waitNeed[i])) A on \(ControlEngine.lineNames[p]), \(who) has \(fmt1(max(0, scratch.waitFree[i]))) A free"
    }
}

extension PointDecision {
    /// One line for logs and `simulate --trace`: "cp3 7.0 A: board garage L2 31.6/32 A",
    /// "cp1 waiting: needs 4.1 kW, 2.3 kW free under the slider", "cp5 0 A: meter stale 12 s".
    public var line: String {
        if setpointA > 0 { return "\(id) \(fmt1(setpointA)) A: \(explanation.text)" }
        switch explanation.kind {
        case .waiting, .rotation: return "\(id) waiting: \(explanation.text)"
        default: return "\(id) 0 A: \(explanation.text)"
        }
    }
}
