import Foundation

/// The topics hubs of one fleet talk on, below the root they share (`mqtt.topic`).
public enum HubTopics {
    /// A fleet hub's own topic root (its states, status and the messages below).
    public static func hubRoot(fleet: String, hub: String) -> String { "\(fleet)/hubs/\(hub)" }
    /// The child's draw and safe budget, published by the child after each decision (retained).
    public static func draw(fleet: String, hub: String) -> String { "\(hubRoot(fleet: fleet, hub: hub))/draw" }
    /// The child's allowance, published by the parent after each decision (not retained: a stale
    /// one must never look fresh to a child that connects later).
    public static func allowance(fleet: String, hub: String) -> String { "\(hubRoot(fleet: fleet, hub: hub))/allowance" }
}

/// Which allowance a child applies: the parent's start (`boot`, so a restarted parent's
/// sequence starting again is not taken for old) and its number.
public struct AllowanceID: Sendable, Equatable, Codable {
    public var boot: UInt64
    public var seq: UInt64
    public init(boot: UInt64, seq: UInt64) { self.boot = boot; self.seq = seq }
    /// Later than `o` from the same parent run; any id of another run counts as newer.
    public func isNewer(than o: AllowanceID) -> Bool { boot != o.boot || seq > o.seq }
}

/// `<root>/hubs/<child>/allowance`: what the child's points may draw per grid line.
public struct HubAllowance: Sendable, Equatable, Codable {
    public var id: AllowanceID
    /// Per line (A).
    public var limitA: PhaseValues
    /// How long it holds from its reception (s).
    public var validityS: Double
    public init(id: AllowanceID, limitA: PhaseValues, validityS: Double) {
        self.id = id; self.limitA = limitA; self.validityS = validityS
    }
}

/// `<root>/hubs/<child>/draw`: what the child's points draw per grid line (measured, or set if
/// more), its safe budget, and the allowance it applies (nil: none valid, it holds its safe budget).
public struct HubDraw: Sendable, Equatable, Codable {
    public var drawA: PhaseValues
    public var safeA: PhaseValues
    public var applying: AllowanceID?
    public init(drawA: PhaseValues, safeA: PhaseValues, applying: AllowanceID?) {
        self.drawA = drawA; self.safeA = safeA; self.applying = applying
    }
}

/// The JSON payloads (plain numbers per line, 0.01 A).
public enum HubPayload {
    public static func encode(_ a: HubAllowance) -> String {
        "{\"limit_a\":\(list(a.limitA)),\"validity_s\":\(num(a.validityS)),\"boot\":\(a.id.boot),\"seq\":\(a.id.seq)}"
    }

    public static func encode(_ d: HubDraw) -> String {
        var s = "{\"draw_a\":\(list(d.drawA)),\"safe_a\":\(list(d.safeA))"
        if let id = d.applying { s += ",\"allowance\":{\"boot\":\(id.boot),\"seq\":\(id.seq)}" }
        return s + "}"
    }

    public struct Invalid: Error, Equatable, CustomStringConvertible { public let description: String }

    public static func allowance(_ data: Data) -> Result<HubAllowance, Invalid> {
        guard let o = object(data) else { return .failure(Invalid(description: "not a JSON object")) }
        guard let l = phases(o["limit_a"]) else { return .failure(Invalid(description: "`limit_a` is not three amperes ≥ 0")) }
        guard let v = (o["validity_s"] as? NSNumber)?.doubleValue, v.isFinite, v > 0 else { return .failure(Invalid(description: "`validity_s` is not a positive number")) }
        guard let id = allowanceID(o) else { return .failure(Invalid(description: "`boot` and `seq` are not whole numbers")) }
        return .success(HubAllowance(id: id, limitA: l, validityS: v))
    }

    public static func draw(_ data: Data) -> Result<HubDraw, Invalid> {
        guard let o = object(data) else { return .failure(Invalid(description: "not a JSON object")) }
        guard let d = phases(o["draw_a"]) else { return .failure(Invalid(description: "`draw_a` is not three amperes ≥ 0")) }
        guard let s = phases(o["safe_a"]) else { return .failure(Invalid(description: "`safe_a` is not three amperes ≥ 0")) }
        var applying: AllowanceID? = nil
        if let a = o["allowance"] {
            guard let ao = a as? [String: Any], let id = allowanceID(ao) else {
                return .failure(Invalid(description: "`allowance` is not {boot, seq}"))
            }
            applying = id
        }
        return .success(HubDraw(drawA: d, safeA: s, applying: applying))
    }

    static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    static func phases(_ v: Any?) -> PhaseValues? {
        guard let a = v as? [Any], a.count == 3 else { return nil }
        let d = a.compactMap { ($0 as? NSNumber)?.doubleValue }
        guard d.count == 3, d.allSatisfy({ $0.isFinite && $0 >= 0 && $0 < 100_000 }) else { return nil }
        return PhaseValues(d[0], d[1], d[2])
    }

    static func allowanceID(_ o: [String: Any]) -> AllowanceID? {
        guard let b = o["boot"] as? NSNumber, let s = o["seq"] as? NSNumber,
              b.doubleValue >= 0, s.doubleValue >= 0, b.doubleValue == b.doubleValue.rounded(), s.doubleValue == s.doubleValue.rounded()
        else { return nil }
        return AllowanceID(boot: b.uint64Value, seq: s.uint64Value)
    }

    static func num(_ v: Double) -> String { TextFormat.plain((v * 100).rounded() / 100) }
    static func list(_ p: PhaseValues) -> String { "[\(num(p.l1)),\(num(p.l2)),\(num(p.l3))]" }
}
