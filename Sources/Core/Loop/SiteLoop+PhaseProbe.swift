import Foundation

/// Commissioning on the running loop: one point's setpoint is stepped below what the controller
/// decides for it (the decision still budgets the point at its own value, so the fuses and the
/// slider keep their margin; a step up also fits the fullest grid line, the wiring being what is
/// checked), its currents and the meter's lines are recorded at each decision,
/// and at the end the point gets the controller's setpoint back.
extension SiteLoop {
    /// Starts stepping `pointId`; returns why it cannot (unknown point, no car charging).
    public func startPhaseProbe(point pointId: String, options: PhaseProbe.Options = PhaseProbe.Options()) -> String? {
        guard let cp = site.config.chargepoint(pointId), devices.pointIndex(pointId) != nil else {
            return "no charge point '\(pointId)' (points: \(devices.points.map(\.id).joined(separator: ", ")))"
        }
        guard phaseProbe == nil else { return "a phase check is already running on \(phaseProbe!.pointId)" }
        phaseProbe = PhaseProbe(pointId: pointId, configured: cp.phases, options: options)
        phaseReport = nil
        probeSentA = nil
        return nil
    }

    func probeStep(_ k: Int, _ i: Int, _ p: PointDecision, mono: Double) {
        guard var probe = phaseProbe else { return }
        let status = site.pointSlot(p.id)?.status
        if let st = status, let g = site.grid {
            probe.observe(terminals: st.currents, grid: g.meter.currents, mono: mono)
        }
        if let report = probe.report {
            phaseProbe = nil
            phaseReport = report
            probeSentA = nil
            // The controller's own setpoint again.
            write(SetpointWrite(point: i, amps: p.setpointA, phases: p.phases))
            let bad = report.result.matchesConfigured == false
            out.append(.log(bad ? .warning : .notice, report.text))
            out.append(.phasesFound(report))
            return
        }
        // A step up may land on any line: at most the headroom of the fullest one (none without a meter).
        let drawA = status.map { max($0.currents.l1, $0.currents.l2, $0.currents.l3) } ?? 0
        var upTo = drawA
        if let g = site.grid?.meter.currents, site.gridAgeS(mono: mono).map({ $0 < site.controller.site.gridStaleAfterS }) == true {
            upTo += max(0, site.controller.site.levelUsableA[0] - max(abs(g.l1), abs(g.l2), abs(g.l3)))
        }
        let a = probe.setpoint(decided: p.setpointA, minA: site.controller.site.minA[k], upToA: upTo, mono: mono)
        phaseProbe = probe
        if p.send || probeSentA != a {
            probeSentA = a
            write(SetpointWrite(point: i, amps: a, phases: p.phases))
        }
    }
}
