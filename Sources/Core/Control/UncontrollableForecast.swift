import Foundation

/// The one case where a quarter may close above the slider: the load Kwartier cannot control —
/// the house (everything the meter sees that is not a managed point or a device served before
/// the cars), those devices while they draw, lost chargers at their budget and cars in manual
/// mode — would take it there by itself, with every car it controls stopped.
public struct UncontrollableForecast: Sendable, Equatable, Codable {
    public struct Part: Sendable, Equatable, Codable {
        public var name: String
        public var kw: Double
    }
    /// Start of the quarter, and its label on the site's wall clock ("10:15").
    public var quarterStart: Date
    public var quarterLabel: String
    /// The quarter's average if the uncontrollable load stays as it is (kW), and the target.
    public var closeKW: Double
    public var targetKW: Double
    /// What draws now, largest first (kW).
    public var parts: [Part]

    /// "quarter 10:15 will close at 9.4 kW: house 8.1 kW, heat pump 1.3 kW — nothing left to shed"
    public var text: String {
        "quarter \(quarterLabel) will close at \(fmt1(closeKW)) kW: "
            + parts.map { "\($0.name) \(fmt1($0.kw)) kW" }.joined(separator: ", ") + " — nothing left to shed"
    }

    /// nil unless the uncontrollable power `uncontrollableW` exceeds what the rest of the quarter
    /// may draw (`quarter.allowedKW`) by enough to close the quarter above its target (+0.01 kW).
    static func make(quarter q: QuarterStatus, leftS: Double, uncontrollableW: Double, parts: [Part],
                     timeZone: TimeZone) -> UncontrollableForecast? {
        let overKW = (uncontrollableW / 1000 - q.allowedKW) * leftS / 900
        guard overKW > 0.01, leftS > 0 else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.hour, .minute], from: q.start)
        let label = String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        return UncontrollableForecast(quarterStart: q.start, quarterLabel: label, closeKW: q.targetKW + overKW,
                                      targetKW: q.targetKW, parts: parts.filter { $0.kw >= 0.05 }.sorted { $0.kw > $1.kw })
    }
}
