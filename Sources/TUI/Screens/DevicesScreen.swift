import KwartierCore

/// Screen 4: communication health — the P1 meter's statistics, then one row per device with
/// its status, round-trip times, request and failure counters, bytes and last error.
enum DevicesScreen {
    static func draw(_ c: inout Canvas, _ r: Rect, _ s: SiteSnapshot, _ st: UIState, _ mem: inout ViewMemory) {
        let (p1R, rest) = r.splitTop(3)
        let p1In = Box.draw(&c, p1R, title: "P1 main meter")
        let state: Light.State = s.grid.ageS == nil ? .off : s.grid.stale ? .error : .on
        var x = Light.draw(&c, x: p1In.x, y: p1In.y, label: "", state, clip: p1In)
        x = c.text(x, p1In.y, s.grid.ageS == nil ? " no telegram yet" : s.grid.stale ? " STALE" : " OK", s.grid.stale ? .crit : .ok, clip: p1In)
        let fields: [(String, String)] = [("age", TextFormat.age(s.grid.ageS)), ("telegrams", "\(s.grid.telegrams)"),
                                          ("CRC failures", "\(s.grid.crcFailures)")]
        for (k, v) in fields {
            x = c.text(x, p1In.y, "  " + k + " ", .label, clip: p1In)
            x = c.text(x, p1In.y, v, k == "CRC failures" && s.grid.crcFailures > 0 ? .warn : .value, clip: p1In)
        }
        if let v = s.grid.voltages {
            x = c.text(x, p1In.y, "  V ", .label, clip: p1In)
            c.text(x, p1In.y, [v.l1, v.l2, v.l3].map { String(Int($0.rounded())) }.joined(separator: "/"), .value, clip: p1In)
        }

        let (detailR, tableR) = rest.splitBottom(2)
        let rows = s.devices.enumerated().map { (i, d) -> Table.Row in
            // A charger whose own safe current differs from its safe_a: shown in place of the
            // last error (the charger would break the fuse budget exactly when the hub is gone).
            let safeProblem = d.safeCurrentProblem == true ? d.safeCurrent : nil
            return Table.Row([i == st.selectedDevice ? String(c.glyphs.selector) : "", d.id, d.status.rawValue,
                              Fmt.ms(d.rttP50Ms), Fmt.ms(d.rttP99Ms), "\(d.requests)", "\(d.failures)",
                              Fmt.bytes(d.txBytes), Fmt.bytes(d.rxBytes), d.lastError ?? safeProblem ?? ""],
                             roles: [.normal, .label, role(d.status), .value, .value, .normal, d.failures > 0 ? .warn : .normal,
                                     .normal, .normal, d.lastError == nil && safeProblem != nil ? .warn : .dim])
        }
        let t = Table(columns: [Table.Column("", 1), Table.Column("Device", 10), Table.Column("Status", 7),
                                Table.Column("p50ms", 5, .right), Table.Column("p99ms", 5, .right),
                                Table.Column("Req", 7, .right), Table.Column("Fail", 5, .right),
                                Table.Column("TX", 6, .right), Table.Column("RX", 6, .right),
                                Table.Column("Last error", 10, flex: true)],
                      rows: rows, selected: s.devices.isEmpty ? nil : st.selectedDevice)
        mem.devicesTop = t.draw(&c, tableR, top: mem.devicesTop)
        c.hline(detailR.x, detailR.y, detailR.w, c.glyphs.h, .frame)
        if st.selectedDevice < s.devices.count {
            let d = s.devices[st.selectedDevice]
            let bus = d.bus.map { " on \($0)" } ?? ""
            c.textFit(detailR, dx: 1, row: 1, "\(d.id): \(d.description)\(bus)" + (d.safeCurrent.map { "; \($0)" } ?? "")
                      + (d.lastError.map { "; last error: \($0)" } ?? ""), d.safeCurrentProblem == true ? .warn : .label)
        }
    }

    static func role(_ s: DeviceHealth.Status) -> Role {
        switch s { case .ok: return .ok; case .slow: return .warn; case .failing, .lost: return .crit }
    }
}
