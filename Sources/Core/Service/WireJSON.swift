import Foundation
import Synchronization

/// The JSON every public document of the hub uses — the control socket, `status.json`,
/// `explain --json`: snake_case keys, ISO 8601 dates, non-finite numbers as strings (an
/// unlimited level must not make a whole snapshot unencodable).
///
/// Foundation's `convertFromSnakeCase` cannot read back what `convertToSnakeCase` writes for a
/// property ending in an acronym (`sliderKW` → `slider_kw` → `sliderKw`), so decoding maps the
/// unit words back itself.
public enum WireJSON {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .custom { path in
            let key = path.last!
            if key.intValue != nil { return key }
            return WireKey(snakeKeys.name(key.stringValue))
        }
        e.dateEncodingStrategy = .iso8601
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .custom { path in
            let key = path.last!
            if key.intValue != nil { return key }
            // The encoder writes a dictionary's keys as they are (point ids); the decoder would
            // convert them too, so `cp_1` must be kept when it is a key of such a dictionary.
            if path.count >= 2, dictionaryProperties.contains(path[path.count - 2].stringValue) { return key }
            return WireKey(camelCase(key.stringValue))
        }
        d.dateDecodingStrategy = .iso8601
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// Properties of the public documents that are dictionaries keyed by ids.
    static let dictionaryProperties: Set<String> = ["energy"]

    /// Words whose capitals are not word starts: kWh, kW, state of charge (longest first).
    static let words: [(camel: String, snake: String)] = [("KWh", "kwh"), ("KW", "kw"), ("SoC", "soc")]

    /// Property names converted once: a 250-point status document has every key 250 times and is
    /// encoded every second.
    static let snakeKeys = SnakeKeys()

    /// `monthPeakKW` → `month_peak_kw`, `rttP50Ms` → `rtt_p50_ms`, `sessionKWh` → `session_kwh`,
    /// `batterySoC` → `battery_soc`.
    public static func snakeCase(_ camel: String) -> String {
        var s = camel
        for w in words where s.hasSuffix(w.camel) || s.contains(w.camel + "_") {
            s = s.replacingOccurrences(of: w.camel, with: "_" + w.snake)
        }
        let chars = Array(s)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isUppercase, i > 0 {
                let prev = chars[i - 1]
                let nextLower = i + 1 < chars.count && chars[i + 1].isLowercase
                if prev.isLowercase || prev.isNumber || (prev.isUppercase && nextLower) { out += "_" }
            }
            out += c.lowercased()
        }
        return out
    }

    /// The inverse of `snakeCase` for every property name of the public documents.
    public static func camelCase(_ snake: String) -> String {
        guard snake.contains("_") else { return snake }
        let parts = snake.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = parts.first else { return snake }
        var out = String(first)
        for p in parts.dropFirst() {
            if let w = words.first(where: { $0.snake == p }) { out += w.camel } else { out += p.prefix(1).uppercased() + p.dropFirst() }
        }
        return out
    }
}

struct WireKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// `WireJSON.snakeCase` of each property name met so far (a few hundred names, one table).
final class SnakeKeys: Sendable {
    private let table = Mutex<[String: String]>([:])
    func name(_ camel: String) -> String {
        if let s = table.withLock({ $0[camel] }) { return s }
        let s = WireJSON.snakeCase(camel)
        table.withLock { $0[camel] = s }
        return s
    }
}
