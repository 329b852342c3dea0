import Foundation

/// Open-Meteo's forecast API as the PV forecast uses it: the request's parameters and the hourly
/// cloud cover out of its JSON answer (`hourly.time` in unix seconds, `hourly.cloud_cover` in %).
public enum OpenMeteo {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The query for hourly cloud cover at a place from the UTC day of `now` for three days.
    public static func query(latitude: Double, longitude: Double, now: Date) -> [(String, String)] {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return [("latitude", String(latitude)), ("longitude", String(longitude)), ("hourly", "cloud_cover"),
                ("timeformat", "unixtime"), ("timezone", "GMT"),
                ("start_date", f.string(from: now)), ("end_date", f.string(from: now.addingTimeInterval(2 * 86_400)))]
    }

    /// Cloud cover (0…1) per hour start (s since 1970); hours without a value are left out.
    public static func cloudCover(json: Data) throws -> [Double: Double] {
        guard let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw Failure(description: "Open-Meteo: the answer is not a JSON object")
        }
        if root["error"] as? Bool == true {
            throw Failure(description: "Open-Meteo: \(root["reason"] as? String ?? "error without a reason")")
        }
        guard let hourly = root["hourly"] as? [String: Any], let times = hourly["time"] as? [Any],
              let cover = hourly["cloud_cover"] as? [Any] else {
            throw Failure(description: "Open-Meteo: the answer has no hourly time and cloud_cover")
        }
        guard times.count == cover.count else {
            throw Failure(description: "Open-Meteo: \(times.count) times but \(cover.count) cloud_cover values")
        }
        var out: [Double: Double] = [:]
        for (t, c) in zip(times, cover) {
            guard let t = (t as? NSNumber)?.doubleValue else {
                throw Failure(description: "Open-Meteo: hourly time '\(t)' is not unix seconds (ask timeformat=unixtime)")
            }
            guard let c = (c as? NSNumber)?.doubleValue else { continue }   // null: no forecast for that hour
            out[t] = min(1, max(0, c / 100))
        }
        return out
    }
}

/// What a weather fetch brought: the hourly cloud cover in force (fresh, or the last good one
/// when the source failed) and the source's problem, if any.
public struct WeatherUpdate: Sendable, Equatable {
    public var cloudCover: [Double: Double]?
    public var problem: String?
    public init(cloudCover: [Double: Double]?, problem: String?) { self.cloudCover = cloudCover; self.problem = problem }
}
