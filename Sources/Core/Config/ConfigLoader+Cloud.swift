import Foundation

extension ConfigLoader {
    /// `cloud: { username, password_file, installation, charger, site, circuit, api, min_interval_s }`
    /// of a `driver: zaptec` / `driver: easee` point.
    func parseCloudLink(_ m: YAMLMap, vendor: String) -> Transport? {
        for k in ["tcp", "rtu", "unit"] where m.has(k) {
            m.ctx.error(m.lineOf(k), m.keyPath(k), "a \(vendor) charge point is reached through its cloud, not Modbus `\(k)`",
                        fix: "remove `\(k)`")
        }
        guard let c = m.map("cloud") else {
            if !m.has("cloud") {
                m.missing("cloud", fix: vendor == "zaptec"
                    ? "give the account and charger, e.g. `cloud: { username: me@example.com, password_file: /etc/kwartier/zaptec.pw, installation: INSTALLATION-ID, charger: CHARGER-ID }`"
                    : "give the account and charger, e.g. `cloud: { username: me@example.com, password_file: /etc/kwartier/easee.pw, charger: EH123456 }`")
            }
            return nil
        }
        c.rejectUnknown(vendor == "zaptec" ? ["username", "password_file", "installation", "charger", "api", "min_interval_s"]
                                           : ["username", "password_file", "charger", "site", "circuit", "api", "min_interval_s"])
        let user = c.requiredString("username", fix: "give the \(vendor) account's user name (e-mail)")
        let pw = c.requiredString("password_file", fix: "give the file that holds the account's password (never the password itself)")
        let charger = c.requiredString("charger", fix: "give the charger's id in the \(vendor) cloud")
        let installation = vendor == "zaptec" ? c.requiredString("installation", fix: "give the Zaptec installation id the charger belongs to") : nil
        let site = c.string("site"), circuit = c.string("circuit")
        if vendor == "easee", (site == nil) != (circuit == nil) {
            c.ctx.error(c.line, c.keyPath(site == nil ? "site" : "circuit"), "`site` and `circuit` go together",
                        fix: "give both to write the circuit's per-phase current, or neither to write the charger's dynamic current")
        }
        let api = c.string("api") ?? CloudPointLink.defaultAPI[vendor]!
        if !(api.hasPrefix("https://") || api.hasPrefix("http://")) {
            c.ctx.error(c.lineOf("api"), c.keyPath("api"), "'\(api)' is not an http(s) URL", fix: "leave `api` out to use \(CloudPointLink.defaultAPI[vendor]!)")
        }
        let interval = c.double("min_interval_s", unit: "s", min: 1, max: 3600) ?? 30
        guard let u = user, let p = pw, let ch = charger, vendor != "zaptec" || installation != nil else { return nil }
        return .cloud(CloudPointLink(vendor: vendor, username: u, passwordFile: p, installation: installation, charger: ch,
                                     site: site, circuit: circuit, api: api.hasSuffix("/") ? String(api.dropLast()) : api,
                                     minIntervalS: interval))
    }
}
