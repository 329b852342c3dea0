import Foundation
import KwartierCore

/// The one way the core side hands snapshots to the dashboard: `publish` from any thread (the
/// control loop after each decision); the dashboard's UI thread takes the newest. Older
/// snapshots that were never drawn are simply replaced — the dashboard shows the latest state,
/// not every state.
public final class SnapshotFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var snapshot: SiteSnapshot?
    private var version: UInt64 = 0
    private var listener: (@Sendable () -> Void)?
    private var notice: String?
    private var timeZone: TimeZone?
    private var noticeVersion: UInt64 = 0

    public init(initial: SiteSnapshot? = nil) {
        snapshot = initial
        if initial != nil { version = 1 }
    }

    /// Stores `s` as the newest snapshot and wakes the dashboard. Thread-safe, never blocks on
    /// the UI.
    public func publish(_ s: SiteSnapshot) {
        lock.lock()
        snapshot = s
        version &+= 1
        let l = listener
        lock.unlock()
        l?()
    }

    /// The newest snapshot and its version number (0 = none yet).
    public func latest() -> (SiteSnapshot?, UInt64) {
        lock.lock(); defer { lock.unlock() }
        return (snapshot, version)
    }

    /// A standing line for the message bar (an attached dashboard: "the hub went away"), nil to
    /// clear it. Thread-safe.
    public func setNotice(_ text: String?) {
        lock.lock()
        guard text != notice else { lock.unlock(); return }
        notice = text
        noticeVersion &+= 1
        let l = listener
        lock.unlock()
        l?()
    }

    /// The site's clock, for a dashboard that learns it from the hub (applied on the UI thread).
    public func setTimeZone(_ tz: TimeZone) {
        lock.lock()
        guard tz != timeZone else { lock.unlock(); return }
        timeZone = tz
        noticeVersion &+= 1
        let l = listener
        lock.unlock()
        l?()
    }

    func latestTimeZone() -> TimeZone? {
        lock.lock(); defer { lock.unlock() }
        return timeZone
    }

    /// The standing notice and its version number.
    func latestNotice() -> (String?, UInt64) {
        lock.lock(); defer { lock.unlock() }
        return (notice, noticeVersion)
    }

    /// Called (on the publishing thread) after each publish; the dashboard posts an event.
    func setListener(_ l: (@Sendable () -> Void)?) {
        lock.lock(); listener = l; lock.unlock()
    }
}
