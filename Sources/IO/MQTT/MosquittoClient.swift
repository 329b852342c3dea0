import Foundation
import CMosquitto

/// One libmosquitto client and its network thread (`mosquitto_loop_start`): the thread connects,
/// reconnects with exponential backoff (1 s to 60 s) and runs the callbacks. `publish` and
/// `subscribe` only queue packets for that thread, so no caller ever waits on the network.
// unchecked: owns a libmosquitto handle; callbacks are set before the network thread starts and run on it.
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
    private let gone = DispatchSemaphore(value: 0)
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
        mosquitto_disconnect_callback_set(mosq) { _, obj, rc in
            guard let me = MosquittoClient.me(obj) else { return }
            me.onDisconnect?(rc)
            if rc == 0 { me.gone.signal() }
        }
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

    /// Caps the kernel's send buffer of the current connection: a broker that stops reading
    /// holds at most this much of the hub's old states (the kernel would otherwise grow it to
    /// megabytes), and the rest waits in the link as the latest state instead.
    func limitSendBuffer(_ bytes: Int32) {
        let fd = mosquitto_socket(mosq)
        guard fd >= 0 else { return }
        var b = bytes
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &b, socklen_t(MemoryLayout<Int32>.size))
    }

    func subscribe(_ pattern: String, qos: Int32) {
        _ = mosquitto_subscribe(mosq, nil, pattern, qos)
    }

    /// Disconnects cleanly (what was queued before goes first) and stops the thread. Waits at
    /// most `graceS` for the broker to take it: a broker that stopped reading, or a thread
    /// waiting out its backoff, does not hold up the hub's exit.
    func stop(connected: Bool, graceS: Double = 2) {
        guard running else { return }
        running = false
        let rc = mosquitto_disconnect(mosq)
        let clean = connected && rc == MOSQ_ERR_SUCCESS.rawValue && gone.wait(timeout: .now() + graceS) == .success
        _ = mosquitto_loop_stop(mosq, !clean)
    }

    deinit {
        if running { _ = mosquitto_loop_stop(mosq, true) }
        mosquitto_destroy(mosq)
    }
}
