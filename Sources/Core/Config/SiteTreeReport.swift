/// The text `kwartier check` prints: the fuse tree with limits, meters, points and transports.
public enum SiteTreeReport {
    public static func render(_ c: SiteConfig, ascii: Bool = true) -> String {
        var lines: [String] = []
        let s = c.site
        lines.append("Site \"\(s.name)\" — \(s.network.rawValue) network, \(TextFormat.plain(s.voltage)) V, slider \(TextFormat.plain(s.sliderKW)) kW, start buffer \(TextFormat.plain(s.startBufferA)) A")
        lines.append("")
        func levelLine(_ l: LevelConfig) -> String {
            var limit = "limit \(TextFormat.plain(l.limitA)) A/phase"
            if let f = l.fuseA, f != l.limitA { limit += " (fuse \(TextFormat.plain(f)) A)" }
            if l.marginA > 0 { limit += ", margin \(TextFormat.plain(l.marginA)) A" }
            return "\(l.id) [level \(c.depth(ofLevel: l.id))] \(limit), meter \(meterText(l, c))"
        }
        func walk(_ id: String, prefix: String, isLast: Bool, isRoot: Bool) {
            guard let lvl = c.level(id) else { return }
            let branch = isRoot ? "" : (isLast ? (ascii ? "`-- " : "└── ") : (ascii ? "|-- " : "├── "))
            lines.append(prefix + branch + levelLine(lvl))
            let childPrefix = isRoot ? "" : prefix + (isLast ? "    " : (ascii ? "|   " : "│   "))
            let boards = c.boards.filter { $0.parent == id }
            let points = c.chargepoints.filter { $0.board == id }
            let total = boards.count + points.count
            var i = 0
            for p in points {
                i += 1
                let last = i == total
                let br = last ? (ascii ? "`-- " : "└── ") : (ascii ? "|-- " : "├── ")
                lines.append(childPrefix + br + pointLine(p))
            }
            for b in boards {
                i += 1
                walk(b.id, prefix: childPrefix, isLast: i == total, isRoot: false)
            }
        }
        walk("grid", prefix: "", isLast: true, isRoot: true)
        if !c.meters.isEmpty {
            lines.append("")
            lines.append("Meters:")
            for m in c.meters {
                switch m.kind {
                case let .p1(src, pass, stale):
                    lines.append("  \(m.id): P1 from \(src), stale after \(TextFormat.plain(stale)) s" + (pass.isEmpty ? "" : ", pass-through to \(pass.joined(separator: ", "))"))
                case let .modbus(driver, t, _):
                    lines.append("  \(m.id): \(driver) over \(t)")
                }
            }
        }
        if !c.inverters.isEmpty {
            lines.append("Inverters:")
            for i in c.inverters { lines.append("  \(i.id): \(i.driver) over \(i.transport)") }
        }
        if !c.relays.isEmpty {
            lines.append("Relays:")
            for r in c.relays {
                switch r.kind {
                case .sgReady(let sg):
                    lines.append("  \(r.id): SG-Ready on \(sg.outputs.joined(separator: " (SG0), ")) (SG1); states \(sg.states.map(\.rawValue).joined(separator: "/")); comfort above \(TextFormat.plain(sg.comfortAboveKW)) kW, boost above \(TextFormat.plain(sg.boostAboveKW)) kW; \(sg.preset.rawValue) dwell times")
                case .switched(let sw):
                    lines.append("  \(r.id): switch on \(sw.output), on above \(TextFormat.plain(sw.onAboveKW)) kW" + (sw.timers.isEmpty ? "" : ", timer \(sw.timers.joined(separator: ", "))"))
                }
            }
        }
        if let e = c.energy { lines.append("Energy: \(energyText(e))") }
        let tcp = c.tcpEndpoints
        lines.append("")
        lines.append("\(c.chargepoints.count) charge points, \(tcp.count) of \(c.site.maxTCPConnections) Modbus TCP connections used.")
        return lines.joined(separator: "\n")
    }

    /// The energy manager's mode and what it steers.
    static func energyText(_ e: EnergyConfig) -> String {
        let what: String
        switch e.mode {
        case .plan: what = "the battery follows the plan"
        case .reactive: what = "real-time rules, no plan"
        case .off: what = "battery and inverter left to their own control, nothing written"
        }
        var parts = ["mode \(e.mode.rawValue) (\(what))"]
        if let b = e.battery { parts.append("battery \(TextFormat.plain(b.capacityKWh)) kWh behind \(e.inverter ?? "the first inverter")") }
        if e.mode != .off { parts.append(e.curtail ? "curtails at a negative price" : "never curtails") }
        return parts.joined(separator: ", ")
    }

    static func meterText(_ l: LevelConfig, _ c: SiteConfig) -> String {
        switch l.meter {
        case .remote:
            let v = TextFormat.plain(l.remote?.validityS ?? RemoteLink.defaultValidityS)
            if let hub = l.remote?.hub {
                return "remote: hub \(hub)'s whole tree, its published draw; given the room left as its allowance, renewed every decision, valid \(v) s; budgeted at its safe budget (or its last draw, if higher) when silent"
            }
            let safe = SafeBudget.perLine(c)
            return "remote: the sum of its charge points, limited by the allowance of hub \(l.remote?.parent ?? "?"); without one for \(v) s: the safe budget \(TextFormat.plain(safe.l1))/\(TextFormat.plain(safe.l2))/\(TextFormat.plain(safe.l3)) A"
        case .virtual: return "virtual (sum of its charge points)"
        case .device(let id):
            guard let meter = c.meter(id) else { return id }
            switch meter.kind {
            case .p1: return "\(id) (P1)"
            case .modbus(let d, _, _): return "\(id) (\(d))"
            }
        }
    }

    static func pointLine(_ p: ChargePointConfig) -> String {
        let name = p.name == p.id ? p.id : "\(p.id) \"\(p.name)\""
        var mode = p.mode.rawValue
        if p.priority != 0 { mode += ", priority \(p.priority)" }
        return "\(name) [level 4] \(p.driver), phases \(p.phases) (\(p.phases.chargerPhases)p), \(TextFormat.plain(p.minA))-\(TextFormat.plain(p.maxA)) A, safe \(TextFormat.plain(p.safeA)) A, \(mode), \(p.transport)"
    }
}
