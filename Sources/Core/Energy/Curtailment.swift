/// Whether to limit the inverter's output: at a negative injection price the site injects
/// nothing it could use itself (the limit follows what the house, the cars and the battery
/// take); at a positive price the limit is lifted. At exactly zero the last decision stands,
/// so a price hovering around zero does not toggle the inverter. A price that is not known or
/// not fresh never curtails: curtailing on a wrong price throws away energy for nothing.
public struct CurtailmentDecider: Sendable, Equatable {
    public private(set) var curtailing = false
    public init() {}

    /// The inverter's active-power limit (W), or nil for no limit.
    /// `siteUseW`: what the site can absorb now besides the grid (consumption plus what the
    /// battery can still charge).
    public mutating func decide(injectPrice: Double?, fresh: Bool, siteUseW: Double) -> Double? {
        guard let p = injectPrice, fresh else { curtailing = false; return nil }
        if p < 0 { curtailing = true } else if p > 0 { curtailing = false }
        return curtailing ? max(0, siteUseW) : nil
    }
}
