import Foundation

/// Feeds the wiring watch at each decision: the points' statuses read in this round and the
/// meter's lines, only when both are fresh (a stale meter or a lost point would read as a step).
extension SiteLoop {
    func watchWiring(mono: Double, now: Date, safeState: Bool, relaysChanged: Bool) {
        // A heat pump or boiler switched now moves a line while the cars' setpoints move.
        if relaysChanged { wiringWatch.hold(untilMono: mono + 8) }
        guard !safeState, let g = site.grid, let age = site.gridAgeS(mono: mono), age <= 2 else { return }
        let terminals: [PhaseValues?] = site.config.chargepoints.indices.map { i in
            guard let slot = site.pointSlotStorage(configured: i), slot.reachable, let st = slot.status, mono - slot.at <= 2 else {
                return nil
            }
            return st.currents
        }
        for a in wiringWatch.observe(points: terminals, grid: g.meter.currents, mono: mono, now: now) {
            site.record(alert: a)
            out.append(.log(a.active ? .warning : .info, "\(a.active ? "alert" : "cleared"): \(a.text)"))
            out.append(.alert(a))
        }
    }
}
