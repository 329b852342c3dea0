import Foundation

/// Cars "ready by 07:00 with 30 kWh" in the loop: before each decision, every point with a
/// ready-by target and an open session gets its gate from `CarPlanFollower` (charge in the
/// planned quarters, held in the others), which the balancer applies under the fuses and the
/// slider. Without fresh prices every gate is free: the car charges as it would without a plan.
extension SiteLoop {
    func planCars(now: Date) {
        // Most sites have no target: no per-point look-ups then.
        guard carPlans.planning || site.anyReadyBy else {
            if !site.carPlan.isEmpty { site.carPlan = [] }
            return
        }
        let s = site.settings
        var cars: [CarPlanFollower.Car] = []
        for (i, cp) in site.config.chargepoints.enumerated() {
            guard let r = s.points[cp.id]?.readyBy, let track = book.sessions[cp.id] else { continue }
            cars.append(CarPlanFollower.Car(pointId: cp.id, readyBy: r, sessionStart: track.record.start,
                                            deliveredKWh: track.record.kwh, maxKW: maxKW(i, phases: track.record.phases)))
        }
        guard !cars.isEmpty || carPlans.planning else {
            if !site.carPlan.isEmpty { site.carPlan = [] }
            return
        }
        carPlans.sliderKW = s.sliderKW
        if let g = site.grid { carPlans.houseKW = max(0, g.meter.powerW - site.chargeParkW()) / 1000 }
        let (gates, alerts) = carPlans.gates(cars, now: now)
        site.carPlan = gates.isEmpty ? [] : site.controller.site.pointIds.map { gates[$0] ?? .free }
        for a in alerts { raise(a) }
    }

    /// The most point i's car can take (kW): its maximum on the phases the session's car drew on
    /// (all of the point's until it has drawn).
    func maxKW(_ i: Int, phases: Int) -> Double {
        let cs = site.controller.site
        guard i < cs.pointCount else { return 0 }
        let mask: UInt8 = phases == 1 ? 1 : phases == 2 ? 3 : cs.wiringMask[i]
        return cs.maxA[i] * cs.wattsPerAmp(point: i, carMask: mask) / 1000
    }
}
