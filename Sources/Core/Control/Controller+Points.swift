import Foundation

extension ControlEngine {
    /// Sorts a point into lost / inactive / candidate, maps its draw onto the grid lines, learns the
    /// phases its car draws on, and works out running, protected, paused and not-drawing.
    /// Expects the point's working values reset (`Scratch.resetPoints`, `ProgressiveFill.resetPoints`).
    mutating func classify(_ i: Int, _ r: ReadingFields, now: Date) {
        let bad = r.status.map { !($0.currents.l1.isFinite && $0.currents.l2.isFinite && $0.currents.l3.isFinite) } ?? false
        scratch.badReading[i] = bad
        if let st = r.status, !bad {
            let d = site.gridDraw(point: i, terminals: st.currents)
            scratch.draw[i * 3] = d.0; scratch.draw[i * 3 + 1] = d.1; scratch.draw[i * 3 + 2] = d.2
            if let w = st.powerW, w.isFinite {
                scratch.drawW[i] = max(0, w)
            } else {
                scratch.drawW[i] = site.watts(point: i, terminals: st.currents)
            }
        }

        let lost = r.status == nil || !r.reachable || r.ageS > tunables.pointLostAfterS || bad
        if lost {
            scratch.role[i] = .lost
            // Budgeted at its safe current (or its last draw if higher) on every line of its wiring:
            // unseen, the car may have changed (a 3-phase car where a 1-phase one was learned), or
            // the charger may have left 1-phase mode.
            let lm = site.lineMask(point: i, carMask: site.wiringMask[i])
            for p in 0..<3 {
                let d = scratch.draw[i * 3 + p]
                scratch.budget[i * 3 + p] = lm & (1 << UInt8(p)) != 0 ? SafeBudget.line(safeA: site.safeA[i], lastDrawA: d) : d
            }
            // The charger falls back to its safe current: write again as soon as it is back.
            mem[i].lastWriteAt = nil
            mem[i].lastSentA = site.safeA[i]
            return
        }
        let st = r.status!
        switch st.state {
        case .noCar:
            scratch.role[i] = .inactive; scratch.inactive[i] = .noCar
            mem[i].carMask = 0; mem[i].runningSince = nil; mem[i].waitingSince = nil; mem[i].stoppedAt = nil
            mem[i].notDrawingSince = nil; mem[i].sliderShortSince = nil; mem[i].carMaxA = nil; mem[i].belowSince = nil
            mem[i].carStartA = nil; mem[i].startProbed = nil; mem[i].startProbeAt = nil
            return
        case .error:
            // Told 0, but a charger in error may not listen: whatever it draws stays budgeted.
            scratch.role[i] = .inactive; scratch.inactive[i] = .error
            for p in 0..<3 { scratch.budget[i * 3 + p] = scratch.draw[i * 3 + p] }
            return
        case .connected, .charging:
            break
        }

        // Phase switching chargers: the side they are on now.
        if site.phaseSwitching[i] {
            if let ap = st.activePhases, ap == 1 || ap == 3 { mem[i].activePhases = ap }
            if mem[i].activePhases == nil { mem[i].activePhases = 3 }
        }
        // Learn the terminals the car draws on (per-phase currents while charging).
        let c = st.currents.map { max(0, $0) }
        let mx = max(c.l1, c.l2, c.l3)
        if st.state == .charging && mx >= tunables.learnMinA {
            let thr = max(tunables.learnMinA, tunables.learnShare * mx)
            var mask: UInt8 = 0
            if c.l1 >= thr { mask |= 1 }
            if c.l2 >= thr { mask |= 2 }
            if c.l3 >= thr { mask |= 4 }
            mask &= site.wiringMask[i]
            if site.lineToLine[i] { mask = 1 }
            // In 1-phase mode a switching charger only shows terminal 1: keep what 3-phase taught.
            if mask != 0 && !(site.phaseSwitching[i] && mem[i].activePhases == 1) { mem[i].carMask = mask }
        }

        if mode[i] == .off {
            scratch.role[i] = .inactive; scratch.inactive[i] = .off
            return
        }

        // Running: given at least its minimum last time. After a restart without state, a car
        // found charging at its minimum or more is taken as running.
        var lo = mem[i].carStartA ?? site.minA[i]
        if mem[i].lastSentA == nil && mem[i].runningSince == nil && st.state == .charging && mx >= lo - 1 {
            mem[i].runningSince = now
        }
        let running = mem[i].runningSince != nil && (mem[i].lastSentA ?? lo) >= lo - 1e-9
        if !running { mem[i].runningSince = nil }
        scratch.running[i] = running
        if running {
            scratch.protected[i] = now.timeIntervalSince(mem[i].runningSince!) < tunables.minRunTimeS
            if st.state != .charging || mx < tunables.learnMinA {
                if mem[i].notDrawingSince == nil { mem[i].notDrawingSince = now }
                var idle = now.timeIntervalSince(mem[i].notDrawingSince!) >= tunables.idleAfterS
                if idle && mem[i].startProbeAt != nil {
                    // It did not draw at the step up either: not a matter of current.
                    mem[i].carStartA = nil; mem[i].startProbeAt = nil; lo = site.minA[i]
                } else if idle && mem[i].startProbed != true && (mem[i].lastSentA ?? 0) >= lo - 1e-9,
                          let up = nextStartA(i, above: lo) {
                    if (mem[i].lastSentA ?? 0) >= up - 1e-9 {
                        mem[i].startProbed = true        // offered that much already: not a matter of current
                    } else {
                        // Offered less than the next start current and not drawing: some cars
                        // only start higher. Try it once.
                        mem[i].carStartA = up; mem[i].startProbed = true; mem[i].startProbeAt = now
                        mem[i].notDrawingSince = now; idle = false; lo = up
                    }
                }
                scratch.notDrawing[i] = idle
                mem[i].belowSince = nil
            } else {
                mem[i].notDrawingSince = nil
                mem[i].startProbeAt = nil            // drawing: its start current is confirmed
                // The car's own limit: it keeps drawing clearly less than it is offered.
                let sent = mem[i].lastSentA ?? 0
                if let cap = mem[i].carMaxA, mx >= cap - tunables.carLimitMarginA / 2 {
                    mem[i].carMaxA = nil; mem[i].belowSince = nil          // up at its cap: it may take more
                } else if sent - mx >= tunables.carLimitGapA {
                    if mem[i].belowSince == nil { mem[i].belowSince = now }
                    if now.timeIntervalSince(mem[i].belowSince!) >= tunables.carLimitAfterS {
                        mem[i].carMaxA = max(lo, mx + tunables.carLimitMarginA)
                    }
                } else {
                    mem[i].belowSince = nil
                }
            }
        } else {
            mem[i].notDrawingSince = nil
            mem[i].sliderShortSince = nil
            mem[i].belowSince = nil
            if let s = mem[i].stoppedAt, now.timeIntervalSince(s) < tunables.minPauseS {
                scratch.role[i] = .inactive; scratch.inactive[i] = .paused
                if mem[i].waitingSince == nil { mem[i].waitingSince = now }
                return
            }
            if mem[i].waitingSince == nil { mem[i].waitingSince = now }
        }

        // Stale main meter or board meter above it: hold the minimum (running cars only).
        for a in site.chainStart[i]..<site.chainStart[i + 1] where scratch.levelStale[site.chain[a]] {
            scratch.safeOnly[i] = true
            if scratch.staleLevel[i] < 0 || site.chain[a] == 0 { scratch.staleLevel[i] = site.chain[a] }
        }
        scratch.role[i] = .candidate
    }

    /// What `classify` reads of a point's reading, as a plain value: taken field by field from
    /// the input, so the status (and its error text) is not copied for every point and decision.
    struct ReadingFields {
        struct Status { var state: ChargeState; var currents: PhaseValues; var powerW: Double?; var activePhases: Int? }
        var status: Status?
        var ageS: Double
        var reachable: Bool

        @inline(__always)
        init(_ points: [PointReading], _ i: Int) {
            guard i < points.count else { status = nil; ageS = PointReading.none.ageS; reachable = PointReading.none.reachable; return }
            // Asked through `?.state`, not `status != nil`: that compares two whole optional
            // statuses (Equatable), copying both, for every point and decision.
            if let state = points[i].status?.state {
                status = Status(state: state, currents: points[i].status!.currents,
                                powerW: points[i].status!.powerW, activePhases: points[i].status!.activePhases)
            } else {
                status = nil
            }
            ageS = points[i].ageS
            reachable = points[i].reachable
        }
    }

    /// The next known start current above `a` within the point's maximum, if any.
    func nextStartA(_ i: Int, above a: Double) -> Double? {
        for s in tunables.carStartStepsA where s > a + 1e-9 { return s <= site.maxA[i] + 1e-9 ? s : nil }
        return nil
    }

    /// The minimum current point i is run at: its car's own start current when learned.
    @inline(__always)
    func minA(_ i: Int) -> Double { mem[i].carStartA ?? site.minA[i] }

    /// Remaining protected run time of the cars holding a turn, per priority (for "next turn in").
    func waitingTurnTimes(now: Date) -> [Int: Double] {
        var out: [Int: Double] = [:]
        var anyWaiting = false
        for i in 0..<site.pointCount where scratch.role[i] == .candidate && !scratch.admitted[i] { anyWaiting = true; break }
        guard anyWaiting else { return out }
        for i in 0..<site.pointCount where scratch.admitted[i] && scratch.final[i] > 0 && mode[i] == .auto && !scratch.safeOnly[i] {
            guard let since = mem[i].runningSince else { continue }
            // A turn lasts the minimum run time from the car's start (memory already updated).
            let left = tunables.minRunTimeS - now.timeIntervalSince(since)
            if left > 0 { out[priority[i]] = min(out[priority[i]] ?? .infinity, left) }
        }
        return out
    }
}
