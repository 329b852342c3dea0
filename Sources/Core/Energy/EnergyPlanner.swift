import Foundation

/// Plans the battery per quarter hour: a dynamic programme over its state of charge (a grid of
/// `socStepKWh`) that minimises the energy bill plus the capacity-tariff cost of a new month peak.
///
/// The month peak is not additive over quarters, so the programme runs once per candidate peak
/// cap (the month's peak so far, then steps of `capStepKW` up to the slider): charging may not
/// take a quarter above the cap, and a quarter the uncontrolled load takes above it pays the
/// tariff on the excess, which makes discharging there worth it. Each candidate plan is then
/// priced exactly (energy plus the tariff on its real peak) and the cheapest wins; ties go to
/// the lower cap. Small enough to run in milliseconds for 36 hours.
public struct EnergyPlanner: Sendable {
    public var battery: HomeBattery
    /// The real-time slider: charging never plans above it.
    public var sliderKW: Double
    public var tariff: CapacityTariff?
    /// Export can be limited (the inverter has a controllable power limit).
    public var canCurtail: Bool
    public var socStepKWh: Double
    public var capStepKW: Double
    /// What a kWh left in the battery at the horizon is worth (€); nil = the horizon's mean take
    /// price times the discharge efficiency (so the plan does not empty the battery for nothing).
    public var endValueEURPerKWh: Double?

    public init(battery: HomeBattery, sliderKW: Double, tariff: CapacityTariff? = nil, canCurtail: Bool = true,
                socStepKWh: Double = 0.25, capStepKW: Double = 0.25, endValueEURPerKWh: Double? = nil) {
        self.battery = battery; self.sliderKW = sliderKW; self.tariff = tariff; self.canCurtail = canCurtail
        self.socStepKWh = socStepKWh; self.capStepKW = capStepKW; self.endValueEURPerKWh = endValueEURPerKWh
    }

    /// The plan from `socKWh` now over `quarters`, in a month whose peak so far is `monthPeakKW`.
    public func plan(quarters: [QuarterForecast], socKWh: Double, monthPeakKW: Double) -> EnergyPlan {
        let floorKW = min(sliderKW, max(monthPeakKW, tariff?.minimumKW ?? 0))
        var caps = [floorKW]
        if tariff != nil {
            var c = floorKW + capStepKW
            while c < sliderKW - 1e-9 { caps.append(c); c += capStepKW }
            if sliderKW > floorKW + 1e-9 { caps.append(sliderKW) }
        } else {
            caps = [sliderKW]
        }
        var best: EnergyPlan?
        for cap in caps {
            let p = solve(quarters: quarters, socKWh: socKWh, capKW: cap, monthPeakKW: monthPeakKW)
            if best == nil || p.totalCostEUR - p.storedValueEUR < best!.totalCostEUR - best!.storedValueEUR - 1e-9 { best = p }
        }
        return best!
    }

    /// The quarter's energy cost (€) for a grid energy of `gridKWh`; a surplus at a negative
    /// injection price is curtailed when the inverter can be limited.
    func energyCost(_ gridKWh: Double, _ q: QuarterForecast) -> Double {
        if gridKWh >= 0 { return gridKWh * q.takePrice }
        if q.injectPrice < 0 && canCurtail { return 0 }
        return gridKWh * q.injectPrice
    }

    func solve(quarters: [QuarterForecast], socKWh: Double, capKW: Double, monthPeakKW: Double) -> EnergyPlan {
        let b = battery
        let lo = b.minKWh, hi = max(b.minKWh, b.maxKWh)
        let n = Int(((hi - lo) / socStepKWh + 1e-9).rounded(.down)) + 1
        func level(_ i: Int) -> Double { lo + Double(i) * socStepKWh }
        let s0 = max(lo, min(hi, socKWh))
        let rate = tariff?.eurPerKWMonth ?? 0
        let endValue = endValueEURPerKWh
            ?? (quarters.isEmpty ? 0 : quarters.map(\.takePrice).reduce(0, +) / Double(quarters.count) * b.dischargeEfficiency)
        let maxUp = b.maxChargeKW * 0.25 * b.chargeEfficiency
        let maxDown = b.maxDischargeKW * 0.25 / b.dischargeEfficiency
        let T = quarters.count
        // value[t][i]: the cheapest cost from quarter t on, starting it at level i; between
        // levels it is interpolated, so the plan can follow the load exactly (self-consumption)
        // even where that is less than one level per quarter.
        var value = [[Double]](repeating: [], count: T + 1)
        value[T] = (0..<n).map { -(level($0) - s0) * endValue }
        func interp(_ v: [Double], _ soc: Double) -> Double {
            let x = (soc - lo) / socStepKWh
            let k = max(0, min(n - 1, Int(x.rounded(.down))))
            guard k < n - 1 else { return v[n - 1] }
            let f = x - Double(k)
            return v[k] * (1 - f) + v[k + 1] * f
        }
        /// The cheapest move from `soc` in quarter `t`: (cost including what follows, SoC after, AC kWh).
        func best(_ t: Int, _ soc: Double, _ next: [Double]) -> (Double, Double, Double) {
            let q = quarters[t]
            let loadKWh = (q.baseKW + q.carKW) * 0.25
            let coverKWh = max(0, (b.mayFeedCars ? q.baseKW + q.carKW : q.baseKW) * 0.25)
            let surplusKWh = max(0, -loadKWh)
            var targets: [Double] = []
            let upTo = min(hi, soc + maxUp), downTo = max(lo, soc - maxDown)
            var k = max(0, Int(((downTo - lo) / socStepKWh - 1e-9).rounded(.up)))
            while k < n && level(k) <= upTo + 1e-9 { targets.append(level(k)); k += 1 }
            targets.append(soc)                                                         // idle
            targets.append(min(upTo, soc + surplusKWh * b.chargeEfficiency))            // store the surplus
            targets.append(max(downTo, soc - coverKWh / b.dischargeEfficiency))         // cover the load
            var out = (Double.infinity, soc, 0.0)
            for s1 in targets {
                let delta = s1 - soc
                let ac = delta >= 0 ? delta / b.chargeEfficiency : delta * b.dischargeEfficiency
                if ac < 0 && -ac > coverKWh + 1e-9 { continue }
                let grid = loadKWh + ac
                let gridKW = grid * 4
                if ac > 0 && grid > 0 && gridKW > capKW + 1e-9 { continue }
                var c = energyCost(grid, q) + abs(ac) * 1e-7
                if gridKW > capKW { c += (gridKW - capKW) * rate }
                c += interp(next, s1)
                if c < out.0 - 1e-12 { out = (c, s1, ac) }
            }
            return out
        }
        for t in stride(from: T - 1, through: 0, by: -1) {
            value[t] = (0..<n).map { best(t, level($0), value[t + 1]).0 }
        }
        var steps: [PlanStep] = []
        var soc = s0, energy = 0.0, peak = 0.0
        for t in 0..<T {
            let q = quarters[t]
            let (_, s1, ac) = best(t, soc, value[t + 1])
            let raw = (q.baseKW + q.carKW) * 0.25 + ac
            let curtail = raw < 0 && q.injectPrice < 0 && canCurtail
            let grid = curtail ? 0 : raw
            energy += energyCost(raw, q)
            peak = max(peak, grid * 4)
            steps.append(PlanStep(start: q.start, takePrice: q.takePrice, injectPrice: q.injectPrice, baseKW: q.baseKW, carKW: q.carKW,
                                  batteryKW: ac * 4, gridKW: grid * 4, socKWh: s1, curtail: curtail))
            soc = s1
        }
        let capacity = tariff?.costOfRaising(from: monthPeakKW, to: peak) ?? 0
        return EnergyPlan(steps: steps, energyCostEUR: energy, capacityCostEUR: capacity, peakKW: peak, capKW: capKW,
                          storedValueEUR: (soc - s0) * endValue)
    }
}
