import Foundation
import Synchronization
import Logging
import KwartierCore

/// The hub on an MQTT broker: publishes its state under the configured topic root, takes
/// commands on `…/set` topics (through the same path as `kwartier set`: `submit`, answered on
/// `<root>/result`) and announces itself to Home Assistant.
///
/// Never in the way of control: the loop hands over its snapshot and returns (only the latest
/// one is kept); the work runs on this link's own queue, the network on libmosquitto's thread.
/// At most `maxInFlight` messages wait for the network at any time: a broker that takes
/// the connection but not the bytes costs a bounded amount of memory, and the states it missed
/// go out when it reads again (or after the reconnect).
// unchecked: its connection state is touched on its own queue only; the command sink is a Mutex.
public final class MQTTLink: @unchecked Sendable {
    public typealias Submit = @Sendable (UserCommand, @escaping CommandAnswers.Answer) -> Void

    public let mqtt: MQTTConfig
    let config: SiteConfig
    let discovery: HADiscovery
    private let sink = Mutex<Submit?>(nil)
    /// Where messages from the other hubs of a fleet go (the runtime's event channel).
    let hubSink = Mutex<(@Sendable (HubIncoming) -> Void)?>(nil)
    let log = Logger(label: "mqtt")
    let queue = DispatchQueue(label: "kwartier.mqtt")
    let record: DiscoveryRecord
    let maxInFlight: Int

    // Handed over by the loop; the latest only.
    private let latest = Mutex<(snapshot: SiteSnapshot?, scheduled: Bool)>((nil, false))

    // On `queue` only.
    private var client: MosquittoClient?
    private var connected = false
    private var everConnected = false
    private var lastRefusal: Int32 = 0
    private var inFlight = Set<Int32>()
    private var policy = MQTTPublishPolicy()
    private var snapshot: SiteSnapshot?
    private var published = 0
    private var windowFull = 0

    public init(config: SiteConfig, mqtt: MQTTConfig, version: String, maxInFlight: Int = 500) {
        self.config = config
        self.maxInFlight = maxInFlight
        self.mqtt = mqtt
        discovery = HADiscovery(config: config, mqtt: mqtt, version: version)
        record = DiscoveryRecord(dataDir: config.site.dataDir, log: log)
    }

    public struct StartError: Error, CustomStringConvertible { public let description: String }

    /// Where commands go (the runtime's `submit`); until set, commands are refused.
    public func setCommandSink(_ s: @escaping Submit) { sink.withLock { $0 = s } }

    /// Reads the password and starts connecting. A broker that is down is not an error (the link
    /// keeps trying); an unreadable password file or a bad TLS set-up is.
    public func start() throws {
        var password: String?
        if let f = mqtt.passwordFile {
            do { password = try CloudAccount.readPassword(f, key: "mqtt.password_file") } catch {
                throw StartError(description: "\(error)")
            }
        }
        let c: MosquittoClient
        do {
            c = try MosquittoClient(.init(host: mqtt.host, port: mqtt.port, clientID: mqtt.clientID, username: mqtt.username,
                                          password: password, tls: mqtt.tls, caFile: mqtt.caFile,
                                          willTopic: "\(mqtt.topic)/status", willPayload: "offline"))
        } catch { throw StartError(description: "\(error)") }
        c.onConnect = { [weak self] rc in guard let me = self else { return }; me.queue.async { me.connected(rc) } }
        c.onDisconnect = { [weak self] rc in guard let me = self else { return }; me.queue.async { me.disconnected(rc) } }
        c.onPublish = { [weak self] mid in guard let me = self else { return }; me.queue.async { me.sent(mid) } }
        c.onMessage = { [weak self] topic, data in guard let me = self else { return }; me.queue.async { me.message(topic, data) } }
        queue.sync { client = c }
        log.notice("connecting to \(mqtt.tls ? "mqtts" : "mqtt")://\(mqtt.host):\(mqtt.port) as \(mqtt.clientID), topics under \(mqtt.topic)/")
        do { try c.start() } catch { throw StartError(description: "\(error)") }
    }

    /// From the loop's task after every decision: keeps the snapshot and returns at once.
    public func publish(_ s: SiteSnapshot) {
        let schedule = latest.withLock { l -> Bool in
            l.snapshot = s
            if l.scheduled { return false }
            l.scheduled = true
            return true
        }
        if schedule {
            queue.async { [self] in
                snapshot = latest.withLock { l in l.scheduled = false; return l.snapshot }
                flush()
            }
        }
    }

    /// Says offline (retained) and disconnects.
    public func stop() {
        queue.sync {
            guard let c = client else { return }
            if connected { _ = c.publish("\(mqtt.topic)/status", "offline", qos: 0, retain: true) }
            c.stop(connected: connected)
            client = nil
            connected = false
            log.notice("disconnected; \(published) state messages published")
        }
    }

    // MARK: on the queue

    private func connected(_ rc: Int32) {
        guard rc == 0, let c = client else {
            // libmosquitto tries again with backoff; the same refusal is said once.
            if rc != lastRefusal { log.error("the broker refused the connection: \(MosquittoClient.connackText(rc))") }
            lastRefusal = rc
            return
        }
        lastRefusal = 0
        connected = true
        inFlight.removeAll()
        policy.reset()
        log.notice(everConnected ? "reconnected to the broker" : "connected to the broker")
        everConnected = true
        c.limitSendBuffer(64 * 1024)
        for s in MQTTCommandTopics.subscriptions(root: mqtt.topic) { c.subscribe(s, qos: 1) }
        c.subscribe("\(mqtt.discoveryPrefix)/status", qos: 1)
        for t in hubSubscriptions { c.subscribe(t, qos: 0) }
        _ = send("\(mqtt.topic)/status", "online", retain: true)
        announce(removeStale: true)
        flush()
    }

    private func disconnected(_ rc: Int32) {
        guard connected else { return }
        connected = false
        inFlight.removeAll()
        if rc != 0 { log.warning("lost the broker (\(MosquittoClient.text(rc))); control goes on, reconnecting with backoff") }
    }

    private func sent(_ mid: Int32) {
        if inFlight.remove(mid) != nil { flush() }
    }

    /// The Home Assistant device configs; on a new connection also the empty configs of devices
    /// announced before that this configuration no longer has.
    private func announce(removeStale: Bool) {
        let devices = discovery.devices()
        let now = Set(devices.map(\.topic))
        if removeStale {
            for old in record.load() where !now.contains(old) && send(old, "", retain: true) {
                log.notice("removed \(old) from Home Assistant (no longer configured)")
            }
        }
        for d in devices { _ = send(d.topic, d.payload, retain: true) }
        record.save(Array(now))
    }

    private func flush() {
        guard connected, let s = snapshot else { return }
        let mono = Monotonic.now
        for (topic, payload) in policy.due(MQTTStateTopics.states(s), mono: mono) {
            guard send("\(mqtt.topic)/\(topic)", payload, retain: true) else { return }
            policy.markSent(topic, payload, mono: mono)
            published += 1
        }
    }

    /// Every message goes out with QoS 0 and counts until libmosquitto has written it: nothing
    /// waits for an acknowledgement the broker may never send, and what did not go out before a
    /// disconnect is published again after the next connect. False when not sent (the window is
    /// full, or the connection is gone).
    func send(_ topic: String, _ payload: String, retain: Bool) -> Bool {
        guard connected, let c = client else { return false }
        guard inFlight.count < maxInFlight else { windowFull += 1; return false }
        guard case .success(let mid) = c.publish(topic, payload, qos: 0, retain: retain) else { return false }
        inFlight.insert(mid)
        return true
    }

    /// For tests: messages handed to libmosquitto and not yet written, and how often the window was full.
    func window() -> (inFlight: Int, full: Int, published: Int) { queue.sync { (inFlight.count, windowFull, published) } }

    private func message(_ topic: String, _ data: Data) {
        if hubMessage(topic, data) { return }
        if topic == "\(mqtt.discoveryPrefix)/status" {
            if String(decoding: data, as: UTF8.self) == "online" {
                log.info("Home Assistant is online: announcing the devices again")
                announce(removeStale: false)
                policy.reset()
                flush()
            }
            return
        }
        let prefix = mqtt.topic + "/"
        guard topic.hasPrefix(prefix) else { return }
        let payload = String(decoding: data, as: UTF8.self)
        switch MQTTCommandTopics.parse(topic: String(topic.dropFirst(prefix.count)), payload: payload) {
        case .failure(let e):
            log.warning("refused \(topic) '\(payload.prefix(40))': \(e.reason)")
            answer(topic, payload, .failure(e))
        case .success(let cmd):
            guard let submit = sink.withLock({ $0 }) else {
                answer(topic, payload, .failure("the hub is starting"))
                return
            }
            submit(cmd) { [weak self] r in guard let me = self else { return }; me.queue.async { me.answer(topic, payload, r) } }
        }
    }

    private func answer(_ topic: String, _ payload: String, _ r: Result<String, ControlProtocol.Refusal>) {
        if !send("\(mqtt.topic)/result", MQTTCommandTopics.result(topic: topic, payload: payload, r), retain: false) {
            log.warning("the answer to \(topic) could not be published (broker gone or not reading)")
        }
    }
}
