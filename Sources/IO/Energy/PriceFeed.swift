import Foundation
import KwartierCore

/// Fetches the prices off the site loop: at start, every `refresh_s`, and — for a file source —
/// as soon as the file changes. Each result goes to the loop as one `.prices` event; a failing
/// source brings the last good series and its problem (the loop raises the alert).
// unchecked: its state is touched only on its own queue.
public final class PriceFeed: @unchecked Sendable {
    let source: PriceSource
    let refreshS: Double
    let deliver: @Sendable (PriceUpdate) -> Void
    let queue = DispatchQueue(label: "kwartier.prices")
    var lastFetchMono = -Double.infinity
    var fileStamp: Date??
    var stopped = false

    public init(source: PriceSource, refreshS: Double, deliver: @escaping @Sendable (PriceUpdate) -> Void) {
        self.source = source; self.refreshS = refreshS; self.deliver = deliver
    }

    /// The feed of `config.energy`'s price source, its last good series in `DATA_DIR/prices.json`.
    public static func make(_ config: SiteConfig, deliver: @escaping @Sendable (PriceUpdate) -> Void) -> PriceFeed? {
        guard let e = config.energy, let p = e.prices else { return nil }
        let cache = (config.site.dataDir as NSString).appendingPathComponent("prices.json")
        return PriceFeed(source: PriceSource(p, cachePath: cache), refreshS: e.refreshS, deliver: deliver)
    }

    public func start() { queue.async { self.poll() } }

    public func stop() { queue.sync { stopped = true } }

    func poll() {
        guard !stopped else { return }
        var due = Monotonic.now - lastFetchMono >= refreshS
        if case .file(let path) = source.source {
            let stamp = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            if fileStamp == nil || fileStamp! != stamp { fileStamp = .some(stamp); due = true }
        }
        if due {
            lastFetchMono = Monotonic.now
            do {
                let r = try source.fetch(now: Date())
                deliver(PriceUpdate(series: r.series, problem: r.alert))
            } catch {
                deliver(PriceUpdate(series: nil, problem: "prices: \(error); no earlier prices to fall back on"))
            }
        }
        queue.asyncAfter(deadline: .now() + 1) { [weak self] in self?.poll() }
    }
}
