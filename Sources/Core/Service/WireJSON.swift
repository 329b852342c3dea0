import Foundation

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
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .iso8601
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .custom { path in
            let key = path.last!
            if key.intValue != nil { return key }
            return WireKey(camelCase(key.stringValue))
        }
        d.dateDecodingStrategy = .iso8601
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// Words written in capitals in property names (units).
    static let capitalWords: Set<String> = ["kw"]

    /// `month_peak_kw` → `monthPeakKW`, `rtt_p50_ms` → `rttP50Ms`, `session_k_wh` → `sessionKWh`.
    public static func camelCase(_ snake: String) -> String {
        guard snake.contains("_") else { return snake }
        let parts = snake.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = parts.first else { return snake }
        var out = String(first)
        for p in parts.dropFirst() {
            if capitalWords.contains(String(p)) { out += p.uppercased() } else { out += p.prefix(1).uppercased() + p.dropFirst() }
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
