/// One configuration problem, located in the file: "kwartier.yaml:23: chargepoints.cp1.min_a: …".
public struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var file: String
    public var line: Int
    /// Dotted key path, e.g. `chargepoints.cp1.min_a`.
    public var key: String
    public var message: String
    /// What to do about it.
    public var fix: String
    public var severity: Severity = .error

    public var description: String {
        let loc = line > 0 ? "\(file):\(line)" : file
        let tag = severity == .warning ? "warning: " : ""
        return "\(loc): \(tag)\(key): \(message) — \(fix)"
    }
}

/// Thrown when a configuration has at least one error; carries every problem found.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]
    public var errors: [ConfigProblem] { problems.filter { $0.severity == .error } }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Edit distance, for "did you mean" suggestions.
func levenshtein(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// The valid word closest to `word`, if it is close enough to be a likely typo.
func nearest(_ word: String, in candidates: [String]) -> String? {
    let scored = candidates.map { ($0, levenshtein(word.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= Swift.max(2, word.count / 2) && best.1 < word.count ? best.0 : nil
}
