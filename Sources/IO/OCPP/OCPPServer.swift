import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOHTTP1
import NIOWebSocket
import KwartierCore

/// The OCPP 1.6J central system: charge points connect to `ws://HOST:PORT/<id>` with subprotocol
/// `ocpp1.6`. Each configured id is checked at the handshake (security profile 1: HTTP basic auth
/// with the charger's password from its file); an unknown id or a wrong password is refused with
/// 404/401 and logged once per peer. The passwords are never logged or shown.
// unchecked: its tables are under its lock; channels live on the server's event loop.
public final class OCPPServer: @unchecked Sendable {
    public struct StartError: Error, CustomStringConvertible { public let description: String }

    struct Charger {
        var password: String?
        var points: [OCPPPointState]
    }

    let config: OCPPServerConfig
    let chargers: [String: Charger]
    let limits: OCPPSession.Limits
    let transactions = OCPPTransactionCounter()
    let log = Logger(label: "ocpp")
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var serverChannel: Channel?
    private let lock = NSLock()
    private var refusalsLogged = Set<String>()

    /// The central system of `site`, or nil when it has none. Reads every password file now, so a
    /// missing one stops the start with its path.
    public static func make(_ site: SiteConfig) throws -> OCPPServer? { try make(site, limits: .init()) }

    static func make(_ site: SiteConfig, limits: OCPPSession.Limits) throws -> OCPPServer? {
        guard let c = site.ocpp else { return nil }
        var chargers: [String: Charger] = [:]
        for cp in site.chargepoints {
            guard case .ocpp(let link) = cp.transport else { continue }
            var ch = chargers[link.id] ?? Charger(password: nil, points: [])
            if let f = link.passwordFile {
                let text: String
                do { text = try String(contentsOfFile: f, encoding: .utf8) } catch {
                    throw StartError(description: "chargepoints.\(cp.id).ocpp.password_file: cannot read \(f) (\((error as NSError).localizedDescription))")
                }
                let pw = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if pw.isEmpty { throw StartError(description: "chargepoints.\(cp.id).ocpp.password_file: \(f) is empty") }
                ch.password = pw
            }
            ch.points.append(OCPPPointState(pointId: cp.id, link: link, safeA: cp.safeA))
            chargers[link.id] = ch
        }
        return OCPPServer(config: c, chargers: chargers, limits: limits)
    }

    init(config: OCPPServerConfig, chargers: [String: Charger], limits: OCPPSession.Limits) {
        self.config = config; self.chargers = chargers; self.limits = limits
    }

    func state(for pointId: String) -> OCPPPointState? {
        for (_, c) in chargers { if let p = c.points.first(where: { $0.pointId == pointId }) { return p } }
        return nil
    }

    // MARK: handshake

    enum Verdict {
        case accept(id: String, subprotocol: Bool)
        case refuse(HTTPResponseStatus, String)
    }

    /// The charge point id is the last part of the path (`/ocpp/CP009` works too).
    static func chargerId(_ uri: String) -> String? {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        guard let last = path.split(separator: "/").last else { return nil }
        return String(last).removingPercentEncoding
    }

    func authorize(_ head: HTTPRequestHead) -> Verdict {
        guard let id = Self.chargerId(head.uri), let charger = chargers[id] else {
            return .refuse(.notFound, "unknown charge point id '\(Self.chargerId(head.uri) ?? head.uri)'")
        }
        let offered = head.headers["Sec-WebSocket-Protocol"].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        if !offered.isEmpty && !offered.contains("ocpp1.6") {
            return .refuse(.badRequest, "\(id) offers \(offered.joined(separator: ", ")), not ocpp1.6")
        }
        if let pw = charger.password {
            guard let auth = head.headers.first(name: "Authorization"), auth.lowercased().hasPrefix("basic "),
                  let data = Data(base64Encoded: String(auth.dropFirst(6)).trimmingCharacters(in: .whitespaces)) else {
                return .refuse(.unauthorized, "\(id) sent no basic-auth password")
            }
            let pair = String(decoding: data, as: UTF8.self)
            guard let colon = pair.firstIndex(of: ":"), String(pair[..<colon]) == id,
                  Self.sameSecret(String(pair[pair.index(after: colon)...]), pw) else {
                return .refuse(.unauthorized, "\(id) sent a wrong user or password")
            }
        }
        return .accept(id: id, subprotocol: offered.contains("ocpp1.6"))
    }

    /// Compares without stopping at the first difference.
    static func sameSecret(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = x.count ^ y.count
        for i in 0..<max(x.count, y.count) { diff |= Int((i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)) }
        return diff == 0
    }

    func logRefusal(peer: String, reason: String) {
        let key = "\(peer.split(separator: ":").first ?? "") \(reason)"
        let first = lock.withLock { refusalsLogged.insert(key).inserted }
        if first { log.warning("OCPP: refused \(peer): \(reason)") }
    }

    // MARK: running

    public func start() throws {
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: 1 << 16,
            automaticErrorHandling: true,
            shouldUpgrade: { [self] channel, head in
                switch self.authorize(head) {
                case .refuse: return channel.eventLoop.makeSucceededFuture(nil)
                case .accept(_, let sub):
                    var h = HTTPHeaders()
                    if sub { h.add(name: "Sec-WebSocket-Protocol", value: "ocpp1.6") }
                    return channel.eventLoop.makeSucceededFuture(h)
                }
            },
            upgradePipelineHandler: { [self] channel, head in
                guard case .accept(let id, _) = self.authorize(head), let charger = self.chargers[id] else {
                    return channel.close()
                }
                // A charger that reconnects replaces its old connection.
                for p in charger.points { p.session?.channel?.close(promise: nil) }
                let peer = channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
                let session = OCPPSession(chargerId: id, peer: peer, points: charger.points, server: self.config,
                                          limits: self.limits, transactions: self.transactions, log: self.log)
                return channel.pipeline.removeHandler(name: "ocpp-refuse").flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandlers([
                        NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 64, maxAccumulatedFrameSize: 1 << 16),
                        session])
                }
            })
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.pipeline.configureHTTPServerPipeline(withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })).flatMap {
                    channel.pipeline.addHandler(OCPPRefusalHandler(server: self), name: "ocpp-refuse")
                }
            }
        do {
            serverChannel = try bootstrap.bind(host: config.host, port: config.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw StartError(description: "ocpp.listen: cannot listen on \(config.host):\(config.port) (\(error))")
        }
        log.notice("OCPP central system on ws://\(config.host):\(config.port)/<id>: \(chargers.keys.sorted().joined(separator: ", "))")
    }

    public func stop() {
        try? serverChannel?.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// A line per point for the dashboard's device list.
    public func health() -> [DeviceHealth] {
        chargers.keys.sorted().flatMap { id in
            chargers[id]!.points.map { p in
                let s = p.session
                return DeviceHealth(id: p.pointId, description: "OCPP \(id) connector \(p.link.connector)" + (s.map { " from \($0.peer)" } ?? ""),
                                    status: s == nil ? .lost : .ok, lastError: s == nil ? "not connected" : nil, bus: "ocpp")
            }
        }
    }
}

/// Answers an HTTP request that was not upgraded: why (404 unknown id, 401 password, 400), then closes.
// unchecked: a channel handler: used only on its channel's event loop.
final class OCPPRefusalHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let server: OCPPServer
    init(server: OCPPServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let status: HTTPResponseStatus, reason: String
        switch server.authorize(head) {
        case .refuse(let s, let r): status = s; reason = r
        case .accept(let id, _): status = .badRequest; reason = "\(id) did not ask for a WebSocket upgrade"
        }
        let peer = context.channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
        server.logRefusal(peer: peer, reason: reason)
        var h = HTTPHeaders()
        h.add(name: "Connection", value: "close")
        h.add(name: "Content-Length", value: "0")
        if status == .unauthorized { h.add(name: "WWW-Authenticate", value: "Basic realm=\"kwartier\"") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: h))), promise: nil)
        let channel = context.channel     // the channel is Sendable, the context is not
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
