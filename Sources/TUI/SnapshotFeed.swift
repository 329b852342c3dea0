import Foundation
import Synchronization
import KwartierCore

/// The one way the core side hands snapshots to the dashboard: `publish` from any thread (the
/// control loop after each decision); the dashboard's UI thread takes the newest. Older
/// snapshots that were never drawn are simply replaced — the dashboard shows the latest state,
/// not every state.
public final class SnapshotFeed: Sendable {
    private struct State {
        var snapshot: SiteSnapshot?
        var version: UInt64 = 0
        var listener: (@Sendable () -> Void)?
    }
    private let state: Mutex<State>

    public init(initial: SiteSnapshot? = nil) {
        state = Mutex(State(snapshot: initial, version: initial == nil ? 0 : 1))
    }

    /// Stores `s` as the newest snapshot and wakes the dashboard. Thread-safe, never blocks on
    /// the UI.
    public func publish(_ s: SiteSnapshot) {
        let l = state.withLock { st in
            st.snapshot = s
            st.version &+= 1
            return st.listener
        }
        l?()
    }

    /// The newest snapshot and its version number (0 = none yet).
    public func latest() -> (SiteSnapshot?, UInt64) {
        state.withLock { ($0.snapshot, $0.version) }
    }

    /// Called (on the publishing thread) after each publish; the dashboard posts an event.
    func setListener(_ l: (@Sendable () -> Void)?) {
        state.withLock { $0.listener = l }
    }
}
