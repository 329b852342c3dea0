/// Semantic style roles: what a cell *means*. Themes map each role to colours and attributes,
/// so widgets never name a colour (htop's and btop's approach), and a monochrome scheme can
/// still tell roles apart with bold/reverse/underline.
public enum Role: UInt8, CaseIterable, Sendable {
    case normal, dim, label, value
    case title, tabActive, tabInactive, clock
    case frame, frameTitle, header, selected
    case ok, warn, crit
    case flowImport, flowExport, flowSource, flowLoad, flowIdle
    case barOK, barWarn, barCrit, barEmpty
    case sliderAverage, sliderForecast, sliderOver, sliderTrack, sliderMarker, peakMarker
    case lightOn, lightOff, lightWarn, lightError
    case footerKey, footerText, message
    case alertInfo, alertWarn, alertCrit
    case overlay, overlayTitle
    case logDebug, logInfo, logWarn, logError

    /// The key used in theme files (e.g. `flow_import`).
    public var key: String {
        // camelCase → snake_case, an upper-case run counting as one word (barOK → bar_ok).
        var out = ""
        var prevLower = false
        for ch in String(describing: self) {
            if ch.isUppercase && prevLower { out += "_" }
            out += ch.lowercased()
            prevLower = ch.isLowercase
        }
        return out
    }
    public static let byKey: [String: Role] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.key, $0) })
}
