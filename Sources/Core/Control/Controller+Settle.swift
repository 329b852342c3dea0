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
        var m = mem[i]
        let lo = minA(i)
        var new = 0.0
        var switched = false
        if scratch.admitted[i] {
            var target = fill.value[i]
            if tunables.setpointStepA > 0 {
                target = max(lo, floorStep(target, tunables.setpointStepA))
            }
            let last = m.lastSentA ?? 0
            let cmd = scratch.phasesCmd[i]
            switched = cmd != 0 && site.phaseSwitching[i] && cmd != (m.activePhases ?? 3)
            scratch.hold[i] = 0
            if !scratch.running[i] || last < lo - 1e-9 || switched {
                new = target
                m.increaseSince = nil
            } else if target < last - 1e-9 {
                new = max(lo, min(target, last - tunables.minChangeA))
                if new > target { new = target }
                m.increaseSince = nil
            } else if overLimit {
                // The meter shows a grid line over its fuse: the model the room was found in does
                // not explain the measurement (a point wired otherwise than configured moves
                // current between lines), so no point rises until the line is back under.
                new = last
                m.increaseSince = nil
                if target - last > 1e-9 { scratch.hold[i] = 2 }
            } else if target - last >= tunables.increaseHysteresisA - 1e-9
                        || (target > last + 1e-9 && mode[i] == .manual) {
                // Ramp from the later of the last change and the moment the room appeared: a room
                // seen for one telegram only (a spike) gives nothing. A manual point ramps all the
                // way to the owner's current: the hysteresis keeps a shared point still, it must
                // not leave a manual one short of what it was given.
                if m.increaseSince == nil { m.increaseSince = now }
                var from = m.increaseSince!
                if let c = m.lastChangeAt, c > from { from = c }
                let reach = last + tunables.rampUpAPerS * max(0, now.timeIntervalSince(from))
                new = min(target, reach)
                if tunables.setpointStepA > 0 { new = max(last, floorStep(new, tunables.setpointStepA)) }
                if new - last < tunables.minChangeA - 1e-9 && new < target - 1e-9 { new = last }
                if new < target - 1e-9 { scratch.hold[i] = 1; scratch.rampTarget[i] = target } else { m.increaseSince = nil }
            } else {
                new = last
                m.increaseSince = nil
                if target - last > 1e-9 { scratch.hold[i] = 2 }
            }
            if new < lo - 1e-9 { new = 0 }
        }
        scratch.final[i] = new
        if new > 0 {
            if m.runningSince == nil { m.runningSince = now }
            m.waitingSince = nil
            m.stoppedAt = nil
        } else {
            if m.runningSince != nil {
                m.stoppedAt = now
                m.runningSince = nil
            }
            if scratch.role[i] == .candidate, m.waitingSince == nil { m.waitingSince = now }
        }
        let changed = m.lastSentA == nil || abs(new - m.lastSentA!) > 1e-6 || switched
        let refresh = refreshS.map { max(1, $0) } ?? watchdogS.map { max(1, $0 / 2) } ?? tunables.refreshS
        let due = m.lastWriteAt.map { now.timeIntervalSince($0) >= refresh } ?? true
        scratch.send[i] = changed || due
        if scratch.send[i] { m.lastWriteAt = now }
        if changed { m.lastChangeAt = now; m.lastSentA = new }
        if switched { m.activePhases = scratch.phasesCmd[i]; m.lastSwitchAt = now }
        mem[i] = m
        return switched
    }
}

/// Floors to a multiple of `step` (divided, not multiplied, so 101 steps of 0.1 A print as 10.1).
@inline(__always)
func floorStep(_ x: Double, _ step: Double) -> Double {
    let inv = 1 / step
    return (x * inv + 1e-9).rounded(.down) / inv
}
