import Foundation

/// A message from another hub of the fleet, as the MQTT link parsed it.
public enum HubIncoming: Sendable, Equatable {
    /// To a child: its allowance from its parent.
    case allowance(HubAllowance)
    /// To a parent: a child hub's draw.
    case draw(hub: String, HubDraw)
}

/// What a decision tells the other hubs (the shell publishes it).
public enum HubOutgoing: Sendable, Equatable {
    /// From a parent: a child's allowance.
    case allowance(hub: String, HubAllowance)
    /// From a child: its own draw.
    case draw(HubDraw)
}

/// One hub's side of the links to the others: as a child, the allowance it receives; as a
/// parent, each child's budget and the allowances it hands out. Pure; times are the loop's
/// monotonic seconds. `SiteController` owns one.
public struct HubLinks: Sendable {
    /// This hub as a child (nil: it has its own main meter).
    public private(set) var allowance: AllowanceReceiver?
    /// Each child by level index, and the level of each child's name.
    public private(set) var children: [Int: RemoteHubBudget] = [:]
    let childLevel: [String: Int]
    let childName: [Int: String]
    let boot: UInt64
    var seq: UInt64 = 0
    var wasValid: Bool?
    var wasFresh: [Int: Bool] = [:]

    /// `boot` names this run of the hub (its start in ms) in the allowances it sends.
    public init(site: CompiledSite, boot: UInt64) {
        self.boot = boot
        let c = site.config
        if let r = c.parentHub { allowance = AllowanceReceiver(validityS: r.validityS) }
        var lv: [String: Int] = [:], nm: [Int: String] = [:]
        for l in site.remoteLevels {
            guard let hub = c.level(site.levelIds[l])?.remote?.hub else { continue }
            lv[hub] = l; nm[l] = hub
            children[l] = RemoteHubBudget(validityS: c.level(site.levelIds[l])?.remote?.validityS ?? RemoteLink.defaultValidityS)
        }
        childLevel = lv; childName = nm
    }

    public var isEmpty: Bool { allowance == nil && children.isEmpty }

    /// Takes a message; true when it is an allowance taken (a child decides on it).
    @discardableResult
    public mutating func receive(_ m: HubIncoming, at mono: Double) -> Bool {
        switch m {
        case .allowance(let a):
            return allowance?.receive(a, at: mono) ?? false
        case let .draw(hub, d):
            guard let l = childLevel[hub] else { return false }
            children[l]?.receive(d, at: mono)
            return false
        }
    }

    /// Fills the decision's input: each child's load, this hub's allowance.
    public func fill(_ input: inout ControlInput, at mono: Double) {
        for (l, b) in children { input.remote[l] = b.load(at: mono) }
        input.allowanceA = allowance?.valid(at: mono)?.limitA
    }

    /// After a decision: the messages to publish (and remembers the allowances sent), and lines
    /// for the log when a link is lost or back.
    public mutating func after(_ d: Decision, site: CompiledSite, at mono: Double) -> (out: [HubOutgoing], notes: [String]) {
        var out: [HubOutgoing] = [], notes: [String] = []
        for l in children.keys.sorted() {
            guard let hub = childName[l], let limit = d.allowances[site.levelIds[l]], var b = children[l] else { continue }
            // Not before it was heard: until then its safe budget is not known here, and without
            // an allowance it holds that budget by itself.
            guard b.draw != nil else { continue }
            seq += 1
            let a = HubAllowance(id: AllowanceID(boot: boot, seq: seq), limitA: limit, validityS: b.validityS)
            b.sent(a, at: mono)
            children[l] = b
            out.append(.allowance(hub: hub, a))
            let fresh = b.fresh(at: mono)
            if wasFresh[l] != fresh && (wasFresh[l] != nil || !fresh) {
                let load = b.load(at: mono).budgetA
                notes.append(fresh ? "hub \(hub) reports again: board \(site.levelIds[l]) follows its draw"
                                   : "hub \(hub) silent for \(TextFormat.plain(b.validityS)) s: board \(site.levelIds[l]) counted at \(amps(load)) A until it reports")
            }
            wasFresh[l] = fresh
        }
        if let r = allowance, let draw = d.hubDrawA {
            let valid = r.valid(at: mono)
            out.append(.draw(HubDraw(drawA: draw.map { max(0, $0) }, safeA: site.safeBudget, applying: valid?.id)))
            if wasValid != (valid != nil) {
                notes.append(valid != nil ? "allowance from the parent hub: \(amps(valid!.limitA)) A"
                                          : "no valid allowance from the parent hub: every point at its safe current at most (\(amps(site.safeBudget)) A)")
            }
            wasValid = valid != nil
        }
        return (out, notes)
    }

    func amps(_ p: PhaseValues) -> String { "\(TextFormat.plain(p.l1, maxDecimals: 1))/\(TextFormat.plain(p.l2, maxDecimals: 1))/\(TextFormat.plain(p.l3, maxDecimals: 1))" }
}
