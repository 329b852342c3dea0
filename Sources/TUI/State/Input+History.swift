import Foundation
import KwartierCore

/// The History screen's keys: they move through the days the snapshot's `HistoryView` holds.
extension UIState {
    /// Handles a History key; false for keys it leaves to the general map.
    mutating func historyKey(_ key: Key, _ s: SiteSnapshot?) -> Bool {
        let days = s?.history?.days ?? []
        let n = days.count
        func clamp(_ back: Int) -> Int { max(0, min(max(0, n - 1), back)) }
        let idx = max(0, n - 1 - clamp(historyBack))
        switch key {
        case .left, .up, .char("k"): historyBack = clamp(historyBack + 1)
        case .right, .down, .char("j"): historyBack = clamp(historyBack - 1)
        case .home: historyBack = clamp(n - 1)
        case .end: historyBack = 0
        case .pageUp:
            // The last day of the month before the selected day's.
            guard n > 0 else { return true }
            let month = days[idx].day.prefix(7)
            if let i = days[..<idx].lastIndex(where: { !$0.day.hasPrefix(month) }) { historyBack = clamp(n - 1 - i) } else { historyBack = clamp(n - 1) }
        case .pageDown:
            // The first day of the month after the selected day's (or the latest day).
            guard n > 0 else { return true }
            let month = days[idx].day.prefix(7)
            if let i = days[idx...].firstIndex(where: { !$0.day.hasPrefix(month) }) { historyBack = clamp(n - 1 - i) } else { historyBack = 0 }
        case .char("v"): historyMonthly.toggle()
        default: return false
        }
        return true
    }
}
