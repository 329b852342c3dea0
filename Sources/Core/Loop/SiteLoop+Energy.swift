import Foundation

/// The home energy manager in the loop (`LoopEnergy`): prices in, the battery setpoint and PV
/// limit out to the inverter after each decision — the decision (fuses, slider) comes first,
/// and the battery's dispatch yields to it (never above the slider, never while a car charges).
extension SiteLoop {
    func pricesArrived(_ u: PriceUpdate) {
        if let p = u.series { carPlans.prices = p }
        guard energy != nil else {
            raise(LoopEnergy.sourceAlert("prices", u.problem, &carPlans.priceProblem, now: clock.now))
            return
        }
        raise(energy!.pricesArrived(u, now: clock.now))
    }

    func weatherArrived(_ u: WeatherUpdate) {
        guard energy != nil else { return }
        raise(energy!.weatherArrived(u, now: clock.now))
    }

    func raise(_ a: AlertEvent?) {
        guard let a else { return }
        site.record(alert: a)
        out.append(.log(a.active ? .warning : .info, "\(a.active ? "alert" : "cleared"): \(a.text)"))
        out.append(.alert(a))
    }

    func inverterControlled(_ i: Int, _ r: Result<InverterSetting, DeviceFailure>) {
        guard energy?.inverter == i else { return }
        if let (level, text) = energy!.answered(r, mono: clock.mono) { out.append(.log(level, text)) }
    }

    /// After a decision: what the inverter should do now, written when it changed.
    func steerEnergy(_ d: Decision, now: Date, mono: Double) {
        guard let e = energy else { return }
        let before = LoopEnergy.kind(e.sent)
        energy!.setCars(readyCars(now: now))
        guard let s = energy!.step(now: now, mono: mono, reading: energyReading(d, mono: mono), sliderKW: site.settings.sliderKW) else { return }
        if LoopEnergy.kind(s) != before { out.append(.log(.notice, "energy: \(LoopEnergy.describe(s))")) }
        out.append(.controlInverter(e.inverter, s))
    }

    /// The plan as the snapshot and status.json show it; nil without an energy manager.
    public func planView(now: Date) -> PlanView? {
        energy.map { PlanView.of($0.controller, now: now) }
    }

    /// Connected cars whose point has a ready-by time, with what is left to charge this session.
    func readyCars(now: Date) -> [CarDemand] {
        var cars: [CarDemand] = []
        for cp in site.config.chargepoints {
            guard let r = site.settings.points[cp.id]?.readyBy, let st = site.pointSlot(cp.id)?.status,
                  st.state == .connected || st.state == .charging else { continue }
            let left = max(0, r.energyKWh - (st.sessionKWh ?? 0))
            guard left > 0 else { continue }
            cars.append(CarDemand(pointId: cp.id, deadline: r.deadline(after: now, timeZone: calendar.timeZone), energyKWh: left,
                                  maxKW: cp.maxA * Double(cp.phases.chargerPhases) * site.config.site.voltage / 1000))
        }
        return cars
    }

    /// The meter and the battery's inverter as the energy manager reads them; nil when either is
    /// not fresh (the meter stale: the decision is in its safe state; the inverter silent 30 s).
    func energyReading(_ d: Decision, mono: Double) -> HomeEnergyController.Reading? {
        guard let e = energy, !d.safeState, let g = site.grid, let (m, at) = site.inverter(e.inverterId), mono - at <= 30 else { return nil }
        if e.controller.battery != nil && m.batterySoCPercent == nil { return nil }
        return HomeEnergyController.Reading(gridW: g.meter.powerW, batteryW: m.batteryPowerW ?? 0, carW: site.chargeParkW(),
                                           pvW: m.pvPowerW, socPercent: m.batterySoCPercent ?? 0,
                                           monthPeakKW: d.quarter?.monthPeakKW ?? 0,
                                           // Grid charging spends what the running quarter has left, as in the simulation.
                                           quarterAllowedKW: d.quarter?.allowedKW)
    }
}
