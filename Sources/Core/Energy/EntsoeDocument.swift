import Foundation

/// Reads the ENTSO-E transparency platform's answer to a day-ahead price query
/// (`documentType=A44`): a `Publication_MarketDocument` whose `TimeSeries` hold `Period`s with a
/// UTC `timeInterval`, a `resolution` (PT15M or PT60M) and `Point`s (`position` from 1,
/// `price.amount` in €/MWh). Under curve type A03 a position that repeats the previous price is
/// left out, so a missing position takes the price before it. When there is nothing to answer
/// the platform sends an `Acknowledgement_MarketDocument` with a reason instead.
///
/// A small scanner rather than an XML library: the documents are flat and Core stays free of I/O
/// and system libraries.
public enum EntsoeDocument {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func prices(xml: String, fetchedAt: Date? = nil) throws -> PriceSeries {
        if xml.contains("Acknowledgement_MarketDocument") {
            let reason = elements("text", in: xml).first ?? "no reason given"
            throw Failure(message: "ENTSO-E answered with no prices: \(reason)")
        }
        guard xml.contains("Publication_MarketDocument") else {
            throw Failure(message: "not an ENTSO-E publication document (no Publication_MarketDocument)")
        }
        var blocks: [(start: Date, stepS: Int, price: Double)] = []
        for period in elements("Period", in: xml) {
            guard let interval = elements("timeInterval", in: period).first,
                  let s = elements("start", in: interval).first.flatMap(date), let e = elements("end", in: interval).first.flatMap(date),
                  let res = elements("resolution", in: period).first else {
                throw Failure(message: "a Period without its timeInterval or resolution")
            }
            guard let step = ["PT15M": 900, "PT30M": 1800, "PT60M": 3600][res] else {
                throw Failure(message: "unknown resolution \(res) (expected PT15M or PT60M)")
            }
            var byPosition: [Int: Double] = [:]
            for point in elements("Point", in: period) {
                guard let p = elements("position", in: point).first.flatMap({ Int($0) }),
                      let v = elements("price.amount", in: point).first.flatMap({ Double($0) }) else {
                    throw Failure(message: "a Point without a whole position or a numeric price.amount")
                }
                byPosition[p] = v
            }
            let count = Int(e.timeIntervalSince(s)) / step
            var last: Double?
            for k in 1...max(1, count) {
                if let v = byPosition[k] { last = v }
                guard let v = last else { throw Failure(message: "the Period starting \(s) has no price at position 1") }
                blocks.append((s.addingTimeInterval(Double((k - 1) * step)), step, v))
            }
        }
        guard let first = blocks.map(\.start).min(), let step = blocks.map(\.stepS).min() else {
            throw Failure(message: "the document holds no prices")
        }
        let end = blocks.map { $0.start.addingTimeInterval(Double($0.stepS)) }.max()!
        var values = [Double?](repeating: nil, count: Int(end.timeIntervalSince(first)) / step)
        // The first series to cover a slot wins (a later sequence does not overwrite it).
        for b in blocks {
            let i0 = Int(b.start.timeIntervalSince(first)) / step
            for i in i0..<(i0 + b.stepS / step) where i < values.count && values[i] == nil { values[i] = b.price }
        }
        guard !values.contains(where: { $0 == nil }) else { throw Failure(message: "the prices have a gap") }
        return PriceSeries(start: first, stepS: step, eurPerMWh: values.map { $0! }, fetchedAt: fetchedAt)
    }

    /// The reason an acknowledgement document gives, if the text is one.
    public static func reason(xml: String) -> String? {
        xml.contains("Acknowledgement_MarketDocument") ? elements("text", in: xml).first : nil
    }

    /// The text of every `<name>…</name>` (attributes allowed, namespaces not), in order.
    static func elements(_ name: String, in text: String) -> [String] {
        var out: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(name)") {
            let after = rest[open.upperBound...]
            guard let c = after.first, c == ">" || c == " " || c == "\n" || c == "\t" else { rest = after; continue }
            guard let gt = after.firstIndex(of: ">") else { break }
            let body = after[after.index(after: gt)...]
            guard let close = body.range(of: "</\(name)>") else { break }
            out.append(String(body[..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines))
            rest = body[close.upperBound...]
        }
        return out
    }

    /// "2023-07-29T22:00Z" (the platform's form) or with seconds.
    static func date(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return d }
        if s.hasSuffix("Z"), s.count == 17 { return f.date(from: String(s.dropLast()) + ":00Z") }
        return nil
    }
}
