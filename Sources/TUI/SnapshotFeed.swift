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
        var notice: String?
        var timeZone: TimeZone?
        var noticeVersion: UInt64 = 0
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

    /// A standing line for the message bar (an attached dashboard: "the hub went away"), nil to
    /// clear it. Thread-safe.
    public func setNotice(_ text: String?) { update(\.notice, text) }

    /// The site's clock, for a dashboard that learns it from the hub (applied on the UI thread).
    public func setTimeZone(_ tz: TimeZone) { update(\.timeZone, tz) }

    /// Sets a standing field; on a change, bumps its version and wakes the dashboard.
    private func update<V: Equatable>(_ field: WritableKeyPath<State, V>, _ value: V) {
        let wake = state.withLock { st -> (@Sendable () -> Void)? in
            guard st[keyPath: field] != value else { return nil }
            st[keyPath: field] = value
            st.noticeVersion &+= 1
            return st.listener
        }
        wake?()
    }

    func latestTimeZone() -> TimeZone? {
        state.withLock { $0.timeZone }
    }

    /// The standing notice and its version number.
    func latestNotice() -> (String?, UInt64) {
        state.withLock { ($0.notice, $0.noticeVersion) }
    }

    /// Called (on the publishing thread) after each publish; the dashboard posts an event.
    func setListener(_ l: (@Sendable () -> Void)?) {
        state.withLock { $0.listener = l }
    }
}
