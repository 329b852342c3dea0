import Foundation

/// Typed reads of a CALL's payload; the first missing or mistyped field becomes the CALLERROR
/// the charger gets (OccurenceConstraintViolation / TypeConstraintViolation).
final class OCPPPayload {
    let p: [String: Any]
    private(set) var problem: OCPPFrame.Malformed?
    init(_ p: [String: Any]) { self.p = p }

    private func fail(_ key: String, _ expected: String) -> Any? {
        if problem == nil {
            problem = p[key] == nil
                ? .init(id: "", code: "OccurenceConstraintViolation", description: "\(key) is required")
                : .init(id: "", code: "TypeConstraintViolation", description: "\(key) must be \(expected)")
        }
        return nil
    }

    func string(_ k: String) -> String? { (p[k] as? String) ?? (fail(k, "a string") as? String) }
    func int(_ k: String) -> Int? {
        if let d = Self.numeric(p[k]), let i = Int(exactly: d) { return i }
        return fail(k, "an integer") as? Int
    }
    func number(_ k: String) -> Double? {
        if let d = Self.numeric(p[k]) { return d }
        return fail(k, "a number") as? Double
    }

    static func numeric(_ x: Any?) -> Double? {
        switch x {
        case let i as Int: return Double(i)
        case let d as Double: return d
        case let n as NSNumber: return n.doubleValue
        default: return nil
        }
    }
    func objects(_ k: String) -> [[String: Any]]? { (p[k] as? [[String: Any]]) ?? (fail(k, "a list of objects") as? [[String: Any]]) }
}
