import Foundation

/// Version 1 of the control socket's protocol (newline-delimited JSON; docs/PROTOCOL.md): what a
/// client may ask, parsed from one line, and the lines the hub answers with. Pure: the socket
/// server and the clients (`kwartier dashboard`, `status`, `set`, `explain`) share it.
public enum ControlProtocol {
    public static let version = 1
    /// Longest request line accepted; a client sending more without a newline is dropped.
    public static let maxLineBytes = 1 << 20

    /// The `id` a client gave a request (a number or a string), echoed in the answer.
    public enum RequestID: Equatable, Sendable {
        case number(Int)
        case text(String)
        public var json: String {
            switch self {
            case .number(let n): return String(n)
            case .text(let s): return ControlProtocol.quote(s)
            }
        }
    }

    /// Why the hub did not do what was asked.
    public struct Refusal: Error, Equatable, Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
        public let reason: String
        public init(_ reason: String) { self.reason = reason }
        public init(stringLiteral value: String) { reason = value }
        public var description: String { reason }
    }

    public enum Request: Equatable, Sendable {
        /// The client's greeting with the protocol version it speaks.
        case hello(protocol: Int)
        /// One snapshot now (what the dashboard draws).
        case status
        /// The latest decision with its explanations (what `status.json` holds).
        case explain
        /// Every new snapshot from now on, until `unsubscribe`.
        case subscribe
        case unsubscribe
        /// User commands, applied in order; answered once, `ok` when all are taken.
        case commands([UserCommand])
    }

    public struct ParsedLine: Equatable, Sendable {
        public var id: RequestID?
        public var request: Request
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var id: RequestID?
        public var description: String
        init(_ d: String, id: RequestID? = nil) { description = d; self.id = id }
    }

    static let names = ["hello", "status", "explain", "subscribe", "unsubscribe", "set_slider", "set_point", "set_relay"]

    /// Parses one request line (without its newline).
    public static func parse(_ line: Data) -> Result<ParsedLine, ParseError> {
        guard let obj = try? JSONSerialization.jsonObject(with: line, options: []) else {
            return .failure(ParseError("not a JSON object: each request is one JSON object on one line"))
        }
        guard let dict = obj as? [String: Any] else { return .failure(ParseError("not a JSON object: each request is one JSON object on one line")) }
        var id: RequestID?
        if let raw = dict["id"] {
            if let s = raw as? String { id = .text(s) }
            else if let n = raw as? NSNumber, !isBool(n), let i = Int(exactly: n.doubleValue) { id = .number(i) }
            else { return .failure(ParseError("\"id\" must be an integer or a string")) }
        }
        let keys = dict.keys.filter { $0 != "id" }
        guard keys.count == 1, let name = keys.first else {
            return .failure(ParseError(keys.isEmpty ? "no request in the object; one of: \(names.joined(separator: ", "))"
                                                    : "one request per line, got \(keys.sorted().joined(separator: ", "))", id: id))
        }
        let body = dict[name] as? [String: Any] ?? [:]
        if dict[name] as? [String: Any] == nil, !(dict[name] is NSNull) {
            return .failure(ParseError("\"\(name)\" takes an object (use {} for none)", id: id))
        }
        do {
            return .success(ParsedLine(id: id, request: try request(name, body)))
        } catch let e as ParseError {
            return .failure(ParseError(e.description, id: id))
        } catch {
            return .failure(ParseError("\(error)", id: id))
        }
    }

    static func request(_ name: String, _ b: [String: Any]) throws -> Request {
        switch name {
        case "hello":
            guard let p = try int(b, "protocol") else { throw ParseError("hello needs \"protocol\"") }
            return .hello(protocol: p)
        case "status": return .status
        case "explain": return .explain
        case "subscribe": return .subscribe
        case "unsubscribe": return .unsubscribe
        case "set_slider":
            try only(b, ["kw"], in: name)
            guard let kw = try number(b, "kw") else { throw ParseError("set_slider needs \"kw\"") }
            return .commands([.setSlider(kW: kw)])
        case "set_point":
            try only(b, ["point", "mode", "current_a", "priority", "ready_by", "energy_kwh"], in: name)
            guard let id = b["point"] as? String else { throw ParseError("set_point needs \"point\" (the charge point's id)") }
            var cmds: [UserCommand] = []
            if let m = b["mode"] {
                guard let s = m as? String, let mode = ChargeMode(rawValue: s) else {
                    throw ParseError("\"mode\" must be one of auto, manual, off")
                }
                cmds.append(.setMode(point: id, mode: mode))
            }
            if let a = try number(b, "current_a") { cmds.append(.setManualCurrent(point: id, amps: a)) }
            if let p = try int(b, "priority") { cmds.append(.setPriority(point: id, priority: p)) }
            switch try readyBy(b) {
            case .absent: break
            case .clear: cmds.append(.setReadyBy(point: id, nil))
            case .set(let r): cmds.append(.setReadyBy(point: id, r))
            }
            guard !cmds.isEmpty else {
                throw ParseError("set_point needs at least one of \"mode\", \"current_a\", \"priority\", \"ready_by\"")
            }
            return .commands(cmds)
        case "set_relay":
            try only(b, ["relay", "override"], in: name)
            guard let id = b["relay"] as? String else { throw ParseError("set_relay needs \"relay\" (the relay's id)") }
            guard let s = b["override"] as? String, let o = RuntimeSettings.RelayOverride(rawValue: s) else {
                throw ParseError("\"override\" must be one of on, off, auto")
            }
            return .commands([.setRelayOverride(relay: id, override: o)])
        default:
            throw ParseError("unknown request \"\(name)\"; one of: \(names.joined(separator: ", "))")
        }
    }

    static func only(_ b: [String: Any], _ allowed: Set<String>, in name: String) throws {
        if let k = b.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ParseError("\(name) has no field \"\(k)\" (fields: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    static func isBool(_ n: NSNumber) -> Bool {
        // JSONSerialization gives booleans as NSNumber too.
        String(cString: n.objCType) == "c"
    }

    static func number(_ b: [String: Any], _ k: String) throws -> Double? {
        guard let v = b[k] else { return nil }
        guard let n = v as? NSNumber, !isBool(n), n.doubleValue.isFinite else { throw ParseError("\"\(k)\" must be a number") }
        return n.doubleValue
    }

    static func int(_ b: [String: Any], _ k: String) throws -> Int? {
        guard let d = try number(b, k) else { return nil }
        guard let i = Int(exactly: d) else { throw ParseError("\"\(k)\" must be an integer") }
        return i
    }

    // MARK: what the hub writes

    public static func quote(_ s: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        let text = String(decoding: data, as: UTF8.self)
        return String(text.dropFirst().dropLast())
    }

    public static func hello(site: String, mode: String, version: String, timeZone: String) -> String {
        "{\"hello\":{\"mode\":\(quote(mode)),\"protocol\":\(self.version),\"server\":\"kwartier\",\"site\":\(quote(site)),\"time_zone\":\(quote(timeZone)),\"version\":\(quote(version))}}"
    }

    /// `"ready_by"`: absent, `null` (no deadline any more), or `"07:00"` with `"energy_kwh": 30`.
    enum ReadyByField { case absent, clear, set(ReadyBy) }

    static func readyBy(_ b: [String: Any]) throws -> ReadyByField {
        guard let v = b["ready_by"] else {
            if b["energy_kwh"] != nil { throw ParseError("\"energy_kwh\" goes with \"ready_by\" (HH:MM)") }
            return .absent
        }
        if v is NSNull { return .clear }
        guard let t = v as? String, let m = ReadyBy.minute(t) else { throw ParseError("\"ready_by\" must be a time of day HH:MM, or null") }
        guard let kwh = try number(b, "energy_kwh") else { throw ParseError("\"ready_by\" needs \"energy_kwh\" (the energy to have by then)") }
        return .set(ReadyBy(minuteOfDay: m, energyKWh: kwh))
    }

    // MARK: what a client writes

    /// The request line for one user command (what a dashboard key does).
    public static func requestLine(_ cmd: UserCommand, id: Int) -> String {
        let body: String
        switch cmd {
        case .setSlider(let kw): body = "\"set_slider\":{\"kw\":\(number(kw))}"
        case let .setMode(p, m): body = "\"set_point\":{\"mode\":\(quote(m.rawValue)),\"point\":\(quote(p))}"
        case let .setManualCurrent(p, a): body = "\"set_point\":{\"current_a\":\(number(a)),\"point\":\(quote(p))}"
        case let .setPriority(p, n): body = "\"set_point\":{\"point\":\(quote(p)),\"priority\":\(n)}"
        case let .setReadyBy(p, r?):
            body = "\"set_point\":{\"energy_kwh\":\(number(r.energyKWh)),\"point\":\(quote(p)),\"ready_by\":\(quote(r.timeText))}"
        case let .setReadyBy(p, nil): body = "\"set_point\":{\"point\":\(quote(p)),\"ready_by\":null}"
        case let .setRelayOverride(r, o): body = "\"set_relay\":{\"override\":\(quote(o.rawValue)),\"relay\":\(quote(r))}"
        }
        return "{\"id\":\(id),\(body)}"
    }

    static func number(_ d: Double) -> String { d.isFinite ? "\(d)" : "null" }

    /// `{"id":…,"ok":"text"}` or `{"id":…,"error":"why"}`.
    public static func answer(_ id: RequestID?, _ r: Result<String, Refusal>) -> String {
        var s = "{"
        if let id { s += "\"id\":\(id.json)," }
        switch r {
        case .success(let t): s += "\"ok\":\(quote(t))}"
        case .failure(let e): s += "\"error\":\(quote(e.reason))}"
        }
        return s
    }

    /// `{"id":…,"<key>":<json>}` around an encoded document.
    public static func document(_ id: RequestID?, key: String, json: Data) -> Data {
        var d = Data("{".utf8)
        if let id { d += Data("\"id\":\(id.json),".utf8) }
        d += Data("\"\(key)\":".utf8)
        d += json
        d += Data("}".utf8)
        return d
    }
}
