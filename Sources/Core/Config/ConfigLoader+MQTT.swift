import Foundation

extension ConfigLoader {
    static let mqttKeys = ["url", "username", "password_file", "client_id", "topic", "ca_file"]

    /// `mqtt: { url: mqtt://HOST:1883 | mqtts://HOST:8883, username, password_file, client_id, topic, ca_file }`.
    func parseMQTT(_ m: YAMLMap, siteName: String) -> MQTTConfig? {
        m.rejectUnknown(Self.mqttKeys)
        guard let url = m.requiredString("url", fix: "give the broker, e.g. `url: mqtt://192.168.1.10:1883`") else { return nil }
        guard let (tls, host, port) = Self.brokerURL(url) else {
            m.ctx.error(m.lineOf("url"), m.keyPath("url"), "'\(url)' is not mqtt://HOST[:PORT] or mqtts://HOST[:PORT]",
                        fix: "write e.g. `url: mqtt://192.168.1.10:1883` (or mqtts://broker.example:8883 for TLS)")
            return nil
        }
        let clientID = m.string("client_id") ?? MQTTConfig.slug(siteName)
        if clientID.isEmpty || clientID.utf8.count > 64 || !clientID.allSatisfy(Self.topicWordCharacter) {
            m.ctx.error(m.lineOf("client_id"), m.keyPath("client_id"), "'\(clientID)' cannot be the hub's name on the broker",
                        fix: "use 1-64 letters, digits, '-' or '_' (it names the hub in topics and in Home Assistant)")
        }
        let topic = m.string("topic") ?? "kwartier/\(clientID)"
        if let why = Self.topicProblem(topic) {
            m.ctx.error(m.lineOf("topic"), m.keyPath("topic"), "'\(topic)' cannot be the topic root: \(why)",
                        fix: "write e.g. `topic: kwartier/home` (no '+', '#', leading or trailing '/')")
        }
        var c = MQTTConfig(host: host, port: port, tls: tls, username: m.string("username"),
                           passwordFile: m.string("password_file"), clientID: clientID, topic: topic, caFile: m.string("ca_file"))
        if c.passwordFile != nil && c.username == nil {
            m.ctx.error(m.lineOf("password_file"), m.keyPath("password_file"), "a password without a user name",
                        fix: "give `username:` too (the broker checks both)")
        }
        if c.caFile != nil && !tls {
            m.ctx.error(m.lineOf("ca_file"), m.keyPath("ca_file"), "a CA file for a plain mqtt:// link",
                        fix: "use mqtts://HOST:8883 to verify the broker with it, or remove `ca_file`")
        }
        c.line = m.line
        return c
    }

    static func topicWordCharacter(_ ch: Character) -> Bool {
        ch.isASCII && (ch.isLetter || ch.isNumber || ch == "-" || ch == "_")
    }

    /// nil when `t` can be a topic root for publishing and for the hub's subscriptions.
    static func topicProblem(_ t: String) -> String? {
        if t.isEmpty { return "it is empty" }
        if t.contains("+") || t.contains("#") { return "'+' and '#' are wildcards" }
        if t.hasPrefix("/") || t.hasSuffix("/") || t.contains("//") { return "it has an empty level" }
        if t.hasPrefix("$") { return "topics starting with '$' belong to the broker" }
        if t.utf8.count > 200 { return "it is longer than 200 bytes" }
        return nil
    }

    /// mqtt://HOST[:PORT] (1883) or mqtts://HOST[:PORT] (8883); an IPv6 host in brackets.
    static func brokerURL(_ s: String) -> (tls: Bool, host: String, port: Int)? {
        let tls: Bool
        var rest: Substring
        if s.hasPrefix("mqtt://") { tls = false; rest = s.dropFirst(7) }
        else if s.hasPrefix("mqtts://") { tls = true; rest = s.dropFirst(8) }
        else { return nil }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("@") else { return nil }
        var host: Substring, portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.isEmpty { portText = nil } else if after.hasPrefix(":") { portText = after.dropFirst() } else { return nil }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]; portText = rest[rest.index(after: colon)...]
        } else { host = rest; portText = nil }
        guard !host.isEmpty else { return nil }
        var port = tls ? 8883 : 1883
        if let p = portText {
            guard let n = Int(p), (1...65535).contains(n) else { return nil }
            port = n
        }
        return (tls, String(host), port)
    }
}

extension ConfigValidator {
    /// With MQTT, ids are topic levels: '/', '+' and '#' would split them or match others.
    func checkMQTTIDs() {
        guard config.mqtt != nil else { return }
        let ids = config.chargepoints.map { ("chargepoints", $0.id, $0.line) } + config.boards.map { ("boards", $0.id, $0.line) }
            + config.relays.map { ("relays", $0.id, $0.line) }
        for (section, id, line) in ids where id.contains(where: { "/+#".contains($0) }) {
            ctx.error(ctx.line(of: "\(section).\(id)", fallback: line), "\(section).\(id)",
                      "'\(id)' cannot be part of an MQTT topic ('/', '+' and '#' are taken)",
                      fix: "rename it with letters, digits, '-' or '_'")
        }
    }
}
