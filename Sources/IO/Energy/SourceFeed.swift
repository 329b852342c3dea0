import Foundation
import KwartierCore

/// Fetches a source off the site loop (prices, weather): at start, every `refreshS`, and — for a
/// file — as soon as the file changes. Each fetch's result goes to the loop as one event; a
/// failing source brings its last good data and its problem (the loop raises the alert).
// unchecked: its state is touched only on its own queue.
public final class SourceFeed: @unchecked Sendable {
    let refreshS: Double
    let watchedFile: String?
    let fetch: () -> SiteEvent
    let deliver: @Sendable (SiteEvent) -> Void
    let queue: DispatchQueue
    var lastFetchMono = -Double.infinity
    var fileStamp: Date??
    var stopped = false

    public init(label: String, refreshS: Double, watchedFile: String? = nil, fetch: @escaping () -> SiteEvent,
                deliver: @escaping @Sendable (SiteEvent) -> Void) {
        self.refreshS = refreshS; self.watchedFile = watchedFile; self.fetch = fetch; self.deliver = deliver
        queue = DispatchQueue(label: "kwartier.\(label)")
    }

    /// The prices of `config.energy`, their last good series in `DATA_DIR/prices.json`.
    public static func prices(_ config: SiteConfig, deliver: @escaping @Sendable (SiteEvent) -> Void) -> SourceFeed? {
        guard let e = config.energy, let p = e.prices else { return nil }
        let source = PriceSource(p, cachePath: (config.site.dataDir as NSString).appendingPathComponent("prices.json"))
        var file: String?
        if case .file(let path) = p { file = path }
        return SourceFeed(label: "prices", refreshS: e.refreshS, watchedFile: file, fetch: {
            do {
                let r = try source.fetch(now: Date())
                return .prices(PriceUpdate(series: r.series, problem: r.alert))
            } catch {
                return .prices(PriceUpdate(series: nil, problem: "prices: \(error); no earlier prices to fall back on"))
            }
        }, deliver: deliver)
    }

    /// Open-Meteo's cloud cover for `energy.forecast`, hourly, the last good one in `DATA_DIR/weather.json`.
    public static func weather(_ config: SiteConfig, deliver: @escaping @Sendable (SiteEvent) -> Void) -> SourceFeed? {
        guard let source = WeatherSource.make(config) else { return nil }
        return SourceFeed(label: "weather", refreshS: config.energy?.weatherRefreshS ?? 3600, fetch: {
            do { return .weather(try source.fetch(now: Date())) } catch {
                return .weather(WeatherUpdate(cloudCover: nil, problem: "weather: \(error); no earlier forecast to fall back on"))
            }
        }, deliver: deliver)
    }

    public func start() { queue.async { self.poll() } }

    public func stop() { queue.sync { stopped = true } }

    func poll() {
        guard !stopped else { return }
        var due = Monotonic.now - lastFetchMono >= refreshS
        if let path = watchedFile {
            let stamp = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            if fileStamp == nil || fileStamp! != stamp { fileStamp = .some(stamp); due = true }
        }
        if due {
            lastFetchMono = Monotonic.now
            deliver(fetch())
        }
        queue.asyncAfter(deadline: .now() + 1) { [weak self] in self?.poll() }
    }
}
