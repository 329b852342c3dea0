import Foundation
import KwartierCore

/// `kwartier check`: `energy:` asks for a battery setpoint or curtailment that the inverter's
/// profile has no write registers for (unverified or not public): the hub reads it, never steers it.
public enum EnergyControlAudit {
    public static func warnings(_ config: SiteConfig, library: ProfileLibrary) -> [String] {
        guard let e = config.energy, e.battery != nil || e.curtail,
              let id = e.inverter ?? config.inverters.first?.id, let inv = config.inverters.first(where: { $0.id == id }),
              let p = library.profile(inv.driver), let spec = p.inverter else { return [] }
        var out: [String] = []
        if e.battery != nil && spec.batteryControl == nil {
            out.append("warning: energy.battery: \(p.name) has no battery write registers in its profile; the battery stays in its own mode")
        }
        if e.curtail && spec.pvLimit == nil {
            out.append("warning: energy.curtail: \(p.name) has no export or PV limit register in its profile; nothing is curtailed")
        }
        return out
    }
}
