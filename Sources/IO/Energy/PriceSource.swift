import Foundation
import KwartierCore

/// Fetches day-ahead prices from the configured source: the ENTSO-E transparency platform's
/// REST API (`documentType=A44`, the bidding zone as in and out domain, a UTC period), a CSV or
/// JSON file, or a command's output. Keeps the last good series in the data directory so a
/// failing source leaves it in use (with an alert), never no prices at all.
public struct PriceSource {
    public let source: EnergyConfig.PriceSource
    public let cachePath: String?
    public init(_ source: EnergyConfig.PriceSource, cachePath: String?) { self.source = source; self.cachePath = cachePath }

    public struct Result {
        public var series: PriceSeries
        /// Set when the source failed and the last good series is used instead.
        public var alert: String?
    }

    /// Prices around `now` (from its UTC day for two days), or the last good ones with an alert.
    public func fetch(now: Date) throws -> Result {
        let (s, problem) = try LastGood<PriceSeries>(path: cachePath).fetch { try fetchFresh(now: now) }
        guard let problem else { return Result(series: s, alert: nil) }
        let when = s.fetchedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "an unknown time"
        return Result(series: s, alert: "prices: \(problem); using the last good prices (fetched \(when))")
    }

    func fetchFresh(now: Date) throws -> PriceSeries {
        switch source {
        case let .entsoe(zone, tokenFile, api):
            guard let raw = FileManager.default.contents(atPath: tokenFile),
                  let token = String(data: raw, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
                throw DeviceError.io("ENTSO-E: the token file \(tokenFile) cannot be read or is empty")
            }
            let day = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyyMMddHHmm"
            let start = f.string(from: Date(timeIntervalSince1970: day - 86_400))
            let end = f.string(from: Date(timeIntervalSince1970: day + 2 * 86_400))
            var c = URLComponents(string: api)
            c?.queryItems = [URLQueryItem(name: "securityToken", value: token), URLQueryItem(name: "documentType", value: "A44"),
                             URLQueryItem(name: "in_Domain", value: zone), URLQueryItem(name: "out_Domain", value: zone),
                             URLQueryItem(name: "periodStart", value: start), URLQueryItem(name: "periodEnd", value: end)]
            guard let url = c?.url?.absoluteString else { throw DeviceError.io("ENTSO-E: '\(api)' is not a URL") }
            let r = try CloudHTTP(timeoutS: 20).send("GET", url, what: "ENTSO-E day-ahead prices")
            let body = String(decoding: r.body, as: UTF8.self)
            if r.status == 401 { throw DeviceError.io("ENTSO-E refused the security token (HTTP 401)") }
            guard r.status == 200 else {
                throw DeviceError.io("ENTSO-E answered HTTP \(r.status)" + (EntsoeDocument.reason(xml: body).map { ": \($0)" } ?? ""))
            }
            return try EntsoeDocument.prices(xml: body, fetchedAt: now)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else { throw DeviceError.io("prices file \(path) cannot be read") }
            return try PriceFile.parse(String(decoding: data, as: UTF8.self), fetchedAt: now)
        case .command(let cmd):
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", cmd]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw DeviceError.io("prices command '\(cmd)' exited with \(p.terminationStatus)") }
            return try PriceFile.parse(String(decoding: data, as: UTF8.self), fetchedAt: now)
        }
    }
}
