import Foundation
import Yams

/// A problem in a profile file, located by line and key path.
public struct ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var key: String
    public var message: String
    public var description: String { "\(file):\(line): \(key.isEmpty ? "" : "\(key): ")\(message)" }
}

/// A YAML mapping of a profile with typed, strict accessors (unknown keys are errors: a typo in
/// a register map must never pass silently).
struct PNode {
    let file: String
    let path: String
    let line: Int
    let entries: [(key: String, line: Int, value: Node)]

    init(_ node: Node, file: String, path: String) throws {
        self.file = file; self.path = path; self.line = (node.mark?.line ?? 0)
        guard case .mapping(let m) = node else {
            throw ProfileError(file: file, line: line, key: path, message: "expected a mapping of keys")
        }
        entries = m.map { (k, v) in (k.string ?? "\(k)", k.mark?.line ?? 0, v) }
    }

    func fail(_ key: String?, _ message: String) -> ProfileError {
        ProfileError(file: file, line: key.map(lineOf) ?? line, key: key.map(keyPath) ?? path, message: message)
    }
    func keyPath(_ k: String) -> String { path.isEmpty ? k : "\(path).\(k)" }
    func lineOf(_ k: String) -> Int { entries.first { $0.key == k }?.line ?? line }
    func node(_ k: String) -> Node? { entries.first { $0.key == k }?.value }
    func has(_ k: String) -> Bool { node(k) != nil }

    func allow(_ keys: [String]) throws {
        for e in entries where !keys.contains(e.key) {
            throw ProfileError(file: file, line: e.line, key: keyPath(e.key),
                               message: "unknown key '\(e.key)' (valid here: \(keys.joined(separator: ", ")))")
        }
    }

    func scalar(_ k: String) throws -> String? {
        guard let n = node(k) else { return nil }
        guard case .scalar(let s) = n else { throw fail(k, "expected a single value") }
        return s.string
    }
    func string(_ k: String) throws -> String? { try scalar(k) }
    func required(_ k: String) throws -> String {
        guard let s = try scalar(k) else { throw fail(nil, "required key '\(k)' is missing") }
        return s
    }
    func int(_ k: String) throws -> Int? {
        guard let s = try scalar(k) else { return nil }
        guard let v = PNode.parseInt(s) else { throw fail(k, "expected a whole number (decimal or 0x…), found '\(s)'") }
        return v
    }
    func uint64(_ s: String, _ k: String) throws -> UInt64 {
        guard let v = PNode.parseUInt64(s) else { throw fail(k, "expected a whole number (decimal or 0x…), found '\(s)'") }
        return v
    }
    func double(_ k: String) throws -> Double? {
        guard let s = try scalar(k) else { return nil }
        if let i = PNode.parseInt(s), s.lowercased().hasPrefix("0x") { return Double(i) }
        guard let v = Double(s.trimmingCharacters(in: .whitespaces)), v.isFinite else {
            throw fail(k, "expected a number, found '\(s)'")
        }
        return v
    }
    func bool(_ k: String) throws -> Bool? {
        guard let s = try scalar(k) else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(k, "expected true or false, found '\(s)'")
        }
    }
    func oneOf<T>(_ k: String, _ choices: [String: T]) throws -> T? {
        guard let s = try scalar(k) else { return nil }
        guard let v = choices[s] ?? choices[s.lowercased()] else {
            throw fail(k, "'\(s)' is not one of \(choices.keys.sorted().joined(separator: ", "))")
        }
        return v
    }
    func map(_ k: String) throws -> PNode? {
        guard let n = node(k) else { return nil }
        return try PNode(n, file: file, path: keyPath(k))
    }
    func list(_ k: String) throws -> [Node]? {
        guard let n = node(k) else { return nil }
        if case .sequence(let s) = n { return Array(s) }
        throw fail(k, "expected a list")
    }
    func strings(_ k: String) throws -> [String]? {
        guard let n = node(k) else { return nil }
        switch n {
        case .scalar(let s): return [s.string]
        case .sequence(let seq):
            return try seq.map { item in
                guard case .scalar(let s) = item else { throw fail(k, "expected a list of words") }
                return s.string
            }
        default: throw fail(k, "expected a list")
        }
    }
    /// A mapping of scalar → scalar (state values, hints).
    func pairs(_ k: String) throws -> [(String, String)]? {
        guard let m = try map(k) else { return nil }
        return try m.entries.map { e in
            guard case .scalar(let s) = e.value else { throw m.fail(e.key, "expected a single value") }
            return (e.key, s.string)
        }
    }

    static func parseInt(_ s: String) -> Int? {
        let t = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        if t.lowercased().hasPrefix("0x") { return Int(t.dropFirst(2), radix: 16) }
        if t.lowercased().hasPrefix("-0x") { return Int(t.dropFirst(3), radix: 16).map { -$0 } }
        return Int(t)
    }
    static func parseUInt64(_ s: String) -> UInt64? {
        let t = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        if t.lowercased().hasPrefix("0x") { return UInt64(t.dropFirst(2), radix: 16) }
        return UInt64(t)
    }
}
