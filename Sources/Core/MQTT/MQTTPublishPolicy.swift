/// Change-driven publishing with a ceiling and a floor: a state goes out when its payload
/// changed, but one topic at most once per `minIntervalS` (a noisy reading cannot flood the
/// broker or Home Assistant's recorder), and every state again after `maxIntervalS` even when
/// unchanged (a reader that missed a message catches up). Pure; `mono` is the caller's clock.
public struct MQTTPublishPolicy: Sendable {
    public var minIntervalS: Double
    public var maxIntervalS: Double
    var sent: [String: (payload: String, at: Double)] = [:]

    public init(minIntervalS: Double = 1, maxIntervalS: Double = 60) {
        self.minIntervalS = minIntervalS; self.maxIntervalS = maxIntervalS
    }

    /// The states to publish now, in the order given. Nothing is recorded until `markSent`:
    /// what the link could not send stays due.
    public func due(_ states: [(String, String)], mono: Double) -> [(String, String)] {
        states.filter { topic, payload in
            guard let last = sent[topic] else { return true }
            let age = mono - last.at
            if age >= maxIntervalS { return true }
            return last.payload != payload && age >= minIntervalS
        }
    }

    public mutating func markSent(_ topic: String, _ payload: String, mono: Double) {
        sent[topic] = (payload, mono)
    }

    /// After a reconnect (a clean session, a broker that may have lost retained messages):
    /// everything is due again.
    public mutating func reset() { sent = [:] }
}
