import Foundation

/// Several hubs on one connection: a parent's boards fed by child hubs, a child's allowance.
extension ControlEngine {
    /// A parent hub: each remote board counts its child at its budget (`RemoteHubBudget`). The
    /// meters above it already see what the child draws; they add the rest of the budget, a
    /// virtual level above it the whole. Returns the watts added under the slider.
    mutating func addRemoteLoads(_ input: ControlInput) -> Double {
        var addedW = 0.0
        for l in site.remoteLevels {
            let r = input.remote[l] ?? .unheard
            let b = r.budgetA.values, d = r.drawA.values
            for p in 0..<3 { scratch.base[l * 3 + p] = b[p] }
            var a = site.levelParent[l]
            while a >= 0 {
                let virtual = site.levelVirtual[a] && (a > 0 || site.gridRemote)
                for p in 0..<3 { scratch.base[a * 3 + p] += virtual ? b[p] : max(0, b[p] - d[p]) }
                a = site.levelParent[a]
            }
            // Under the slider: the part of the budget the main meter does not see yet.
            for p in 0..<3 { addedW += max(0, b[p] - d[p]) * site.voltage }
        }
        return addedW
    }

    /// What the decision tells the other hubs: a parent each child's allowance, a child its draw.
    func remoteOutputs(_ input: ControlInput, into d: inout Decision) {
        let want = site.remoteLevels.isEmpty ? [0.0, 0.0, 0.0] : unmetDemand()
        // Room shared by several children is split between them (equal shares of what is left),
        // and what one is given is taken off for the next: two children never get the same ampere.
        var load = scratch.load
        var children = [Int](repeating: 0, count: site.levelCount)
        for l in site.remoteLevels { var a = l; while a >= 0 { children[a] += 1; a = site.levelParent[a] } }
        for l in site.remoteLevels {
            let r = input.remote[l] ?? .unheard
            // The room left on the board and every level above it after this decision…
            var room = [Double](repeating: .infinity, count: 3)
            var a = l
            while a >= 0 {
                let n = Double(max(1, children[a]))
                for p in 0..<3 { room[p] = min(room[p], (fill.cap[a * 3 + p] - load[a * 3 + p]) / n) }
                a = site.levelParent[a]
            }
            // …on top of what the child is counted at. While this hub's own points want more,
            // the child gives back what it does not draw (down to its safe budget, or a step
            // above its draw): that room is theirs once the child applies the lower allowance.
            let b = r.budgetA.values, dr = r.drawA.values, safe = r.safeA.values
            var out = [0.0, 0.0, 0.0]
            for p in 0..<3 {
                let keep = min(b[p], max(dr[p] + tunables.remoteStepA, safe[p]))
                let all = b[p] + (room[p].isFinite ? room[p] : 0)
                out[p] = max(0, max(keep, all - want[p]))
            }
            a = l
            while a >= 0 {
                children[a] -= 1
                for p in 0..<3 { load[a * 3 + p] += max(0, out[p] - b[p]) }
                a = site.levelParent[a]
            }
            d.allowances[site.levelIds[l]] = PhaseValues(out[0], out[1], out[2])
        }
        if site.gridRemote {
            // Measured, or set when more (a car still ramping down draws above its new setpoint,
            // one ramping up will draw up to it).
            d.hubDrawA = PhaseValues(max(scratch.levelSub[0], scratch.load[0]), max(scratch.levelSub[1], scratch.load[1]),
                                     max(scratch.levelSub[2], scratch.load[2]))
        }
    }

    /// Per line, what this hub's own points want beyond this decision: the running ones up to
    /// their maximum, the waiting ones their start current.
    func unmetDemand() -> [Double] {
        var u = [0.0, 0.0, 0.0]
        for i in 0..<site.pointCount where scratch.role[i] == .candidate && !scratch.safeOnly[i] {
            let lines: UInt8, a: Double
            if scratch.admitted[i] {
                lines = fill.lines[i]; a = max(0, fill.hi[i] - scratch.final[i])
            } else {
                let m = mem[i].carMask != 0 ? mem[i].carMask : site.wiringMask[i]
                lines = site.lineMask(point: i, carMask: m); a = minA(i) + tunables.startBufferA
            }
            for p in 0..<3 where lines & (1 << UInt8(p)) != 0 { u[p] += a }
        }
        return u
    }
}
