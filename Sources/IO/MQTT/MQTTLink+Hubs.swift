import Foundation
import KwartierCore

/// Several hubs on one connection: the messages between a parent and its children (topics in
/// `HubTopics`). The link only carries them: what they mean is decided in the core.
extension MQTTLink {
    /// Where the messages from the other hubs go (into the site loop's event stream).
    public func setHubSink(_ s: @escaping @Sendable (HubIncoming) -> Void) { hubSink.withLock { $0 = s } }

    /// From the loop's task after a decision: the allowances and the draw to publish.
    public func publishHub(_ out: [HubOutgoing]) {
        guard !out.isEmpty, let fleet = mqtt.fleetRoot else { return }
        queue.async { [self] in
            for m in out {
                switch m {
                case let .allowance(hub, a):
                    // Not retained: an old allowance must never reach a child that connects later.
                    _ = send(HubTopics.allowance(fleet: fleet, hub: hub), HubPayload.encode(a), retain: false)
                case .draw(let d):
                    // Retained: a parent that (re)starts knows at once what this hub draws and its safe budget.
                    _ = send(HubTopics.draw(fleet: fleet, hub: mqtt.clientID), HubPayload.encode(d), retain: true)
                }
            }
        }
    }

    /// This hub's allowance as a child; each child's draw as a parent.
    var hubSubscriptions: [String] {
        guard let fleet = mqtt.fleetRoot else { return [] }
        var t: [String] = []
        if config.parentHub != nil { t.append(HubTopics.allowance(fleet: fleet, hub: mqtt.clientID)) }
        for b in config.remoteBoards { if let h = b.remote?.hub { t.append(HubTopics.draw(fleet: fleet, hub: h)) } }
        return t
    }

    /// True when `topic` is a hub message (taken or refused here, never a command).
    func hubMessage(_ topic: String, _ data: Data) -> Bool {
        guard let fleet = mqtt.fleetRoot else { return false }
        let incoming: Result<HubIncoming, HubPayload.Invalid>
        if config.parentHub != nil && topic == HubTopics.allowance(fleet: fleet, hub: mqtt.clientID) {
            incoming = HubPayload.allowance(data).map { .allowance($0) }
        } else if let hub = config.remoteBoards.compactMap(\.remote?.hub).first(where: { topic == HubTopics.draw(fleet: fleet, hub: $0) }) {
            // An empty retained message clears the topic: nothing to take.
            if data.isEmpty { return true }
            incoming = HubPayload.draw(data).map { .draw(hub: hub, $0) }
        } else {
            return false
        }
        switch incoming {
        case .success(let m): hubSink.withLock { $0 }?(m)
        case .failure(let e): log.warning("refused \(topic): \(e.description)")
        }
        return true
    }
}
