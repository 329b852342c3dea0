import Foundation
import KwartierCore

/// One login at a vendor's cloud, shared by the points of that account: the bearer token,
/// renewed before it expires; a 401 logs in again once; 429 and 5xx make every call wait as long
/// as the server says (Retry-After) or a growing pause. The password is read from its file at
/// start and never appears in a message, a log line or an error.
// unchecked: token and back-off state are under its lock.
final class CloudAccount: @unchecked Sendable {
    struct Login {
        /// Path of the login request and its body for this password.
        var path: String
        var contentType: String
        var body: (String, String) -> Data
        /// (token, lifetime s) from the answer.
        var parse: (Any?) -> (String, Double)?
    }

    let vendor: String
    let api: String
    let username: String
    private let password: String
    let login: Login
    let http: CloudHTTP
    let now: () -> Double
    private let lock = NSLock()
    private var token: (value: String, expires: Double)?
    private var blockedUntil = 0.0
    private var backoffS = 0.0
    private(set) var logins = 0

    init(vendor: String, api: String, username: String, password: String, login: Login, http: CloudHTTP = CloudHTTP(),
         now: @escaping () -> Double = { Monotonic.now }) {
        self.vendor = vendor; self.api = api; self.username = username; self.password = password
        self.login = login; self.http = http; self.now = now
    }

    static func readPassword(_ path: String, key: String) throws -> String {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw DeviceError.io("\(key): cannot read \(path)")
        }
        let pw = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if pw.isEmpty { throw DeviceError.io("\(key): \(path) is empty") }
        return pw
    }

    private func bearer() throws -> String {
        lock.lock(); defer { lock.unlock() }
        if let t = token, t.expires - now() > 60 { return t.value }   // renewed a minute before it runs out
        return try relogin()
    }

    /// Holds the lock.
    private func relogin() throws -> String {
        try checkBackoff()
        logins += 1
        let r = try http.send("POST", api + login.path, headers: ["Content-Type": login.contentType],
                              body: login.body(username, password), what: "\(vendor) login")
        try noteThrottle(r, what: "\(vendor) login")
        guard r.status == 200, let (t, life) = login.parse(r.json) else {
            token = nil
            throw DeviceError.exception("\(vendor) login refused (HTTP \(r.status))")
        }
        token = (t, now() + life)
        return t
    }

    private func checkBackoff() throws {
        let wait = blockedUntil - now()
        if wait > 0 { throw DeviceError.io("\(vendor) cloud: backing off for \(Int(wait.rounded(.up))) s") }
    }

    /// 429 and 5xx: wait as the server says, or 2, 4 … 60 s.
    private func noteThrottle(_ r: CloudHTTP.Response, what: String) throws {
        if r.status == 429 || r.status >= 500 {
            backoffS = r.retryAfterS ?? min(60, max(2, backoffS * 2))
            blockedUntil = now() + backoffS
            throw DeviceError.io("\(what): HTTP \(r.status), backing off \(TextFormat.plain(backoffS, maxDecimals: 1)) s")
        }
        backoffS = 0
    }

    /// An authorized request; a 401 logs in again and retries once.
    func request(_ method: String, _ path: String, json: Any? = nil, what: String) throws -> CloudHTTP.Response {
        lock.lock()
        do { try checkBackoff() } catch { lock.unlock(); throw error }
        lock.unlock()
        var t = try bearer()
        for attempt in 0..<2 {
            var h = ["Authorization": "Bearer \(t)", "Accept": "application/json"]
            if json != nil { h["Content-Type"] = "application/json" }
            let r = try http.send(method, api + path, headers: h, body: json.map(CloudHTTP.json), what: what)
            lock.lock()
            defer { lock.unlock() }
            try noteThrottle(r, what: what)
            if r.status == 401 && attempt == 0 {
                token = nil
                t = try relogin()
                continue
            }
            guard (200..<300).contains(r.status) else { throw DeviceError.exception("\(what): HTTP \(r.status)") }
            return r
        }
        throw DeviceError.exception("\(what): refused after a new login (HTTP 401)")
    }
}
