import Foundation
import KwartierCore

/// What differs between the cloud vendors: how to log in, where the setpoint goes, how the state reads.
enum CloudVendor {
    static func login(_ vendor: String) -> CloudAccount.Login {
        switch vendor {
        case "zaptec":
            // OAuth2 password grant.
            return .init(path: "/oauth/token", contentType: "application/x-www-form-urlencoded",
                         body: { u, p in CloudHTTP.form([("grant_type", "password"), ("username", u), ("password", p)]) },
                         parse: { j in
                             guard let d = j as? [String: Any], let t = d["access_token"] as? String else { return nil }
                             return (t, CloudVendor.number(d["expires_in"]) ?? 3600)
                         })
        default:
            return .init(path: "/api/accounts/login", contentType: "application/json",
                         body: { u, p in CloudHTTP.json(["userName": u, "password": p]) },
                         parse: { j in
                             guard let d = j as? [String: Any], let t = d["accessToken"] as? String else { return nil }
                             return (t, CloudVendor.number(d["expiresIn"]) ?? 3600)
                         })
        }
    }

    static func number(_ x: Any?) -> Double? {
        switch x {
        case let i as Int: return Double(i)
        case let d as Double: return d
        case let s as String: return Double(s)
        case let n as NSNumber: return n.doubleValue
        default: return nil
        }
    }

    /// Zaptec's state: observations `[{StateId, ValueAsString}]` — 507…509 currents (A), 513 power (W),
    /// 553 session energy (kWh), 710 operation mode (1 disconnected, 2 connected, 3 charging, 5 finished).
    static func zaptecStatus(_ j: Any?) -> ChargePointStatus? {
        guard let list = j as? [[String: Any]] else { return nil }
        var v: [Int: String] = [:]
        for o in list {
            if let id = number(o["StateId"]).map(Int.init), let s = o["ValueAsString"] as? String { v[id] = s }
        }
        let cur = [507, 508, 509].map { v[$0].flatMap(Double.init) ?? 0 }
        let state: ChargeState
        switch v[710].flatMap(Int.init) {
        case 1: state = .noCar
        case 2, 5: state = .connected
        case 3: state = .charging
        case nil: return nil
        default: state = .error
        }
        return ChargePointStatus(state: state, currents: PhaseValues(cur[0], cur[1], cur[2]), powerW: v[513].flatMap(Double.init),
                                 sessionKWh: v[553].flatMap(Double.init),
                                 errorText: state == .error ? "Zaptec operation mode \(v[710] ?? "?")" : nil)
    }

    /// Easee's charger state: chargerOpMode (1 disconnected, 2 awaiting start, 3 charging, 4 completed,
    /// 5 error, 6 ready, 7 awaiting authentication), inCurrentT3…T5 (A), totalPower (kW), energies (kWh).
    static func easeeStatus(_ j: Any?) -> ChargePointStatus? {
        guard let d = j as? [String: Any], let mode = number(d["chargerOpMode"]).map(Int.init) else { return nil }
        let state: ChargeState
        switch mode {
        case 1: state = .noCar
        case 2, 4, 6, 7: state = .connected
        case 3: state = .charging
        default: state = .error
        }
        let cur = ["inCurrentT3", "inCurrentT4", "inCurrentT5"].map { number(d[$0]) ?? 0 }
        return ChargePointStatus(state: state, currents: PhaseValues(cur[0], cur[1], cur[2]),
                                 powerW: number(d["totalPower"]).map { $0 * 1000 }, energyKWh: number(d["lifetimeEnergy"]),
                                 sessionKWh: number(d["sessionEnergy"]),
                                 errorText: state == .error ? "Easee charger op mode \(mode)" : nil)
    }
}
