import Foundation

extension ControlEngine {
    /// One decision for every point from the latest readings. See docs/CONTROL.md for the rules.
    mutating func decide(_ input: ControlInput, now: Date) -> Decision {
        let n = site.pointCount
        let L = site.levelCount

        // 1. Main meter: fresh or stale; feed the quarter tracker.
        let grid = input.grid
        // A child hub has no main meter: its grid is its points, limited by the allowance.
        let gridFresh = site.gridRemote || (grid != nil && input.gridAgeS <= site.gridStaleAfterS)
        if gridFresh, let g = grid { tracker.ingest(g) }
        var quarter: QuarterStatus? = nil
        var horizonS = 0.0
        var warnings = site.warnings
        if let g = grid, let (q, note, h) = tracker.status(sliderKW: settings.sliderKW, importPowerW: g.meter.powerW) {
            quarter = q; horizonS = h
            if let note { warnings.append(note) }
        }
        let powerActive = gridFresh && quarter != nil
        let allowedW = powerActive ? quarter!.allowedKW * 1000 : Double.infinity
        if settings.sliderKW < tunables.billedFloorKW {
            warnings.append("slider \(fmt1(settings.sliderKW)) kW is below the \(fmt1(tunables.billedFloorKW)) kW Flanders bills at least")
        }

        // 2. Levels: which board meters are stale or were never read.
        scratch.levelCurrents[0] = grid?.meter.currents
        scratch.levelStale[0] = !gridFresh
        for l in 1..<max(L, 1) where L > 1 {
            scratch.levelStale[l] = false
            scratch.levelCurrents[l] = nil
            if site.levelVirtual[l] { continue }
            let r = l < input.meters.count ? input.meters[l] : .none
            if let m = r.measurement, r.ageS <= site.levelMeterStaleS[l] {
                lastLevelCurrents[l] = m.currents
                scratch.levelCurrents[l] = m.currents
            } else {
                scratch.levelStale[l] = true
                scratch.levelCurrents[l] = r.measurement?.currents ?? lastLevelCurrents[l]
            }
        }

        // 3. Points: role, draw, learned phases, running / protected / paused.
        let np = input.points.count
        scratch.resetPoints()
        fill.resetPoints()
        for i in 0..<n { classify(i, ReadingFields(input.points, i), now: now) }

        // 4. Fixed load per constraint: non-managed part of each level + lost points' budgets.
        let K = site.constraintCount, P = site.powerConstraint
        for k in 0..<K { scratch.levelSub[k] = 0 }
        for i in 0..<n {
            let d0 = scratch.draw[i * 3], d1 = scratch.draw[i * 3 + 1], d2 = scratch.draw[i * 3 + 2]
            if d0 == 0 && d1 == 0 && d2 == 0 { continue }
            for a in site.chainStart[i]..<site.chainStart[i + 1] {
                let b = site.chain[a] * 3
                scratch.levelSub[b] += d0; scratch.levelSub[b + 1] += d1; scratch.levelSub[b + 2] += d2
            }
        }
        for l in 0..<L {
            let u = site.levelUsableA[l]
            fill.cap[l * 3] = u; fill.cap[l * 3 + 1] = u; fill.cap[l * 3 + 2] = u
            scratch.levelBlind[l] = false
            if site.levelVirtual[l] && (l > 0 || site.gridRemote) {
                for p in 0..<3 { scratch.base[l * 3 + p] = 0 }
            } else if let c = scratch.levelCurrents[l] {
                scratch.base[l * 3] = c.l1 - scratch.levelSub[l * 3]
                scratch.base[l * 3 + 1] = c.l2 - scratch.levelSub[l * 3 + 1]
                scratch.base[l * 3 + 2] = c.l3 - scratch.levelSub[l * 3 + 2]
            } else {
                scratch.levelBlind[l] = true
                for p in 0..<3 { scratch.base[l * 3 + p] = .infinity }
            }
        }
        var lostW = 0.0
        var carsMeasuredW = 0.0
        for i in 0..<n {
            carsMeasuredW += scratch.drawW[i]
            // Fixed loads: lost points, and chargers in error (their draw as it is).
            guard scratch.role[i] == .lost || (scratch.role[i] == .inactive && scratch.inactive[i] == .error) else { continue }
            let b0 = scratch.budget[i * 3], b1 = scratch.budget[i * 3 + 1], b2 = scratch.budget[i * 3 + 2]
            for a in site.chainStart[i]..<site.chainStart[i + 1] {
                let b = site.chain[a] * 3
                scratch.base[b] += b0; scratch.base[b + 1] += b1; scratch.base[b + 2] += b2
            }
            lostW += site.budgetWatts(point: i, perLine: (b0, b1, b2))
        }
        // Lines the load Kwartier cannot shed holds over (or within the hysteresis of) their limit.
        var overloads: [LimitOverload] = []
        for l in 0..<L where !scratch.levelBlind[l] && !scratch.levelStale[l] && !(site.levelVirtual[l] && l > 0) {
            for p in 0..<3 where scratch.base[l * 3 + p] > site.levelLimitA[l] - LimitOverload.hysteresisA {
                overloads.append(LimitOverload(level: site.levelIds[l], phase: "L\(p + 1)", amps: scratch.base[l * 3 + p],
                                               limitA: site.levelLimitA[l]))
            }
        }
        holdSafe = site.gridRemote && input.allowanceA == nil
        if site.gridRemote {
            let lim = input.allowanceA ?? site.safeBudget
            fill.cap[0] = min(fill.cap[0], lim.l1); fill.cap[1] = min(fill.cap[1], lim.l2); fill.cap[2] = min(fill.cap[2], lim.l3)
        }
        lostW += addRemoteLoads(input)
        let gridW = grid?.meter.powerW ?? 0
        var claimW = 0.0, claimDrawW = 0.0
        for c in input.beforeCars { claimW += max(0, c.claimW); claimDrawW += max(0, c.drawW) }
        let nonManagedW = gridW - carsMeasuredW - claimDrawW
        scratch.base[P] = nonManagedW + claimW + lostW
        fill.cap[P] = allowedW

        // 5. Admission: who may charge, in order of service.
        planGates = input.carPlan
        if planHeld.count != n { planHeld = Array(repeating: false, count: n) }
        let quarterLeftS = quarter.map { max(0, $0.end.timeIntervalSince(tracker.state.lastTime ?? now)) } ?? 900
        admit(powerActive: powerActive, quarterLeftS: quarterLeftS, now: now)

        // 6. Sharing: progressive filling tier by tier (manual first, then priorities high to low).
        for k in 0..<K { fill.f[k] = scratch.base[k] }
        fill.resetSaturation()
        scratch.manualPts.removeAll(keepingCapacity: true)
        scratch.autoPts.removeAll(keepingCapacity: true)
        for i in scratch.order where scratch.admitted[i] {
            // A car in its grace counts in full here (admission counted only its energy in the
            // quarter): while it holds its minimum nobody rises on the room it will leave.
            fill.addLoad(i, amps: fill.lo[i], usePower: true)
            if scratch.safeOnly[i] {
                fill.value[i] = fill.lo[i]; fill.bind[i] = ProgressiveFill.bindMax; fill.tier[i] = -1
            } else if mode[i] == .manual {
                fill.tier[i] = Int32.max; scratch.manualPts.append(i)
            } else {
                fill.tier[i] = Int32(clamping: priority[i]); scratch.autoPts.append(i)
            }
        }
        if !scratch.manualPts.isEmpty {
            fill.fill(points: scratch.manualPts, tier: Int32.max, usePower: false)
            for i in scratch.manualPts { fill.f[P] += (fill.value[i] - fill.lo[i]) * fill.coefW[i] }
        }
        // autoPts is in admission order, which sorts by priority first: one tier after the other.
        var s = 0
        while s < scratch.autoPts.count {
            let tier = fill.tier[scratch.autoPts[s]]
            var e = s
            scratch.tierPoints.removeAll(keepingCapacity: true)
            while e < scratch.autoPts.count && fill.tier[scratch.autoPts[e]] == tier {
                scratch.tierPoints.append(scratch.autoPts[e]); e += 1
            }
            fill.fill(points: scratch.tierPoints, tier: tier, usePower: powerActive)
            s = e
        }

        // 7. Stability, memory, send flags.
        // The same for every point of this decision.
        let overLimit = gridOverLimit()
        for i in 0..<n {
            let refreshS = i < np ? input.points[i].refreshS : nil, watchdogS = i < np ? input.points[i].watchdogS : nil
            scratch.switched[i] = settle(i, refreshS: refreshS, watchdogS: watchdogS, gridOverLimit: overLimit, now: now)
        }

        // 8. Final loads, explanations, outputs.
        for k in 0..<K { scratch.load[k] = scratch.base[k] }
        var plannedW = lostW, flexibleW = 0.0
        for i in 0..<n where scratch.admitted[i] && scratch.final[i] > 0 {
            let v = scratch.final[i]
            let m = fill.lines[i]
            for a in site.chainStart[i]..<site.chainStart[i + 1] {
                let b = site.chain[a] * 3
                if m & 1 != 0 { scratch.load[b] += v }
                if m & 2 != 0 { scratch.load[b + 1] += v }
                if m & 4 != 0 { scratch.load[b + 2] += v }
            }
            scratch.load[P] += v * fill.coefW[i]
            plannedW += v * fill.coefW[i]
            if !scratch.safeOnly[i] && mode[i] == .auto { flexibleW += (v - fill.lo[i]) * fill.coefW[i] }
        }
        let rotationLeft = waitingTurnTimes(now: now)
        var points: [PointDecision] = []
        points.reserveCapacity(n)
        var gridKnown = false
        if case .some = grid { gridKnown = true }
        let context = ExplainContext(points: input.points, meters: input.meters, gridAgeS: input.gridAgeS, gridKnown: gridKnown,
                                     quarterKW: quarter.map { ($0.targetKW, $0.allowedKW) }, rotationLeft: rotationLeft, now: now)
        for i in 0..<n {
            let key = explainKey(i, context)
            let ex: Explanation
            if memoizeExplanations && key == explainKeys[i] {
                ex = explanations[i]
            } else {
                ex = render(key, point: i)
                explainKeys[i] = key; explanations[i] = ex
            }
            let lost = scratch.role[i] == .lost
            points.append(PointDecision(id: site.pointIds[i], setpointA: lost ? site.safeA[i] : scratch.final[i],
                                        phases: scratch.switched[i] ? scratch.phasesCmd[i] : nil,
                                        explanation: ex, send: lost ? false : scratch.send[i]))
        }
        var levels: [LevelLoad] = []
        levels.reserveCapacity(L)
        for l in 0..<L {
            var c = PhaseValues(scratch.load[l * 3], scratch.load[l * 3 + 1], scratch.load[l * 3 + 2])
            if scratch.levelBlind[l] {
                // Never read: show what the points alone add.
                c = .zero
                for i in 0..<n where scratch.admitted[i] && scratch.final[i] > 0 {
                    var under = false
                    for a in site.chainStart[i]..<site.chainStart[i + 1] where site.chain[a] == l { under = true }
                    if under { let m = fill.lines[i]; let v = scratch.final[i]
                        c += PhaseValues(m & 1 != 0 ? v : 0, m & 2 != 0 ? v : 0, m & 4 != 0 ? v : 0) }
                }
            }
            // A child hub's grid shows the limit in force: the allowance, or its safe budget.
            let limit = l == 0 && site.gridRemote ? min(fill.cap[0], fill.cap[1], fill.cap[2]) : site.levelLimitA[l]
            levels.append(LevelLoad(id: site.levelIds[l], currents: c, limitA: limit))
        }
        let predictedGridW = gridW - carsMeasuredW + plannedW + (claimW - claimDrawW)
        let consumers = ConsumerBudget(carsPlannedW: plannedW, carsFlexibleW: flexibleW,
                                       surplusAfterCarsW: max(0, -predictedGridW),
                                       headroomAfterCarsW: powerActive ? allowedW - (nonManagedW + claimW + plannedW) : 0)
        var uncontrollable: UncontrollableForecast? = nil
        if powerActive, let q = quarter {
            uncontrollable = uncontrollableForecast(q, leftS: horizonS, nonManagedW: nonManagedW, claims: input.beforeCars)
        }
        lastDecisionAt = now
        var decision = Decision(time: now, points: points, quarter: quarter, levels: levels,
                                safeState: site.gridRemote ? input.allowanceA == nil : !gridFresh,
                                consumers: consumers, warnings: warnings, uncontrollable: uncontrollable)
        decision.limitOverloads = overloads
        remoteOutputs(input, into: &decision)
        return decision
    }

    /// The load no decision can shed: the house, devices served before the cars while they draw,
    /// lost points at their budget, manual points at their setpoint (after this decision).
    func uncontrollableForecast(_ q: QuarterStatus, leftS: Double, nonManagedW: Double,
                                claims: [ConsumerClaim]) -> UncontrollableForecast? {
        func pointW(_ i: Int) -> Double {
            if scratch.role[i] == .lost {
                return site.budgetWatts(point: i, perLine: (scratch.budget[i * 3], scratch.budget[i * 3 + 1], scratch.budget[i * 3 + 2]))
            }
            return scratch.admitted[i] && mode[i] == .manual ? scratch.final[i] * fill.coefW[i] : 0
        }
        var total = max(0, nonManagedW)
        for c in claims where c.drawW > 0 { total += c.drawW }
        for i in 0..<site.pointCount { total += pointW(i) }
        // Only worth the words when it will be over (most decisions stop here).
        guard total / 1000 > q.allowedKW else { return nil }
        var parts: [UncontrollableForecast.Part] = [.init(name: "house", kw: max(0, nonManagedW) / 1000)]
        for c in claims where c.drawW > 0 { parts.append(.init(name: c.id, kw: c.drawW / 1000)) }
        for i in 0..<site.pointCount {
            let w = pointW(i)
            if w > 0 { parts.append(.init(name: site.pointIds[i] + (scratch.role[i] == .lost ? " lost" : " manual"), kw: w / 1000)) }
        }
        return UncontrollableForecast.make(quarter: q, leftS: leftS, uncontrollableW: total, parts: parts,
                                           timeZone: tracker.clock.timeZone)
    }
}
