import Foundation
import Synchronization
import KwartierCore

/// Carries a site loop's history effects into a store on its own serial queue (the decision
/// path never waits for the disk): `kwartier simulate --history`, and tests. `SiteOutputs` does
/// the same for `run` and `demo` on its file queue.
public final class HistorySink: Sendable {
    public let store: HistoryStore
    private let queue = DispatchQueue(label: "kwartier.history")
    private let failure = Mutex<String?>(nil)

    public init(store: HistoryStore) { self.store = store }

    /// Takes the effects that are records; ignores the others.
    public func carryOut(_ e: SiteEffect) {
        let store = store
        switch e {
        case .recordQuarter(let q): write { try store.record(q) }
        case let .recordEnergy(quarter, day, kwh): write { try store.addEnergy(quarter: quarter, day: day, kwh: kwh) }
        case .recordSession(let s): write { try store.record(s) }
        case .recordMeterReading(let r): write { try store.record(r) }
        default: break
        }
    }

    private func write(_ w: @escaping @Sendable () throws -> Void) {
        queue.async { [self] in
            do { try w() } catch {
                let text = "\(error)"
                failure.withLock { if $0 == nil { $0 = text } }
            }
        }
    }

    /// Waits for every write; the first error, if any.
    public func drain() -> String? {
        queue.sync {}
        return failure.withLock { $0 }
    }
}
