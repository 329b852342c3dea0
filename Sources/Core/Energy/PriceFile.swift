import Foundation

/// Prices from a file or a command's output (`energy.prices.source: file | command`): CSV lines
/// `time,eur_per_mwh` (ISO 8601 times with an offset or Z, a header line allowed), or JSON
/// `[{"time": "…", "eur_per_mwh": …}, …]`. The times must be evenly spaced by 15 or 60 minutes.
public enum PriceFile {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public static func parse(_ text: String, fetchedAt: Date? = nil) throws -> PriceSeries {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var rows: [(Date, Double)] = []
        if trimmed.hasPrefix("[") {
            struct Row: Decodable { let time: String; let eur_per_mwh: Double }
            let decoded: [Row]
            do { decoded = try JSONDecoder().decode([Row].self, from: Data(trimmed.utf8)) } catch {
                throw Failure(message: "JSON prices must be a list of {\"time\": \"2023-07-30T12:00:00+02:00\", \"eur_per_mwh\": -28.03}")
            }
            for (i, r) in decoded.enumerated() {
                guard let t = date(r.time) else { throw Failure(message: "entry \(i + 1): '\(r.time)' is not an ISO 8601 time with an offset") }
                rows.append((t, r.eur_per_mwh))
            }
        } else {
            for (n, raw) in trimmed.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty || line.hasPrefix("#") { continue }
                let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if n == 0, f.count == 2, Double(f[1]) == nil { continue }   // a header
                guard f.count == 2, let t = date(f[0]), let v = Double(f[1]), v.isFinite else {
                    throw Failure(message: "line \(n + 1): expected `time,eur_per_mwh` such as `2023-07-30T12:00:00+02:00,-28.03`, found '\(line)'")
                }
                rows.append((t, v))
            }
        }
        guard let first = rows.first else { throw Failure(message: "no prices in the file") }
        let step = rows.count > 1 ? Int(rows[1].0.timeIntervalSince(first.0)) : 3600
        guard step == 900 || step == 3600 else { throw Failure(message: "prices must be 15 or 60 minutes apart, not \(step) s") }
        for i in 1..<max(1, rows.count) where Int(rows[i].0.timeIntervalSince(rows[i - 1].0)) != step {
            throw Failure(message: "entry \(i + 1): not \(step / 60) minutes after the one before (a gap or a duplicate)")
        }
        return PriceSeries(start: first.0, stepS: step, eurPerMWh: rows.map(\.1), fetchedAt: fetchedAt)
    }

    static func date(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: s)
    }
}
