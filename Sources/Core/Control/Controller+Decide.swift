import Foundation

extension Controller {
    /// One decision for every point from the latest readings. See docs/CONTROL.md for the rules.
    public func decide(_ input: ControlInput, now: Date) -> Decision {
        let n = site.pointCount
        let t = tunables

        // 1. Main meter: fresh or stale; feed the quarter tracker.
        let grid = input.grid
        let gridFresh = grid != nil && input.gridAgeS <= site.gridStaleAfterS
        if gridFresh, let g = grid { tracker.ingest(g) }
        var quarter: QuarterStatus? = nil
        var warnings = site.warnings
        if grid != nil, let (q, note) = tracker.status(sliderKW: settings.sliderKW, importPowerW: grid!.meter.powerW) {
            quarter = q
            if let note { warnings.append(note) }
        }
        let powerActive = gridFresh && quarter != nil
        let allowedW = powerActive ? quarter!.allowedKW * 1000 : Double.infinity
        if settings.sliderKW < t.billedFloorKW {
            warnings.append("slider \(fmt1(settings.sliderKW)) kW is below the \(fmt1(t.billedFloorKW)) kW Flanders bills at least")
        }

        // 2. Levels: which board meters are stale or were never read.
        var levelStale = [Bool](repeating: false, count: site.levelCount)
        var levelCurrents = [PhaseValues?](repeating: nil, count: site.levelCount)
        levelCurrents[0] = grid?.meter.currents
        levelStale[0] = !gridFresh
        for l in 1..<max(site.levelCount, 1) where site.levelCount > 1 && !site.levelVirtual[l] {
            let r = l < input.meters.count ? input.meters[l] : .none
            if let m = r.measurement, r.ageS <= site.levelMeterStaleS[l] {
                lastLevelCurrents[l] = m.currents
                levelCurrents[l] = m.currents
            } else {
                levelStale[l] = true
                levelCurrents[l] = r.measurement?.currents ?? lastLevelCurrents[l]
            }
        }

        // 3. Points: role, draw, learned phases, running / protected / paused.
        for i in 0..<n { classify(i, input.points.count > i ? input.points[i] : .none, levelStale: levelStale, now: now) }

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
        var levelBlind = [Bool](repeating: false, count: site.levelCount)
        for l in 0..<site.levelCount {
            fill.cap[l * 3] = site.levelUsableA[l]; fill.cap[l * 3 + 1] = site.levelUsableA[l]; fill.cap[l * 3 + 2] = site.levelUsableA[l]
            if site.levelVirtual[l] && l > 0 {
                for p in 0..<3 { scratch.base[l * 3 + p] = 0 }
            } else if let c = levelCurrents[l] {
                scratch.base[l * 3] = c.l1 - scratch.levelSub[l * 3]
                scratch.base[l * 3 + 1] = c.l2 - scratch.levelSub[l * 3 + 1]
                scratch.base[l * 3 + 2] = c.l3 - scratch.levelSub[l * 3 + 2]
            } else {
                levelBlind[l] = true
                for p in 0..<3 { scratch.base[l * 3 + p] = .infinity }
            }
        }
        var lostW = 0.0
        var carsMeasuredW = 0.0
        for i in 0..<n {
            carsMeasuredW += scratch.drawW[i]
            guard scratch.role[i] == .lost else { continue }
            var sum = 0.0
            for a in site.chainStart[i]..<site.chainStart[i + 1] {
                let b = site.chain[a] * 3
                for p in 0..<3 { scratch.base[b + p] += scratch.budget[i * 3 + p] }
            }
            for p in 0..<3 { sum += scratch.budget[i * 3 + p] }
            lostW += (site.lineToLine[i] ? sum / 2 : sum) * site.voltage
        }
        let gridW = grid?.meter.powerW ?? 0
        let claimW = input.beforeCars.reduce(0) { $0 + max(0, $1.claimW) }
        let claimDrawW = input.beforeCars.reduce(0) { $0 + max(0, $1.drawW) }
        let nonManagedW = gridW - carsMeasuredW - claimDrawW
        scratch.base[P] = nonManagedW + claimW + lostW
        fill.cap[P] = allowedW

        // 5. Admission: who may charge, in order of service.
        admit(powerActive: powerActive, now: now)

        // 6. Sharing: progressive filling tier by tier (manual first, then priorities high to low).
        for k in 0..<K { fill.f[k] = scratch.base[k] }
        fill.resetSaturation()
        var manualPts: [Int] = []
        var autoPts: [Int] = []
        for i in scratch.order where scratch.admitted[i] {
            let lo = fill.lo[i]
            fill.forEachConstraint(i, usePower: true) { k, coef in fill.f[k] += lo * coef }
            if scratch.safeOnly[i] {
                fill.value[i] = lo; fill.bind[i] = ProgressiveFill.bindMax; fill.tier[i] = -1
            } else if mode[i] == .manual {
                fill.tier[i] = Int32.max; manualPts.append(i)
            } else {
                fill.tier[i] = Int32(clamping: priority[i]); autoPts.append(i)
            }
        }
        if !manualPts.isEmpty {
            fill.fill(points: manualPts, tier: Int32.max, usePower: false)
            for i in manualPts { fill.f[P] += (fill.value[i] - fill.lo[i]) * fill.coefW[i] }
        }
        if !autoPts.isEmpty {
            // autoPts is in admission order, which sorts by priority first.
            var s = 0
            while s < autoPts.count {
                let tier = fill.tier[autoPts[s]]
                var e = s
                scratch.tierPoints.removeAll(keepingCapacity: true)
                while e < autoPts.count && fill.tier[autoPts[e]] == tier { scratch.tierPoints.append(autoPts[e]); e += 1 }
                fill.fill(points: scratch.tierPoints, tier: tier, usePower: powerActive)
                s = e
            }
        }

        // 7. Stability, memory, send flags.
        for i in 0..<n { scratch.switched[i] = settle(i, input.points.count > i ? input.points[i] : .none, now: now) }

        // 8. Final loads, explanations, outputs.
        for k in 0..<K { scratch.load[k] = scratch.base[k] }
        var plannedW = lostW, flexibleW = 0.0
        for i in 0..<n where scratch.admitted[i] && scratch.final[i] > 0 {
            let v = scratch.final[i]
            fill.forEachConstraint(i, usePower: true) { k, coef in scratch.load[k] += v * coef }
            plannedW += v * fill.coefW[i]
            if !scratch.safeOnly[i] && mode[i] == .auto { flexibleW += (v - fill.lo[i]) * fill.coefW[i] }
        }
        var points: [PointDecision] = []
        points.reserveCapacity(n)
        let rotationLeft = waitingTurnTimes(now: now)
        for i in 0..<n {
            let r = input.points.count > i ? input.points[i] : .none
            let ex = explain(i, reading: r, gridAgeS: input.gridAgeS, gridKnown: grid != nil, levelBlind: levelBlind,
                             quarter: quarter, rotationLeft: rotationLeft, input: input, now: now)
            let shown = scratch.role[i] == .lost ? site.safeA[i] : scratch.final[i]
            points.append(PointDecision(id: site.pointIds[i], setpointA: shown,
                                        phases: scratch.switched[i] ? scratch.phasesCmd[i] : nil,
                                        explanation: ex, send: scratch.role[i] == .lost ? false : scratch.send[i]))
        }
        var levels: [LevelLoad] = []
        levels.reserveCapacity(site.levelCount)
        for l in 0..<site.levelCount {
            var c = PhaseValues(scratch.load[l * 3], scratch.load[l * 3 + 1], scratch.load[l * 3 + 2])
            if levelBlind[l] {
                c = PhaseValues(scratch.load[l * 3] - scratch.base[l * 3], scratch.load[l * 3 + 1] - scratch.base[l * 3 + 1],
                                scratch.load[l * 3 + 2] - scratch.base[l * 3 + 2])
                if !c.l1.isFinite || !c.l2.isFinite || !c.l3.isFinite { c = .zero }
            }
            levels.append(LevelLoad(id: site.levelIds[l], currents: c, limitA: site.levelLimitA[l]))
        }
        let predictedGridW = gridW - carsMeasuredW + plannedW + (claimW - claimDrawW)
        let consumers = ConsumerBudget(carsPlannedW: plannedW, carsFlexibleW: flexibleW,
                                       surplusAfterCarsW: max(0, -predictedGridW),
                                       headroomAfterCarsW: powerActive ? allowedW - (nonManagedW + claimW + plannedW) : 0)
        lastDecisionAt = now
        return Decision(time: now, points: points, quarter: quarter, levels: levels, safeState: !gridFresh,
                        consumers: consumers, warnings: warnings)
    }
}
