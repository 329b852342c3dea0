import Foundation

/// Feeds the wiring watch at each decision: the points' statuses read in this round and the
/// meter's lines, only when both are fresh (a stale meter or a lost point would read as a step).
extension SiteLoop {
    func watchWiring(mono: Double, now: Date, safeState: Bool, relaysChanged: Bool) {
        // A heat pump or boiler switched now moves a line while the cars' setpoints move.
        if relaysChanged { wiringWatch.hold(untilMono: mono + 8) }
        guard !safeState, let g = site.grid, let age = site.gridAgeS(mono: mono), age <= 2 else { return }
        // Into a list kept from decision to decision (not a new one each time).
        let n = site.config.chargepoints.count
        if wiringTerminals.count != n { wiringTerminals = Array(repeating: nil, count: n) }
        for i in 0..<n {
            if let at = site.pointSlotAt(configured: i), mono - at <= 2 {
                wiringTerminals[i] = site.pointSlotCurrents(configured: i)
            } else {
                wiringTerminals[i] = nil
            }
        }
        for a in wiringWatch.observe(points: wiringTerminals, grid: g.meter.currents, mono: mono, now: now) {
            site.record(alert: a)
            out.append(.log(a.active ? .warning : .info, "\(a.active ? "alert" : "cleared"): \(a.text)"))
            out.append(.alert(a))
        }
    }
}
