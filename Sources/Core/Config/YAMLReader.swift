import Yams

/// Reads a Yams node tree while recording located problems instead of throwing at the first one.
final class ConfigContext {
    let file: String
    var problems: [ConfigProblem] = []
    /// Line of every key path seen, so cross-checks can point at the exact key.
    var keyLines: [String: Int] = [:]
    init(file: String) { self.file = file }

    func line(of keyPath: String, fallback: Int) -> Int { keyLines[keyPath] ?? fallback }

    func error(_ line: Int, _ key: String, _ message: String, fix: String) {
        problems.append(ConfigProblem(file: file, line: line, key: key, message: message, fix: fix))
    }
    func warning(_ line: Int, _ key: String, _ message: String, fix: String) {
        problems.append(ConfigProblem(file: file, line: line, key: key, message: message, fix: fix,
                                      severity: .warning))
    }
}

/// A YAML mapping at a key path, with typed accessors that report wrong types and ranges.
struct YAMLMap {
    let ctx: ConfigContext
    let path: String
    let line: Int
    let entries: [(key: String, line: Int, value: Node)]

    init?(_ node: Node, path: String, ctx: ConfigContext, what: String = "a mapping of keys") {
        self.ctx = ctx
        self.path = path
        self.line = node.mark?.line ?? 0
        guard case .mapping(let m) = node else {
            ctx.error(node.mark?.line ?? 0, path.isEmpty ? "(top)" : path,
                      "expected \(what), found \(YAMLMap.describe(node))",
                      fix: "write it as `key: value` lines indented under `\(path.split(separator: ".").last ?? "")`")
            return nil
        }
        var e: [(String, Int, Node)] = []
        for (k, v) in m {
            let name = k.string ?? "\(k)"
            let l = k.mark?.line ?? 0
            e.append((name, l, v))
            ctx.keyLines[path.isEmpty ? name : "\(path).\(name)"] = l
        }
        self.entries = e
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return s.string.isEmpty ? "an empty value" : "the value '\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    var keys: [String] { entries.map(\.key) }
    func node(_ key: String) -> Node? { entries.first { $0.key == key }?.value }
    func lineOf(_ key: String) -> Int { entries.first { $0.key == key }?.line ?? line }
    func has(_ key: String) -> Bool { node(key) != nil }

    /// Reports every key not in `known`, with the nearest valid key as the fix.
    func rejectUnknown(_ known: [String]) {
        for e in entries where !known.contains(e.key) {
            if let n = nearest(e.key, in: known) {
                ctx.error(e.line, keyPath(e.key), "unknown key '\(e.key)'", fix: "did you mean '\(n)'?")
            } else {
                ctx.error(e.line, keyPath(e.key), "unknown key '\(e.key)'",
                          fix: "valid keys here: \(known.joined(separator: ", "))")
            }
        }
    }

    func missing(_ key: String, fix: String) {
        ctx.error(line, keyPath(key), "required key '\(key)' is missing", fix: fix)
    }

    private func scalar(_ key: String, expected: String) -> (String, Int)? {
        guard let n = node(key) else { return nil }
        guard case .scalar(let s) = n else {
            ctx.error(lineOf(key), keyPath(key), "expected \(expected), found \(YAMLMap.describe(n))",
                      fix: "give a single \(expected)")
            return nil
        }
        return (s.string, n.mark?.line ?? lineOf(key))
    }

    func string(_ key: String) -> String? {
        guard let (s, _) = scalar(key, expected: "text") else { return nil }
        return s
    }

    func requiredString(_ key: String, fix: String) -> String? {
        guard has(key) else { missing(key, fix: fix); return nil }
        return string(key)
    }

    func double(_ key: String, unit: String = "", min: Double? = nil, max: Double? = nil,
                minFix: String? = nil) -> Double? {
        guard let (s, l) = scalar(key, expected: "number") else { return nil }
        guard let v = Double(s.trimmingCharacters(in: .whitespaces)), v.isFinite else {
            ctx.error(l, keyPath(key), "expected a number\(unit.isEmpty ? "" : " (\(unit))"), found '\(s)'",
                      fix: "write a number such as `\(key): \(min.map { TextFormat.plain(Swift.max($0, 1)) } ?? "10")`")
            return nil
        }
        if let lo = min, v < lo {
            ctx.error(l, keyPath(key), "\(TextFormat.plain(v))\(unit.isEmpty ? "" : " \(unit)") is below the minimum of \(TextFormat.plain(lo))\(unit.isEmpty ? "" : " \(unit)")",
                      fix: minFix ?? "set \(key) to \(TextFormat.plain(lo)) or more")
            return nil
        }
        if let hi = max, v > hi {
            ctx.error(l, keyPath(key), "\(TextFormat.plain(v))\(unit.isEmpty ? "" : " \(unit)") is above the maximum of \(TextFormat.plain(hi))\(unit.isEmpty ? "" : " \(unit)")",
                      fix: "set \(key) to \(TextFormat.plain(hi)) or less")
            return nil
        }
        return v
    }

    func int(_ key: String, min: Int? = nil, max: Int? = nil) -> Int? {
        guard let (s, l) = scalar(key, expected: "whole number") else { return nil }
        guard let v = Int(s.trimmingCharacters(in: .whitespaces)) else {
            ctx.error(l, keyPath(key), "expected a whole number, found '\(s)'",
                      fix: "write a whole number such as `\(key): \(min ?? 1)`")
            return nil
        }
        if let lo = min, v < lo {
            ctx.error(l, keyPath(key), "\(v) is below the minimum of \(lo)", fix: "set \(key) to \(lo) or more")
            return nil
        }
        if let hi = max, v > hi {
            ctx.error(l, keyPath(key), "\(v) is above the maximum of \(hi)", fix: "set \(key) to \(hi) or less")
            return nil
        }
        return v
    }

    func bool(_ key: String) -> Bool? {
        guard let (s, l) = scalar(key, expected: "true or false") else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            ctx.error(l, keyPath(key), "expected true or false, found '\(s)'", fix: "write `\(key): true` or `\(key): false`")
            return nil
        }
    }

    func oneOf<T>(_ key: String, _ choices: [(String, T)]) -> T? {
        guard let (s, l) = scalar(key, expected: "word") else { return nil }
        if let hit = choices.first(where: { $0.0.lowercased() == s.lowercased() }) { return hit.1 }
        let names = choices.map(\.0)
        let hint = nearest(s, in: names).map { "did you mean '\($0)'? " } ?? ""
        ctx.error(l, keyPath(key), "'\(s)' is not one of \(names.joined(separator: " | "))",
                  fix: "\(hint)use one of \(names.joined(separator: ", "))")
        return nil
    }

    func map(_ key: String) -> YAMLMap? {
        guard let n = node(key) else { return nil }
        return YAMLMap(n, path: keyPath(key), ctx: ctx)
    }

    /// A list of scalars; a single scalar is accepted as a one-element list.
    func stringList(_ key: String) -> [String]? {
        guard let n = node(key) else { return nil }
        switch n {
        case .scalar(let s): return [s.string]
        case .sequence(let seq):
            var out: [String] = []
            for item in seq {
                guard case .scalar(let s) = item else {
                    ctx.error(item.mark?.line ?? lineOf(key), keyPath(key), "expected a list of words, found \(YAMLMap.describe(item))",
                              fix: "write it as [a, b]")
                    return nil
                }
                out.append(s.string)
            }
            return out
        default:
            ctx.error(lineOf(key), keyPath(key), "expected a list, found \(YAMLMap.describe(n))", fix: "write it as [a, b]")
            return nil
        }
    }
}
