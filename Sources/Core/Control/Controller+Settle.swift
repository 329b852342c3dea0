import Foundation

extension ControlEngine {
    /// A fresh main-meter reading shows a line above the grid fuse (not its margin: the limit).
    func gridOverLimit() -> Bool {
        guard site.levelLimitA.count > 0, !scratch.levelStale[0], let g = scratch.levelCurrents[0] else { return false }
        return max(abs(g.l1), abs(g.l2), abs(g.l3)) > site.levelLimitA[0] + 0.05
    }

    /// Turns the shared-out current into the setpoint to send, with the stability rules:
    /// decreases at once (an overload is cut in the cycle it is seen), at least `minChangeA` at a
    /// time down to the minimum; increases only when at least `increaseHysteresisA` more is
    /// possible, at `rampUpAPerS` counted from when the room appeared (so the first decision that
    /// sees it waits one period: a one-telegram dip of the house load moves nothing); a start
    /// jumps straight to its share. Updates the point's memory (running since, stopped at, last sent) and whether
    /// the setpoint must be written now (changed, phases switched, or the watchdog is due).
    /// Returns true when the decision switches the charger's phases. `refreshS`, `watchdogS`: the
    /// point's reading's; `overLimit`: `gridOverLimit()`,
    /// the same for every point of a decision.
    mutating func settle(_ i: Int, refreshS: Double?, watchdogS: Double?, gridOverLimit overLimit: Bool, now: Date) -> Bool {
        if scratch.role[i] == .lost { scratch.final[i] = 0; return false }
        let lo = minA(i)
        var new = 0.0
        var switched = false
        if scratch.admitted[i] {
            var target = fill.value[i]
            if tunables.setpointStepA > 0 {
                target = max(lo, floorStep(target, tunables.setpointStepA))
            }
            let last = mem[i].lastSentA ?? 0
            let cmd = scratch.phasesCmd[i]
            switched = cmd != 0 && site.phaseSwitching[i] && cmd != (mem[i].activePhases ?? 3)
            scratch.hold[i] = 0
            if !scratch.running[i] || last < lo - 1e-9 || switched {
                new = target
                mem[i].increaseSince = nil
            } else if target < last - 1e-9 {
                new = max(lo, min(target, last - tunables.minChangeA))
                if new > target { new = target }
                mem[i].increaseSince = nil
            } else if overLimit {
                // The meter shows a grid line over its fuse: the model the room was found in does
                // not explain the measurement (a point wired otherwise than configured moves
                // current between lines), so no point rises until the line is back under.
                new = last
                mem[i].increaseSince = nil
                if target - last > 1e-9 { scratch.hold[i] = 2 }
            } else if target - last >= tunables.increaseHysteresisA - 1e-9
                        || (target > last + 1e-9 && mode[i] == .manual) {
                // Ramp from the later of the last change and the moment the room appeared: a room
                // seen for one telegram only (a spike) gives nothing. A manual point ramps all the
                // way to the owner's current: the hysteresis keeps a shared point still, it must
                // not leave a manual one short of what it was given.
                if mem[i].increaseSince == nil { mem[i].increaseSince = now }
                var from = mem[i].increaseSince!
                if let c = mem[i].lastChangeAt, c > from { from = c }
                let reach = last + tunables.rampUpAPerS * max(0, now.timeIntervalSince(from))
                new = min(target, reach)
                if tunables.setpointStepA > 0 { new = max(last, floorStep(new, tunables.setpointStepA)) }
                if new - last < tunables.minChangeA - 1e-9 && new < target - 1e-9 { new = last }
                if new < target - 1e-9 { scratch.hold[i] = 1; scratch.rampTarget[i] = target } else { mem[i].increaseSince = nil }
            } else {
                new = last
                mem[i].increaseSince = nil
                if target - last > 1e-9 { scratch.hold[i] = 2 }
            }
            if new < lo - 1e-9 { new = 0 }
        }
        scratch.final[i] = new
        if new > 0 {
            if mem[i].runningSince == nil { mem[i].runningSince = now }
            mem[i].waitingSince = nil
            mem[i].stoppedAt = nil
        } else {
            if mem[i].runningSince != nil {
                mem[i].stoppedAt = now
                mem[i].runningSince = nil
            }
            if scratch.role[i] == .candidate, mem[i].waitingSince == nil { mem[i].waitingSince = now }
        }
        let changed = mem[i].lastSentA == nil || abs(new - mem[i].lastSentA!) > 1e-6 || switched
        let refresh = refreshS.map { max(1, $0) } ?? watchdogS.map { max(1, $0 / 2) } ?? tunables.refreshS
        let due = mem[i].lastWriteAt.map { now.timeIntervalSince($0) >= refresh } ?? true
        scratch.send[i] = changed || due
        if scratch.send[i] { mem[i].lastWriteAt = now }
        if changed { mem[i].lastChangeAt = now; mem[i].lastSentA = new }
        if switched { mem[i].activePhases = scratch.phasesCmd[i]; mem[i].lastSwitchAt = now }
        return switched
    }
}

/// Floors to a multiple of `step` (divided, not multiplied, so 101 steps of 0.1 A print as 10.1).
@inline(__always)
func floorStep(_ x: Double, _ step: Double) -> Double {
    let inv = 1 / step
    return (x * inv + 1e-9).rounded(.down) / inv
}
