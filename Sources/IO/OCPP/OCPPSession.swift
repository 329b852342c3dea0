import Foundation
import Synchronization
import Logging
import NIOCore
import NIOWebSocket
import KwartierCore

/// One charger's WebSocket connection. Its handler runs on the connection's event loop: it answers
/// the charger's CALLs (boot, heartbeat, status, meter values, transactions) and resolves the
/// answers to the hub's own CALLs, which `call` sends from the point's executor and waits for.
/// OCPP-J allows one outstanding CALL each way, so `call` takes a slot first.
// unchecked: handler state on its event loop; what other threads touch is under its lock.
final class OCPPSession: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    struct Limits {
        /// More CALLs than this within `floodWindowS` and the charger is cut off.
        var floodMessages = 100
        var floodWindowS = 10.0
        var pingEveryS = 10.0
        /// Silent (no frame, no pong) for this long: the connection is dead.
        var silentAfterS = 35.0
        var callTimeoutS = 5.0
    }

    let chargerId: String
    let peer: String
    let points: [OCPPPointState]
    let server: OCPPServerConfig
    let limits: Limits
    let log: Logger
    let transactions: OCPPTransactionCounter

    // Set once in handlerAdded.
    private(set) var channel: Channel?
    // Event loop only.
    private var lastHeard = Monotonic.now
    private var window: (start: Double, count: Int) = (0, 0)
    private var pingTask: RepeatedTask?
    private var booted = false
    private var txConnector: [Int: Int] = [:]
    // Any thread, under `lock`.
    private let lock = NSLock()
    private var pending: [String: Pending] = [:]
    private var nextId = 0
    private var _ready = false
    private let callSlot = DispatchSemaphore(value: 1)
    private let setupQueue: DispatchQueue

    final class Pending {
        let done = DispatchSemaphore(value: 0)
        var result: Result<[String: Any], Error> = .failure(DeviceError.io("no answer"))
    }

    init(chargerId: String, peer: String, points: [OCPPPointState], server: OCPPServerConfig, limits: Limits,
         transactions: OCPPTransactionCounter, log: Logger) {
        self.chargerId = chargerId; self.peer = peer; self.points = points; self.server = server
        self.limits = limits; self.transactions = transactions; self.log = log
        setupQueue = DispatchQueue(label: "kwartier.ocpp.\(chargerId)")
    }

    /// Boot configuration done: leases may be sent.
    var ready: Bool { lock.lock(); defer { lock.unlock() }; return _ready }

    // MARK: channel events

    func handlerAdded(context: ChannelHandlerContext) {
        channel = context.channel
        for p in points { p.attach(self) }
        log.notice("OCPP \(chargerId) connected from \(peer)")
        let every = TimeAmount.milliseconds(Int64(limits.pingEveryS * 1000))
        let ch = context.channel
        pingTask = context.eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { [weak self] _ in
            guard let self else { return }
            if Monotonic.now - self.lastHeard > self.limits.silentAfterS {
                self.log.warning("OCPP \(self.chargerId): silent for \(Int(self.limits.silentAfterS)) s, closing")
                ch.close(promise: nil)
                return
            }
            ch.writeAndFlush(WebSocketFrame(fin: true, opcode: .ping, data: ch.allocator.buffer(string: "kw")), promise: nil)
        }
        // A charger that reconnects after a network outage does not boot again: configure it anyway.
        context.eventLoop.scheduleTask(in: .seconds(3)) { [weak self] in
            guard let self, !self.booted else { return }
            self.booted = true
            self.setupQueue.async { self.configure() }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pingTask?.cancel()
        for p in points { p.detach(self) }
        lock.lock()
        let all = pending; pending = [:]; _ready = false
        lock.unlock()
        for (_, p) in all { p.result = .failure(DeviceError.io("OCPP \(chargerId) disconnected")); p.done.signal() }
        log.warning("OCPP \(chargerId) disconnected")
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        lastHeard = Monotonic.now
        switch frame.opcode {
        case .text:
            var d = frame.unmaskedData
            let text = d.readString(length: d.readableBytes) ?? ""
            if flooded() {
                log.warning("OCPP \(chargerId) from \(peer): more than \(limits.floodMessages) messages in \(Int(limits.floodWindowS)) s, cut off")
                close(context, code: .policyViolation)
                return
            }
            handle(text, context: context)
        case .binary:
            send(context, OCPPFrame.error(id: "-1", code: "FormationViolation", description: "OCPP-J uses text frames"))
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            close(context, code: .normalClosure)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        log.warning("OCPP \(chargerId): \(error)")
        context.close(promise: nil)
    }

    private func flooded() -> Bool {
        let now = Monotonic.now
        if now - window.start > limits.floodWindowS { window = (now, 0) }
        window.count += 1
        return window.count > limits.floodMessages
    }

    private func close(_ context: ChannelHandlerContext, code: WebSocketErrorCode) {
        var buf = context.channel.allocator.buffer(capacity: 2)
        buf.write(webSocketErrorCode: code)
        let channel = context.channel     // the channel is Sendable, the context is not
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: buf))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func send(_ context: ChannelHandlerContext, _ f: OCPPFrame) {
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: context.channel.allocator.buffer(string: f.text))), promise: nil)
    }

    // MARK: incoming

    private func handle(_ text: String, context: ChannelHandlerContext) {
        switch OCPPFrame.parse(text) {
        case .failure(let m):
            log.info("OCPP \(chargerId): malformed frame answered with \(m.code): \(m.description)")
            send(context, .error(id: m.id, code: m.code, description: m.description))
        case let .success(.result(id, payload)):
            resolve(id, .success(payload))
        case let .success(.error(id, code, description)):
            resolve(id, .failure(DeviceError.exception("OCPP \(chargerId) answered with CALLERROR \(code)\(description.isEmpty ? "" : ": \(description)")")))
        case let .success(.call(id, action, payload)):
            switch answer(action, payload) {
            case .success(let reply): send(context, .result(id: id, payload: reply))
            case .failure(let e): send(context, .error(id: id, code: e.code, description: e.description))
            }
        }
    }

    private func resolve(_ id: String, _ r: Result<[String: Any], Error>) {
        lock.lock()
        let p = pending.removeValue(forKey: id)
        lock.unlock()
        guard let p else { return }   // late answer to a call that timed out
        p.result = r
        p.done.signal()
    }

    private func point(_ connector: Int) -> OCPPPointState? { points.first { $0.link.connector == connector } }

    private func idTagInfo(_ tag: String?) -> [String: Any] {
        let ok = server.idTags.map { list in tag.map(list.contains) ?? false } ?? true
        return ["status": ok ? "Accepted" : "Invalid"]
    }

    /// The answer to one of the charger's CALLs, or the CALLERROR for a payload that is not right.
    private func answer(_ action: String, _ p: [String: Any]) -> Result<[String: Any], OCPPFrame.Malformed> {
        let v = OCPPPayload(p)
        let now = OCPPFrame.timestamp(Date())
        switch action {
        case "BootNotification":
            guard let vendor = v.string("chargePointVendor"), let model = v.string("chargePointModel") else { return .failure(v.problem!) }
            log.notice("OCPP \(chargerId): boot, \(vendor) \(model)")
            booted = true
            setupQueue.async { [weak self] in self?.configure() }
            return .success(["status": "Accepted", "currentTime": now, "interval": server.heartbeatS])
        case "Heartbeat":
            return .success(["currentTime": now])
        case "StatusNotification":
            guard let c = v.int("connectorId"), let status = v.string("status"), let code = v.string("errorCode") else { return .failure(v.problem!) }
            if let pt = point(c) {
                pt.setStatus(status, errorCode: code)
            } else if c == 0, status == "Faulted" {
                log.warning("OCPP \(chargerId): the charger reports Faulted (\(code))")
            }
            return .success([:])
        case "MeterValues":
            guard let c = v.int("connectorId"), let mv = v.objects("meterValue") else { return .failure(v.problem!) }
            point(c)?.setReading(OCPPMeterReading(meterValue: mv), at: Monotonic.now)
            return .success([:])
        case "Authorize":
            guard let tag = v.string("idTag") else { return .failure(v.problem!) }
            return .success(["idTagInfo": idTagInfo(tag)])
        case "StartTransaction":
            guard let c = v.int("connectorId"), let tag = v.string("idTag"), let start = v.number("meterStart"),
                  v.string("timestamp") != nil else { return .failure(v.problem!) }
            let tx = transactions.next()
            txConnector[tx] = c
            point(c)?.startTransaction(meterStartKWh: start / 1000)
            return .success(["transactionId": tx, "idTagInfo": idTagInfo(tag)])
        case "StopTransaction":
            guard let tx = v.int("transactionId"), v.number("meterStop") != nil, v.string("timestamp") != nil else { return .failure(v.problem!) }
            if let c = txConnector.removeValue(forKey: tx) { point(c)?.stopTransaction() }
            return .success(["idTagInfo": ["status": "Accepted"]])
        case "DataTransfer":
            return .success(["status": "UnknownVendorId"])
        case "DiagnosticsStatusNotification", "FirmwareStatusNotification":
            return .success([:])
        default:
            return .failure(.init(id: "", code: "NotImplemented", description: "\(action) is not supported by this central system"))
        }
    }

    // MARK: outgoing

    /// Sends a CALL and waits for its answer. Never on the event loop.
    func call(_ action: String, _ payload: [String: Any], timeout: Double? = nil) throws -> [String: Any] {
        let t = timeout ?? limits.callTimeoutS
        guard let ch = channel, ch.isActive else { throw DeviceError.io("OCPP \(chargerId) is not connected") }
        precondition(!ch.eventLoop.inEventLoop, "OCPP calls block: never on the event loop")
        guard callSlot.wait(timeout: .now() + t) == .success else {
            throw DeviceError.timeout("OCPP \(chargerId): an earlier call is still unanswered")
        }
        defer { callSlot.signal() }
        let p = Pending()
        lock.lock()
        nextId += 1
        let id = "kw\(nextId)"
        pending[id] = p
        lock.unlock()
        let text = OCPPFrame.call(id: id, action: action, payload: payload).text
        ch.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: ch.allocator.buffer(string: text)), promise: nil)
        if p.done.wait(timeout: .now() + t) == .timedOut {
            lock.lock(); pending[id] = nil; lock.unlock()
            throw DeviceError.timeout("OCPP \(chargerId) did not answer \(action) within \(TextFormat.plain(t, maxDecimals: 1)) s")
        }
        return try p.result.get()
    }

    /// After boot: ask for the meter values the loop needs, install each connector's safe default
    /// profile, then send the leases the loop asked for meanwhile.
    func configure() {
        do {
            let measurands = "Current.Import,Power.Active.Import,Energy.Active.Import.Register"
            for (k, val) in [("MeterValuesSampledData", measurands), ("MeterValueSampleInterval", "\(server.meterIntervalS)")] {
                let r = try call("ChangeConfiguration", ["key": k, "value": val])
                if r["status"] as? String != "Accepted" {
                    log.warning("OCPP \(chargerId): ChangeConfiguration \(k) \(r["status"] as? String ?? "?")")
                }
            }
            if let r = try? call("GetConfiguration", ["key": ["ChargeProfileMaxStackLevel"]]),
               let kv = (r["configurationKey"] as? [[String: Any]])?.first, let level = kv["value"] as? String,
               let n = Int(level), n < OCPPChargingProfiles.leaseStackLevel {
                log.warning("OCPP \(chargerId): ChargeProfileMaxStackLevel is \(n): the lease profile cannot sit above the safe default")
            }
            for pt in points {
                let r = try call("SetChargingProfile", OCPPChargingProfiles.safeDefault(connector: pt.link.connector, safeA: pt.safeA))
                if r["status"] as? String != "Accepted" {
                    log.error("OCPP \(chargerId): the safe default profile was \(r["status"] as? String ?? "?")")
                }
            }
            lock.lock(); _ready = true; lock.unlock()
            log.notice("OCPP \(chargerId): configured")
        } catch {
            log.error("OCPP \(chargerId): configuration at boot failed: \(error)")
        }
    }

    /// Asks for a fresh MeterValues, without waiting (the reading arrives as a CALL of its own).
    func triggerMeterValues(connector: Int) {
        setupQueue.async { [weak self] in
            _ = try? self?.call("TriggerMessage", ["requestedMessage": "MeterValues", "connectorId": connector], timeout: 2)
        }
    }
}

/// Transaction ids, unique across the central system.
final class OCPPTransactionCounter: Sendable {
    private let n = Mutex(Int(Date().timeIntervalSince1970) % 1_000_000 * 10)
    func next() -> Int { n.withLock { $0 += 1; return $0 } }
}

