import Foundation
import KwartierCore

/// Where a cloud point's setpoint goes. A Zaptec installation (and an Easee circuit) is one target
/// for all its points: it gets the sum of their setpoints per phase. Decreases are sent at once;
/// increases at most every `minIntervalS` (the vendor's fair use), so a pending increase simply
/// waits and the installation stays at the lower, safe value meanwhile.
// unchecked: its setpoints and write times are under its lock; HTTP calls run on the target's queue.
final class CloudTarget: @unchecked Sendable {
    let account: CloudAccount
    let link: CloudPointLink
    private let lock = NSLock()
    private var setpoints: [String: (amps: Double, lines: [Int])] = [:]
    private var written: [Double]?
    private var lastWrite = -Double.infinity
    /// When the last change was sent (monotonic s).
    var lastChangeAt: Double { lock.lock(); defer { lock.unlock() }; return lastWrite }

    init(account: CloudAccount, link: CloudPointLink) { self.account = account; self.link = link }

    var label: String {
        if link.vendor == "zaptec" { return "Zaptec installation \(link.installation ?? "?")" }
        if let c = link.circuit { return "Easee circuit \(c)" }
        return "Easee charger \(link.charger)"
    }

    /// Per line (0…2): the sum of the setpoints of the points wired to it.
    private func perPhase() -> [Double] {
        var out = [0.0, 0.0, 0.0]
        for (_, s) in setpoints { for l in s.lines { out[l] += s.amps } }
        return out.map { ($0 * 10).rounded() / 10 }
    }

    func set(point: String, amps: Double, lines: [Int]) throws {
        lock.lock(); setpoints[point] = (amps, lines); lock.unlock()
        try flush()
    }

    /// Sends what is due: a decrease at once, an increase once the fair-use interval has passed.
    func flush() throws {
        lock.lock()
        let want = perPhase(), have = written, since = account.now() - lastWrite
        lock.unlock()
        if let h = have, h == want { return }
        let decrease = have.map { h in zip(want, h).contains { $0 < $1 } } ?? true
        if !decrease && since < link.minIntervalS { return }
        try send(want)
        lock.lock(); written = want; lastWrite = account.now(); lock.unlock()
    }

    private func send(_ a: [Double]) throws {
        switch (link.vendor, link.circuit) {
        case ("zaptec", _):
            _ = try account.request("POST", "/api/installation/\(link.installation ?? "")/update",
                                    json: ["availableCurrentPhase1": a[0], "availableCurrentPhase2": a[1], "availableCurrentPhase3": a[2]],
                                    what: "\(label) update")
        case (_, let circuit?):
            _ = try account.request("POST", "/api/sites/\(link.site ?? "")/circuits/\(circuit)/settings",
                                    json: ["dynamicCircuitCurrentP1": a[0], "dynamicCircuitCurrentP2": a[1], "dynamicCircuitCurrentP3": a[2]],
                                    what: "\(label) settings")
        default:
            _ = try account.request("POST", "/api/chargers/\(link.charger)/settings", json: ["dynamicChargerCurrent": a.max() ?? 0],
                                    what: "\(label) settings")
        }
    }
}

/// A Zaptec or Easee charger as the loop's `ChargePointDevice`: its state is read from the cloud
/// (at most every `stateEveryS`, every read for 15 s after a change), its setpoint goes to its target.
/// A cloud that does not answer fails the read, so the loop budgets the point at its safe current.
final class CloudChargePoint: ChargePointDevice {
    let id: String
    let target: CloudTarget
    let lines: [Int]
    let stateEveryS: Double
    let capabilities = ChargePointCapabilities()
    private var cached: (status: ChargePointStatus, at: Double)?

    init(id: String, target: CloudTarget, lines: [Int], stateEveryS: Double = 2) {
        self.id = id; self.target = target; self.lines = lines; self.stateEveryS = stateEveryS
    }

    func readStatus() throws -> ChargePointStatus {
        try? target.flush()     // a waiting increase goes out once its time has come
        let now = target.account.now()
        // Right after a change the car moves: read every time, or the meter would see its new draw
        // before the hub does and take it for house load.
        let settling = now - target.lastChangeAt < 15
        if let c = cached, now - c.at < stateEveryS, !settling { return c.status }
        let l = target.link
        let r = try target.account.request("GET", "/api/chargers/\(l.charger)/state", what: "\(l.vendor) charger \(l.charger) state")
        guard let s = l.vendor == "zaptec" ? CloudVendor.zaptecStatus(r.json) : CloudVendor.easeeStatus(r.json) else {
            throw DeviceError.exception("\(l.vendor) charger \(l.charger): the state answer has no operation mode")
        }
        cached = (s, now)
        return s
    }

    func writeCurrent(_ amps: Double) throws {
        try target.set(point: id, amps: amps, lines: lines)
    }
}

/// The cloud points of a site: one account per vendor, user and API; one target per installation,
/// circuit or charger. Passwords are read here, at start, from their files.
enum CloudDevices {
    static func build(_ config: SiteConfig) throws -> [String: CloudChargePoint] {
        var accounts: [String: CloudAccount] = [:], targets: [String: CloudTarget] = [:]
        var out: [String: CloudChargePoint] = [:]
        for cp in config.chargepoints {
            guard case .cloud(let l) = cp.transport else { continue }
            let ak = "\(l.vendor) \(l.username) \(l.api)"
            let account: CloudAccount
            if let a = accounts[ak] { account = a } else {
                let pw: String
                do { pw = try CloudAccount.readPassword(l.passwordFile, key: "chargepoints.\(cp.id).cloud.password_file") } catch {
                    throw OCPPServer.StartError(description: "\(error)")
                }
                account = CloudAccount(vendor: l.vendor, api: l.api, username: l.username, password: pw, login: CloudVendor.login(l.vendor))
                accounts[ak] = account
            }
            let tk = "\(ak) \(l.installation ?? "") \(l.circuit ?? l.charger)"
            let target = targets[tk] ?? CloudTarget(account: account, link: l)
            targets[tk] = target
            let lines = cp.phases.terminals.map(\.rawValue)
            out[cp.id] = CloudChargePoint(id: cp.id, target: target, lines: lines)
        }
        return out
    }
}
