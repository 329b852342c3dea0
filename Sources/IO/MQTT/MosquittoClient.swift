import Foundation
import CMosquitto

/// One libmosquitto client and its network thread (`mosquitto_loop_start`): the thread connects,
/// reconnects with exponential backoff (1 s to 60 s) and runs the callbacks. `publish` and
/// `subscribe` only queue packets for that thread, so no caller ever waits on the network.
final class MosquittoClient: @unchecked Sendable {
    struct Options {
        var host: String
        var port: Int
        var clientID: String
        var username: String?
        var password: String?
        var tls: Bool
        var caFile: String?
        /// The last will: published by the broker when the hub goes away without saying so.
        var willTopic: String
        var willPayload: String
        var keepaliveS: Int32 = 30
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Called on the network thread.
    var onConnect: ((Int32) -> Void)?
    var onDisconnect: ((Int32) -> Void)?
    var onPublish: ((Int32) -> Void)?
    var onMessage: ((String, Data) -> Void)?

    private let mosq: OpaquePointer
    private let options: Options
    private var running = false

    private static let libraryReady: Void = { mosquitto_lib_init(); return () }()

    init(_ o: Options) throws {
        _ = Self.libraryReady
        options = o
        guard let m = mosquitto_new(o.clientID, true, nil) else { throw Failure(description: "mqtt: cannot create a client (out of memory)") }
        mosq = m
        mosquitto_user_data_set(m, Unmanaged.passUnretained(self).toOpaque())
        do { try configure() } catch { mosquitto_destroy(m); throw error }
    }

    private func configure() throws {
        let o = options
        try check(mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V311)), "protocol version")
        if let u = o.username { try check(mosquitto_username_pw_set(mosq, u, o.password), "user name") }
        if o.tls {
            // No CA file: the system's trust store.
            let rc = o.caFile.map { mosquitto_tls_set(mosq, $0, nil, nil, nil, nil) }
                ?? mosquitto_tls_set(mosq, nil, "/etc/ssl/certs", nil, nil, nil)
            try check(rc, "TLS (ca_file \(o.caFile ?? "/etc/ssl/certs"))")
        }
        try check(mosquitto_will_set(mosq, o.willTopic, Int32(o.willPayload.utf8.count), o.willPayload, 1, true), "last will")
        try check(mosquitto_reconnect_delay_set(mosq, 1, 60, true), "reconnect delay")
        mosquitto_connect_callback_set(mosq) { _, obj, rc in MosquittoClient.me(obj)?.onConnect?(rc) }
        mosquitto_disconnect_callback_set(mosq) { _, obj, rc in MosquittoClient.me(obj)?.onDisconnect?(rc) }
        mosquitto_publish_callback_set(mosq) { _, obj, mid in MosquittoClient.me(obj)?.onPublish?(mid) }
        mosquitto_message_callback_set(mosq) { _, obj, msg in
            guard let me = MosquittoClient.me(obj), let msg = msg?.pointee, let t = msg.topic else { return }
            let data = msg.payloadlen > 0 && msg.payload != nil ? Data(bytes: msg.payload, count: Int(msg.payloadlen)) : Data()
            me.onMessage?(String(cString: t), data)
        }
    }

    private static func me(_ obj: UnsafeMutableRawPointer?) -> MosquittoClient? {
        obj.map { Unmanaged<MosquittoClient>.fromOpaque($0).takeUnretainedValue() }
    }

    private func check(_ rc: Int32, _ what: String) throws {
        guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw Failure(description: "mqtt: \(what): \(Self.text(rc))") }
    }

    static func text(_ rc: Int32) -> String {
        if rc == MOSQ_ERR_ERRNO.rawValue { return String(cString: strerror(errno)) }
        return String(cString: mosquitto_strerror(rc))
    }

    static func connackText(_ rc: Int32) -> String { String(cString: mosquitto_connack_string(rc)) }

    /// Starts the network thread and the first connection attempt. A broker that is down is not
    /// an error: the thread keeps trying.
    func start() throws {
        try check(mosquitto_loop_start(mosq), "network thread")
        running = true
        let rc = mosquitto_connect_async(mosq, options.host, Int32(options.port), options.keepaliveS)
        if rc != MOSQ_ERR_SUCCESS.rawValue && rc != MOSQ_ERR_ERRNO.rawValue && rc != MOSQ_ERR_NO_CONN.rawValue {
            // A refused or unreachable broker (errno) is retried by the thread; anything else is not.
            throw Failure(description: "mqtt: cannot connect to \(options.host):\(options.port): \(Self.text(rc))")
        }
    }

    /// Queues a message; returns its message id, or the library's error code as a failure.
    func publish(_ topic: String, _ payload: String, qos: Int32, retain: Bool) -> Result<Int32, Failure> {
        var mid: Int32 = 0
        let bytes = Array(payload.utf8)
        let rc = bytes.withUnsafeBytes { b in
            mosquitto_publish(mosq, &mid, topic, Int32(b.count), b.baseAddress, qos, retain)
        }
        return rc == MOSQ_ERR_SUCCESS.rawValue ? .success(mid) : .failure(Failure(description: Self.text(rc)))
    }

    func subscribe(_ pattern: String, qos: Int32) {
        _ = mosquitto_subscribe(mosq, nil, pattern, qos)
    }

    /// Disconnects cleanly (what was queued before goes first) and stops the thread; `force`
    /// when not connected, so that a thread waiting out its backoff is not waited for.
    func stop(force: Bool) {
        guard running else { return }
        running = false
        _ = mosquitto_disconnect(mosq)
        _ = mosquitto_loop_stop(mosq, force)
    }

    deinit {
        if running { _ = mosquitto_loop_stop(mosq, true) }
        mosquitto_destroy(mosq)
    }
}
