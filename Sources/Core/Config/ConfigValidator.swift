import Foundation

/// Cross-checks of a parsed configuration: references, the fuse tree, addresses, connection count.
struct ConfigValidator {
    let config: SiteConfig
    let ctx: ConfigContext
    let knownDrivers: Set<String>

    func validate() {
        checkUniqueIDs()
        checkLevelMeters()
        checkTree()
        checkChargePoints()
        checkAddresses()
        checkTCPConnections()
        checkRelays()
        checkOCPP()
        checkMQTTIDs()
        checkRemote()
    }

    /// Reports at the key's own line when the file has it, else at the entry's line.
    func err(_ line: Int, _ key: String, _ msg: String, _ fix: String) {
        ctx.error(ctx.line(of: key, fallback: line), key, msg, fix: fix)
    }

    func checkUniqueIDs() {
        var seen: [String: (String, Int)] = ["grid": ("grid", config.grid.line)]
        func claim(_ id: String, _ section: String, _ line: Int) {
            if let (first, l) = seen[id] {
                err(line, "\(section).\(id)", "duplicate id '\(id)' (also used by \(first) on line \(l))",
                    "give the \(section.dropLast(section.hasSuffix("s") ? 1 : 0)) its own id")
            } else { seen[id] = (section, line) }
        }
        for b in config.boards { claim(b.id, "boards", b.line) }
        for c in config.chargepoints { claim(c.id, "chargepoints", c.line) }
    }

    func checkLevelMeters() {
        for lvl in config.levels {
            let key = lvl.parent == nil ? "grid.meter" : "boards.\(lvl.id).meter"
            switch lvl.meter {
            case .device(let id):
                if config.meter(id) == nil {
                    let hint = nearest(id, in: config.meters.map(\.id) + ["virtual"]).map { "did you mean '\($0)'? " } ?? ""
                    err(lvl.line, key, "unknown meter '\(id)'", "\(hint)define it under `meters:` or use `virtual`")
                }
            case .remote:
                break       // checkRemote
            case .virtual:
                if lvl.unmanagedKW != nil {
                    err(lvl.line, lvl.parent == nil ? "grid" : "boards.\(lvl.id)",
                        "measured by a virtual meter but declares non-managed consumers",
                        "a virtual meter only sums the charge points and cannot see other loads: give this level a real meter")
                }
            }
        }
    }

    func checkTree() {
        let ids = config.levels.map(\.id)
        for b in config.boards {
            guard let p = b.parent else { continue }
            guard let parent = config.level(p) else {
                let hint = nearest(p, in: ids.filter { $0 != b.id }).map { "did you mean '\($0)'? " } ?? ""
                err(b.line, "boards.\(b.id).parent", "unknown parent '\(p)'", "\(hint)use `grid` or a board id defined under `boards:`")
                continue
            }
            if p == b.id {
                err(b.line, "boards.\(b.id).parent", "board '\(b.id)' is its own parent", "hang it under `grid` or another board")
                continue
            }
            // Cycle: walk up; if we meet ourselves the tree is not a tree.
            var seen: [String] = [b.id]
            var cur: String? = p
            var cyclic = false
            while let c = cur {
                if seen.contains(c) { cyclic = true; break }
                seen.append(c)
                cur = config.level(c)?.parent
            }
            if cyclic {
                err(b.line, "boards.\(b.id).parent", "cycle in the board tree: \(seen.joined(separator: " → ")) → \(seen.first(where: { $0 == cur }) ?? b.id)",
                    "every board must lead up to `grid`; break the loop by changing one parent")
                continue
            }
            let depth = config.depth(ofLevel: b.id)
            if depth > 3 {
                err(b.line, "boards.\(b.id)", "more than 4 levels: this board is level \(depth), so its charge points would be level \(depth + 1)",
                    "the tree has at most 4 levels (grid, two board levels, charge points): hang it higher")
            }
            if b.limitA > parent.limitA {
                err(b.line, "boards.\(b.id).limit_a", "limit \(TextFormat.plain(b.limitA)) A is above its parent \(parent.id)'s \(TextFormat.plain(parent.limitA)) A",
                    "a board can never carry more than the level above it: set its limit to \(TextFormat.plain(parent.limitA)) A or less")
            }
        }
    }

    func checkChargePoints() {
        let ids = config.levels.map(\.id)
        for cp in config.chargepoints {
            guard let board = config.level(cp.board) else {
                let hint = nearest(cp.board, in: ids).map { "did you mean '\($0)'? " } ?? ""
                err(cp.line, "chargepoints.\(cp.id).board", "unknown board '\(cp.board)'", "\(hint)use `grid` or a board id")
                continue
            }
            if cp.maxA > board.limitA {
                err(cp.line, "chargepoints.\(cp.id).max_a",
                    "max_a \(TextFormat.plain(cp.maxA)) A is above the limit of its board \(board.id) (\(TextFormat.plain(board.limitA)) A)",
                    "set max_a to \(TextFormat.plain(board.limitA)) A or less")
            }
            if !knownDrivers.isEmpty && !knownDrivers.contains(cp.driver) {
                let hint = nearest(cp.driver, in: Array(knownDrivers)).map { "did you mean '\($0)'? " } ?? ""
                err(cp.line, "chargepoints.\(cp.id).driver", "unknown driver '\(cp.driver)'",
                    "\(hint)`kwartier device list` shows the drivers")
            }
        }
        for m in config.meters {
            if case .modbus(let d, _, _) = m.kind, !knownDrivers.isEmpty, !knownDrivers.contains(d) {
                let hint = nearest(d, in: Array(knownDrivers)).map { "did you mean '\($0)'? " } ?? ""
                err(m.line, "meters.\(m.id).driver", "unknown driver '\(d)'", "\(hint)`kwartier device list` shows the drivers")
            }
        }
        for inv in config.inverters where !knownDrivers.isEmpty && !knownDrivers.contains(inv.driver) {
            let hint = nearest(inv.driver, in: Array(knownDrivers)).map { "did you mean '\($0)'? " } ?? ""
            err(inv.line, "inverters.\(inv.id).driver", "unknown driver '\(inv.driver)'", "\(hint)`kwartier device list` shows the drivers")
        }
    }

    var modbusDevices: [SiteConfig.ModbusDeviceRef] { config.modbusDevices }

    func checkAddresses() {
        var seen: [String: String] = [:]
        for d in modbusDevices {
            let k: String
            switch d.transport {
            case let .tcp(host, port, unit): k = "tcp \(host):\(port) unit \(unit)"
            case let .rtu(bus, address, _):
                k = "bus \(bus) address \(address)"
                if !config.buses.contains(where: { $0.id == bus }) {
                    let hint = nearest(bus, in: config.buses.map(\.id)).map { "did you mean '\($0)'? " } ?? ""
                    // `rtu: { bus: … }`, or a module's short form `bus:` + `address:`.
                    let keys = ["\(d.transportKey).rtu.bus", "\(d.transportKey).bus"]
                    let key = keys.first { ctx.keyLines[$0] != nil } ?? keys[0]
                    err(d.line, key, "unknown bus '\(bus)'", "\(hint)define it under `buses:` with its `device:`")
                }
            case .simulated, .ocpp, .cloud: continue
            }
            if let other = seen[k] {
                err(d.line, d.key, "same address as \(other): \(k)",
                    "each device needs its own address: change the unit/slave id or the host:port")
            } else { seen[k] = d.key }
        }
    }

    func checkTCPConnections() {
        let endpoints = config.tcpEndpoints
        let max = config.site.maxTCPConnections
        if endpoints.count > max {
            err(0, "site.max_tcp_connections",
                "\(endpoints.count) Modbus TCP connections (one per host:port) exceed the maximum of \(max)",
                "move devices to Modbus RTU, share a gateway host:port with unit ids, or raise max_tcp_connections if the hub allows it")
        }
    }

    func checkRelays() {
        var used: [String: String] = [:]
        func use(_ out: String, by relay: RelayConfig, key: String) {
            if config.outputs.first(where: { $0.id == out }) == nil {
                let hint = nearest(out, in: config.outputs.map(\.id)).map { "did you mean '\($0)'? " } ?? ""
                err(relay.line, "relays.\(relay.id).\(key)", "unknown output '\(out)'", "\(hint)define it under `outputs:`")
            } else if let other = used[out] {
                err(relay.line, "relays.\(relay.id).\(key)", "output '\(out)' is already driven by \(other)", "give each relay its own output")
            } else { used[out] = relay.id }
        }
        for r in config.relays {
            switch r.kind {
            case .sgReady(let c): for o in c.outputs { use(o, by: r, key: "outputs") }
            case .switched(let c): use(c.output, by: r, key: "output")
            }
        }
    }
}
