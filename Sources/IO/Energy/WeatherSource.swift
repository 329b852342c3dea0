import Foundation
import KwartierCore

/// Fetches the hourly cloud cover from Open-Meteo's forecast API (`energy.forecast.api`, so
/// tests point it at an emulator) for the configured place. Keeps the last good forecast in the
/// data directory: a failing source leaves it in use, with an alert.
public struct WeatherSource {
    public let api: String
    public let latitude: Double
    public let longitude: Double
    public let cachePath: String?
    public init(api: String, latitude: Double, longitude: Double, cachePath: String?) {
        self.api = api; self.latitude = latitude; self.longitude = longitude; self.cachePath = cachePath
    }

    /// The source of `config.energy`, when it asks for Open-Meteo.
    public static func make(_ config: SiteConfig) -> WeatherSource? {
        guard let e = config.energy, case .openMeteo(let api) = e.weather else { return nil }
        return WeatherSource(api: api, latitude: e.latitude, longitude: e.longitude,
                             cachePath: (config.site.dataDir as NSString).appendingPathComponent("weather.json"))
    }

    /// Cloud cover per hour start (s since 1970, 0…1) around `now`, or the last good one with the problem.
    public func fetch(now: Date) throws -> WeatherUpdate {
        // JSON object keys are strings: the cache keeps the hours as text.
        let (stored, problem) = try LastGood<[String: Double]>(path: cachePath).fetch {
            Dictionary(uniqueKeysWithValues: try fetchFresh(now: now).map { (String(Int($0.key)), $0.value) })
        }
        let cover = Dictionary(uniqueKeysWithValues: stored.compactMap { k, v in Double(k).map { ($0, v) } })
        return WeatherUpdate(cloudCover: cover, problem: problem.map { "weather: \($0); using the last good forecast" })
    }

    func fetchFresh(now: Date) throws -> [Double: Double] {
        var c = URLComponents(string: api)
        c?.queryItems = OpenMeteo.query(latitude: latitude, longitude: longitude, now: now).map { URLQueryItem(name: $0.0, value: $0.1) }
        guard let url = c?.url?.absoluteString else { throw DeviceError.io("Open-Meteo: '\(api)' is not a URL") }
        let r = try CloudHTTP(timeoutS: 20).send("GET", url, what: "Open-Meteo forecast")
        guard r.status == 200 else {
            throw DeviceError.io("Open-Meteo answered HTTP \(r.status)" + Self.reason(r.body))
        }
        return try OpenMeteo.cloudCover(json: r.body)
    }

    /// Open-Meteo's `{"error": true, "reason": "…"}`, as ": reason".
    static func reason(_ body: Data) -> String {
        guard let o = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let r = o["reason"] as? String else { return "" }
        return ": \(r)"
    }
}
