import Foundation

/// Charging sessions: one per car visit, from the first status with a car plugged in to the
/// first without.
extension SiteLoop {
    /// Sessions the history holds as still open (the hub stopped while cars were plugged in):
    /// the first status of each point tells whether the car is still there (the session goes on)
    /// or left meanwhile (it ends when the hub last saw the car). Call before `.start`.
    public func resumeSessions(_ open: [ChargingSession]) {
        for s in open where s.end == nil && devices.pointIndex(s.point) != nil {
            book.sessions[s.point] = SessionTrack(record: s, lastTime: clock.now, idleOfferedSince: nil, resumed: true)
        }
    }

    /// The sessions open now (for tests and the dashboard).
    public var openSessions: [ChargingSession] { book.sessions.keys.sorted().map { book.sessions[$0]!.record } }

    func followSession(_ id: String, device i: Int, _ st: ChargePointStatus, at t: Date) {
        // A charger in error says nothing about the car: the session stays as it is.
        if st.state == .error { return }
        let plugged = st.state != .noCar
        guard var s = book.sessions[id] else {
            guard plugged else { return }
            var rec = ChargingSession(point: id, start: t, startRegisterKWh: st.energyKWh.flatMap { $0.isFinite ? $0 : nil })
            update(&rec, st)
            book.sessions[id] = SessionTrack(record: rec, lastTime: t, idleOfferedSince: nil, resumed: false)
            out.append(.recordSession(rec))
            return
        }
        if s.resumed {
            s.resumed = false
            if !plugged {
                // The car left while the hub was down: the session ended when last seen.
                end(&s, reason: .carLeft, at: s.record.lastSeen)
                book.sessions[id] = nil
                return
            }
            // Going on: no integration across the hub's downtime.
            s.lastTime = t
        }
        if !plugged {
            let reason: SessionEnd
            if site.settings.points[id]?.mode == .off {
                reason = .stoppedByOwner
            } else if let idle = s.idleOfferedSince, t.timeIntervalSince(idle) >= HistoryBook.fullAfterS {
                reason = .full
            } else {
                reason = .carLeft
            }
            end(&s, reason: reason, at: t)
            book.sessions[id] = nil
            return
        }
        // Energy: the register since the start when the charger has one, else power x time.
        if let e = st.energyKWh, e.isFinite, let e0 = s.record.startRegisterKWh, e >= e0 {
            s.record.kwh = e - e0
        } else if s.record.startRegisterKWh == nil {
            let dt = t.timeIntervalSince(s.lastTime)
            let p = st.powerW ?? st.currents.sum * site.config.site.voltage
            if dt > 0, dt <= HistoryBook.maxGapS, p.isFinite, p > 0 { s.record.kwh += p * dt / 3_600_000 }
        }
        s.lastTime = t
        update(&s.record, st)
        let drawing = st.currents.max > 1
        let lastSentA = decisionOfDevice[i].flatMap { site.controller.lastSentA(point: $0) }
        let offered = (lastSentA ?? 0) >= 1
        if drawing {
            s.idleOfferedSince = nil
            if s.record.startA == nil { s.record.startA = lastSentA ?? st.currents.max }
        } else if offered && s.record.kwh > 0 {
            s.idleOfferedSince = s.idleOfferedSince ?? t
        } else {
            s.idleOfferedSince = nil
        }
        s.record.lastSeen = t
        book.sessions[id] = s
    }

    func update(_ r: inout ChargingSession, _ st: ChargePointStatus) {
        let c = st.currents
        r.peakA = max(r.peakA, c.max.isFinite ? c.max : 0)
        r.phases = max(r.phases, (c.l1 > 1 ? 1 : 0) + (c.l2 > 1 ? 1 : 0) + (c.l3 > 1 ? 1 : 0))
    }

    func end(_ s: inout SessionTrack, reason: SessionEnd, at t: Date) {
        s.record.end = t
        s.record.endReason = reason
        out.append(.recordSession(s.record))
    }
}
