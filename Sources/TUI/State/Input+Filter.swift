import Foundation
import KwartierCore

/// The Points screen's filter keys: `/` starts typing the filter, typed characters and
/// Backspace edit it, Enter keeps it, Esc clears it (while typing or after).
extension UIState {
    /// True when the key was the filter's.
    mutating func filterKey(_ key: Key, _ s: SiteSnapshot?) -> Bool {
        if filterEditing {
            switch key {
            case .char(let c): pointFilter.append(c)
            case .backspace: if !pointFilter.isEmpty { pointFilter.removeLast() }
            case .enter: filterEditing = false
            case .escape: filterEditing = false; pointFilter = ""
            default: return false        // moving the selection while typing works
            }
            if let s { selectShownPoint(s) }
            return true
        }
        switch key {
        case .char("/"): filterEditing = true
        case .escape where !pointFilter.isEmpty: pointFilter = ""
        default: return false
        }
        return true
    }

    /// Keeps the selection on a point the filter shows (the first one when it hides the selected).
    mutating func selectShownPoint(_ s: SiteSnapshot) {
        guard !pointFilter.isEmpty, selectedPoint >= s.points.count || !PointFilter.matches(s.points[selectedPoint], pointFilter)
        else { return }
        if let first = PointFilter.visible(s, pointFilter).first { selectedPoint = first }
    }
}
