import Foundation

extension ConfigValidator {
    /// `remote:` levels: a parent's board fed by a child hub, or a child hub's grid under its parent.
    func checkRemote() {
        let g = config.grid
        if g.meter == .remote && g.remote?.parent == nil {
            err(g.line, "grid.remote", "`meter: remote` but no parent hub to take the limit from",
                "add `remote: { parent: NAME }` with the parent hub's mqtt.client_id")
        }
        if let r = g.remote {
            if r.hub != nil {
                err(g.line, "grid.remote.hub", "the grid cannot be another hub's tree",
                    "a child hub's grid names its parent: `remote: { parent: NAME }`; `hub:` goes on a board of the parent")
            }
            if r.parent != nil && g.meter != .remote {
                err(g.line, "grid.meter", "a grid under a parent hub is measured by its own charge points",
                    "set `meter: remote` (this hub has no main meter of its own; its parent has)")
            }
        }
        var hubs: [String: String] = [:]
        for b in config.boards {
            let key = "boards.\(b.id)"
            if b.remote?.parent != nil {
                err(b.line, "\(key).remote.parent", "a board cannot take its limit from a parent hub",
                    "`remote: { parent: NAME }` is for the grid of a child hub; a board of a parent hub takes `remote: { hub: NAME }`")
            }
            if b.meter == .remote && b.remote?.hub == nil {
                err(b.line, "\(key).meter", "`meter: remote` but no hub feeds this board",
                    "add `remote: { hub: NAME }` with the child hub's mqtt.client_id")
            }
            guard let hub = b.remote?.hub else { continue }
            if b.meter != .remote {
                err(b.line, "\(key).meter", "a remote board is measured by the draw its hub publishes",
                    "remove `meter:` (or write `meter: remote`)")
            }
            let points = config.chargepoints.filter { $0.board == b.id }.map(\.id)
            let boards = config.boards.filter { $0.parent == b.id }.map(\.id)
            if !(points + boards).isEmpty {
                err(b.line, key, "remote board '\(b.id)' has \((points + boards).joined(separator: ", ")) under it",
                    "hub \(hub) drives this board's whole tree: configure those points and boards on that hub")
            }
            if let other = hubs[hub] {
                err(b.line, "\(key).remote.hub", "hub '\(hub)' already feeds board \(other)", "give each child hub one board")
            } else { hubs[hub] = b.id }
            if let me = config.mqtt?.clientID, me == hub {
                err(b.line, "\(key).remote.hub", "'\(hub)' is this hub's own name on the broker", "name the child hub's mqtt.client_id")
            }
        }
        if let me = config.mqtt?.clientID, config.parentHub?.parent == me {
            err(g.line, "grid.remote.parent", "'\(me)' is this hub's own name on the broker", "name the parent hub's mqtt.client_id")
        }
        if config.inFleet && config.mqtt == nil {
            let first = config.levels.first { $0.remote != nil || $0.meter == .remote }!
            err(first.line, first.parent == nil ? "grid.remote" : "boards.\(first.id).remote",
                "hubs share a connection over MQTT, but there is no `mqtt:` section",
                "add `mqtt: { url: mqtt://BROKER:1883 }` (the same broker and `topic` on every hub of the fleet)")
        }
    }
}
