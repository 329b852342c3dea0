import Foundation

/// The writable topics (`…/set`, relative to the root) and their payloads, as the user commands
/// `kwartier set` and the control socket send. Only the payload's form is checked here; whether
/// the value is allowed (a point's current range, an unknown id) is the core's answer, the same
/// for every way in.
public enum MQTTCommandTopics {
    /// The subscriptions that cover every command topic below `root`.
    public static func subscriptions(root: String) -> [String] {
        ["\(root)/site/+/set", "\(root)/chargepoints/+/+/set", "\(root)/relays/+/+/set"]
    }

    public static let forms = [
        "site/slider_kw/set (kW)",
        "chargepoints/<id>/mode/set (auto, manual, off)",
        "chargepoints/<id>/manual_current_a/set (A)",
        "chargepoints/<id>/priority/set (integer)",
        "chargepoints/<id>/ready_by/set (HH:MM kWh, or none)",
        "relays/<id>/override/set (auto, on, off)",
    ]

    public static func parse(topic: String, payload: String) -> Result<UserCommand, ControlProtocol.Refusal> {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let value = payload.trimmingCharacters(in: .whitespacesAndNewlines)
        guard parts.last == "set" else { return .failure(unknown(topic)) }
        switch (parts.count, parts.first) {
        case (3, "site") where parts[1] == "slider_kw":
            return number(value, "slider_kw").map { .setSlider(kW: $0) }
        case (4, "chargepoints"):
            let id = parts[1]
            switch parts[2] {
            case "mode":
                guard let m = ChargeMode(rawValue: value.lowercased()) else {
                    return .failure("mode '\(value)' is not one of auto, manual, off")
                }
                return .success(.setMode(point: id, mode: m))
            case "manual_current_a":
                return number(value, "manual_current_a").map { .setManualCurrent(point: id, amps: $0) }
            case "priority":
                return number(value, "priority").flatMap { d in
                    guard let i = Int(exactly: d) else { return .failure("priority '\(value)' is not an integer") }
                    return .success(.setPriority(point: id, priority: i))
                }
            case "ready_by":
                if value.lowercased() == "none" { return .success(.setReadyBy(point: id, nil)) }
                let f = value.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                guard f.count == 2, let m = ReadyBy.minute(f[0]) else {
                    return .failure("ready_by '\(value.prefix(40))' is not 'HH:MM kWh' (e.g. '07:00 30') or none")
                }
                return number(f[1], "energy").map { .setReadyBy(point: id, ReadyBy(minuteOfDay: m, energyKWh: $0)) }
            default: return .failure(unknown(topic))
            }
        case (4, "relays") where parts[2] == "override":
            guard let o = RuntimeSettings.RelayOverride(rawValue: value.lowercased()) else {
                return .failure("override '\(value)' is not one of auto, on, off")
            }
            return .success(.setRelayOverride(relay: parts[1], override: o))
        default:
            return .failure(unknown(topic))
        }
    }

    static func unknown(_ topic: String) -> ControlProtocol.Refusal {
        ControlProtocol.Refusal("no command topic '\(topic)'; the command topics are " + forms.joined(separator: ", "))
    }

    /// A plain decimal number (`7`, `7.5`, `-1`); not hexadecimal, not inf or nan.
    static func number(_ v: String, _ name: String) -> Result<Double, ControlProtocol.Refusal> {
        guard !v.lowercased().contains("x"), let d = Double(v), d.isFinite else {
            return .failure("\(name) '\(v.prefix(40))' is not a number")
        }
        return .success(d)
    }

    /// What the hub answers on `<root>/result`: the command topic, the payload, and `ok` with
    /// what was done or `error` with why it was refused.
    public static func result(topic: String, payload: String, _ r: Result<String, ControlProtocol.Refusal>) -> String {
        var s = "{\"topic\":\(ControlProtocol.quote(topic)),\"payload\":\(ControlProtocol.quote(String(payload.prefix(200))))"
        switch r {
        case .success(let t): s += ",\"ok\":\(ControlProtocol.quote(t))}"
        case .failure(let e): s += ",\"error\":\(ControlProtocol.quote(e.reason))}"
        }
        return s
    }
}
