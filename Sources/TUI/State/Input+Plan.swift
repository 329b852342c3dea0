import Foundation
import KwartierCore

/// The Plan screen's keys: they move the selected quarter through the snapshot's plan.
extension UIState {
    /// Handles a Plan key; false for keys it leaves to the general map.
    mutating func planKey(_ key: Key, _ s: SiteSnapshot?) -> Bool {
        let n = s?.plan?.steps.count ?? 0
        let step: Int
        switch key {
        case .left: step = -1
        case .right: step = 1
        case .up, .char("k"): step = -4
        case .down, .char("j"): step = 4
        case .pageUp: step = -24
        case .pageDown: step = 24
        case .home: step = -100_000
        case .end: step = 100_000
        default: return false
        }
        planCursor = max(0, min(max(0, n - 1), planCursor + step))
        return true
    }
}
