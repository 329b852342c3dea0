import Foundation
import KwartierCore

/// `kwartier check`: a Modbus charge point whose profile has no safe current register falls to
/// the charger's own default when it loses the hub, which the hub cannot know nor budget.
public enum SafeCurrentAudit {
    public static func warnings(_ config: SiteConfig, library: ProfileLibrary) -> [String] {
        var out: [String] = []
        for cp in config.chargepoints where !cp.transport.isRemote && cp.transport != .simulated {
            guard let p = library.profile(cp.driver), p.chargepoint != nil else { continue }
            guard let s = p.chargepoint?.safeCurrent else {
                out.append("warning: chargepoints.\(cp.id): \(p.name) has no safe current register; when it loses the hub it falls to "
                           + "its own default, not safe_a \(TextFormat.plain(cp.safeA)) A — set that default on the charger to at most "
                           + "\(TextFormat.plain(cp.safeA)) A")
                continue
            }
            if s.access == .readOnly {
                out.append("note: chargepoints.\(cp.id): \(p.name)'s safe current is set on the charger itself; set it to "
                           + "\(TextFormat.plain(cp.safeA)) A (the hub reads it back and shows a mismatch)")
            }
        }
        return out
    }
}
