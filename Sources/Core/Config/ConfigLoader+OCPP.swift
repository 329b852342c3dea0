import Foundation

extension ConfigLoader {
    static let ocppServerKeys = ["listen", "allow_unauthenticated", "heartbeat_s", "meter_interval_s", "lease_s", "id_tags"]

    /// `ocpp: { listen: HOST:PORT, allow_unauthenticated, heartbeat_s, meter_interval_s, lease_s, id_tags }`.
    func parseOCPPServer(_ m: YAMLMap) -> OCPPServerConfig? {
        m.rejectUnknown(Self.ocppServerKeys)
        guard let listen = m.requiredString("listen", fix: "give the address the chargers connect to, e.g. `listen: 0.0.0.0:8887`") else { return nil }
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (1...65535).contains(port), colon != listen.startIndex else {
            m.ctx.error(m.lineOf("listen"), m.keyPath("listen"), "'\(listen)' is not HOST:PORT",
                        fix: "write e.g. `listen: 0.0.0.0:8887` (the chargers connect to ws://HOST:PORT/<id>)")
            return nil
        }
        var c = OCPPServerConfig(host: String(listen[..<colon]), port: port)
        c.allowUnauthenticated = m.bool("allow_unauthenticated") ?? false
        if let h = m.int("heartbeat_s", min: 10, max: 86_400) { c.heartbeatS = h }
        if let s = m.int("meter_interval_s", min: 1, max: 3600) { c.meterIntervalS = s }
        if let l = m.int("lease_s", min: 10, max: 3600) { c.leaseS = l }
        c.idTags = m.stringList("id_tags")
        c.line = m.line
        return c
    }

    /// A charge point's `ocpp: { id, connector, password_file }` (with `driver: ocpp`).
    func parseOCPPLink(_ m: YAMLMap) -> Transport? {
        for k in ["tcp", "rtu", "unit"] where m.has(k) {
            m.ctx.error(m.lineOf(k), m.keyPath(k), "an OCPP charge point has no Modbus `\(k)`",
                        fix: "remove `\(k)`: the charger connects to the hub's OCPP server itself")
        }
        guard let o = m.map("ocpp") else {
            if !m.has("ocpp") {
                m.missing("ocpp", fix: "give the charger's OCPP identity, e.g. `ocpp: { id: CP009, connector: 1, password_file: /etc/kwartier/cp009.pw }`")
            }
            return nil
        }
        o.rejectUnknown(["id", "connector", "password_file"])
        guard let id = o.requiredString("id", fix: "give the charge point identity the charger uses in its URL, e.g. `id: CP009`") else { return nil }
        if id.isEmpty || id.contains("/") || id.contains(" ") {
            o.ctx.error(o.lineOf("id"), o.keyPath("id"), "'\(id)' cannot be the last part of a URL",
                        fix: "use letters, digits, '-' or '_' (the charger connects to ws://HOST:PORT/\(id.isEmpty ? "CP009" : "ID"))")
            return nil
        }
        let connector = o.int("connector", min: 1, max: 32) ?? 1
        return .ocpp(OCPPPointLink(id: id, connector: connector, passwordFile: o.string("password_file")))
    }
}

extension ConfigValidator {
    /// OCPP points need the central system, a password unless it allows none, and their own id.
    func checkOCPP() {
        var seen: [String: String] = [:]
        for cp in config.chargepoints {
            guard case .ocpp(let link) = cp.transport else { continue }
            let key = "chargepoints.\(cp.id).ocpp"
            guard let server = config.ocpp else {
                ctx.error(ctx.line(of: key, fallback: cp.line), key, "an OCPP charge point but no OCPP server",
                          fix: "add `ocpp: { listen: 0.0.0.0:8887 }` at the top of the file")
                continue
            }
            if link.passwordFile == nil && !server.allowUnauthenticated {
                ctx.error(ctx.line(of: key, fallback: cp.line), key, "no `password_file` for OCPP charge point \(link.id)",
                          fix: "give `password_file: PATH` (the charger's basic-auth password), or set `ocpp.allow_unauthenticated: true` on a closed network")
            }
            let key2 = "\(link.id) connector \(link.connector)"
            if let other = seen[key2] {
                ctx.error(ctx.line(of: "\(key).id", fallback: cp.line), "\(key).id", "same OCPP id and connector as \(other): \(key2)",
                          fix: "give each charge point its own id, or another connector")
            } else { seen[key2] = cp.id }
        }
    }
}
