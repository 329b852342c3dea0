import Foundation

/// A car's "ready by" plan in the balancer (`ControlInput.carPlan`, from `CarPlanFollower`):
/// the real-time rules stay the authority — fuses and the slider first, then the plan. Only a
/// point in `auto` follows it: a manual point keeps its manual current, and priority orders the
/// points within the quarters they may charge in (it does not lift a hold).
extension ControlEngine {
    /// The gate of point i in this decision (`free` for a point without one, or not in auto).
    @inline(__always)
    func planGate(_ i: Int) -> CarPlanGate.Action {
        guard i < planGates.count, mode[i] == .auto else { return .free }
        return planGates[i].action
    }

    /// Whether the plan holds point i now. A running car inside its minimum run time keeps its
    /// turn (min-on), unless its energy is in; a stopped car then waits its minimum pause as
    /// after any stop.
    func planHolds(_ i: Int) -> Bool {
        switch planGate(i) {
        case .done: return true
        case .hold: return !(scratch.running[i] && scratch.protected[i])
        case .free, .charge: return false
        }
    }

    /// The plan's power for point i in a planned quarter, as a current on its `coef` W/A (never
    /// below its minimum: a car charges at its minimum or not at all); nil when none.
    func planCapA(_ i: Int, coef: Double, minA: Double) -> Double? {
        guard case .charge(let w) = planGate(i), coef > 0 else { return nil }
        return max(minA, w / coef)
    }
}
