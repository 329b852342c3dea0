import Foundation
import Synchronization
import Logging
import NIOCore
import NIOPosix
import KwartierCore

/// The hub's control socket: a Unix socket (never TCP) speaking `ControlProtocol` v1 to the
/// attached dashboards and the `status`/`set`/`explain` tools.
///
/// It runs on its own event loop thread and never blocks the site loop: snapshots are handed
/// over with `publish` (kept as the newest, encoded once on a serial queue, offered to every
/// subscriber), commands go to the shell through `commandSink` and are answered when the shell
/// says the core took them. Each client's outgoing data is bounded by the channel's write
/// watermarks: a client that does not read has its older snapshots dropped (only the newest
/// waits) and its requests no longer read until it catches up.
// unchecked: the snapshot, sink and client table are under its lock; channels live on its event loop.
public final class ControlServer: @unchecked Sendable {
    /// Hands a command to the loop; `answer` is called once the core took it or refused it.
    public typealias CommandSink = @Sendable (UserCommand, @escaping @Sendable (Result<String, ControlProtocol.Refusal>) -> Void) -> Void

    public static let maxClients = 64
    /// A client that sent part of a line and nothing more for this long is dropped.
    public static let partialLineTimeoutS: Int64 = 10
    /// Bad requests a client may send before it is dropped.
    public static let maxBadRequests = 20

    public let path: String
    let helloLine: String
    let log = Logger(label: "control")
    private let lock = NSLock()
    private var sink: CommandSink?
    private var snapshot: SiteSnapshot?
    private var status: StatusDocument?
    private var clients: [ObjectIdentifier: ClientHandler] = [:]
    private var subscribers: [ObjectIdentifier: ClientHandler] = [:]
    private var pendingSnapshot: SiteSnapshot?
    private var encoding = false
    private let encodeQueue = DispatchQueue(label: "kwartier.control.encode")
    private var group: MultiThreadedEventLoopGroup?
    private var listener: Channel?

    public init(path: String, site: String, mode: String, version: String, timeZone: String) {
        self.path = path
        helloLine = ControlProtocol.hello(site: site, mode: mode, version: version, timeZone: timeZone)
    }

    public func setCommandSink(_ s: @escaping CommandSink) { lock.withLock { sink = s } }

    /// Binds the socket (a stale one is replaced), mode 0660. Throws with a message saying why not.
    public func start() throws {
        if let note = try ControlSocketPath.prepare(path) { log.notice("\(note)") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 64 * 1024, high: 256 * 1024))
            .childChannelInitializer { [self] channel in
                let partial = PartialLine()
                let handler = ClientHandler(server: self, partial: partial)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([ByteToMessageHandler(LineDecoder(partial: partial)), handler])
                }
            }
        do {
            let old = umask(0o117)      // the socket is created 0660, never briefly wider
            defer { umask(old) }
            listener = try bootstrap.bind(unixDomainSocketPath: path).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw ControlSocketPath.Problem(description: "cannot listen on \(path): \(error)")
        }
        chmod(path, 0o660)
        self.group = group
        log.notice("control socket \(path)")
    }

    /// Closes every connection and the socket, and removes the socket file.
    public func stop() {
        guard let g = group else { return }
        try? listener?.close().wait()
        let all = lock.withLock { Array(clients.values) }
        for c in all { c.closeFromAnyThread() }
        try? g.syncShutdownGracefully()
        group = nil
        unlink(path)
    }

    /// The newest snapshot (from the loop's thread, after each decision): kept for `status`,
    /// sent to the subscribers. Returns at once.
    public func publish(_ s: SiteSnapshot) {
        let start: Bool = lock.withLock {
            snapshot = s
            guard !subscribers.isEmpty else { return false }
            pendingSnapshot = s
            if encoding { return false }
            encoding = true
            return true
        }
        if start { encodeQueue.async { [self] in encodePending() } }
    }

    /// The latest decision as `status.json` has it (for `explain`).
    public func publish(status doc: StatusDocument) { lock.withLock { status = doc } }

    private func encodePending() {
        let encoder = WireJSON.encoder()
        while true {
            let next: (SiteSnapshot, [ClientHandler])? = lock.withLock {
                guard let s = pendingSnapshot else { encoding = false; return nil }
                pendingSnapshot = nil
                return (s, Array(subscribers.values))
            }
            guard let (s, subs) = next else { return }
            guard let json = try? encoder.encode(s) else { continue }
            var line = ControlProtocol.document(nil, key: "snapshot", json: json)
            line.append(UInt8(ascii: "\n"))
            for c in subs { c.offerSnapshot(line) }
        }
    }

    // MARK: for the client handlers

    func register(_ c: ClientHandler) -> Bool {
        lock.withLock {
            guard clients.count < Self.maxClients else { return false }
            clients[ObjectIdentifier(c)] = c
            return true
        }
    }

    func unregister(_ c: ClientHandler) {
        lock.withLock {
            clients[ObjectIdentifier(c)] = nil
            subscribers[ObjectIdentifier(c)] = nil
        }
    }

    func subscribe(_ c: ClientHandler, _ on: Bool) {
        let latest: SiteSnapshot? = lock.withLock {
            subscribers[ObjectIdentifier(c)] = on ? c : nil
            return on ? snapshot : nil
        }
        if let s = latest { publish(s) }     // the newest at once, not at the next decision
    }

    var commandSink: CommandSink? { lock.withLock { sink } }
    var latestSnapshot: SiteSnapshot? { lock.withLock { snapshot } }
    var latestStatus: StatusDocument? { lock.withLock { status } }
    var clientCount: Int { lock.withLock { clients.count } }
}

/// When the client's unfinished line started (the decoder sets it, the handler checks it).
final class PartialLine {
    var since: NIODeadline?
}

/// What the decoder hands on: a line, or once, that the client sent a line over the limit.
enum ClientInput {
    case line(ByteBuffer)
    case tooLong
}

/// Splits the byte stream into lines. A line longer than the protocol's limit is reported once;
/// everything after it is read and thrown away (the client is being closed, and closing with
/// unread bytes would reset the connection before it reads why).
struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ClientInput
    let partial: PartialLine
    var discarding = false

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if discarding {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        let view = buffer.readableBytesView
        if let i = view.firstIndex(of: UInt8(ascii: "\n")) {
            let line = buffer.readSlice(length: i - view.startIndex)!
            buffer.moveReaderIndex(forwardBy: 1)
            partial.since = nil
            context.fireChannelRead(wrapInboundOut(.line(line)))
            return .continue
        }
        if buffer.readableBytes > ControlProtocol.maxLineBytes {
            discarding = true
            partial.since = nil
            buffer.moveReaderIndex(to: buffer.writerIndex)
            context.fireChannelRead(wrapInboundOut(.tooLong))
            return .needMoreData
        }
        if buffer.readableBytes > 0 && partial.since == nil { partial.since = .now() }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// One client connection, on its channel's event loop.
// unchecked: a channel handler: its state is touched only on its channel's event loop.
final class ClientHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ClientInput
    typealias OutboundOut = ByteBuffer

    unowned let server: ControlServer
    let partial: PartialLine
    private var channel: Channel?
    private var heldSnapshot: ByteBuffer?
    private var badRequests = 0
    private var check: RepeatedTask?
    private var closing = false

    init(server: ControlServer, partial: PartialLine) {
        self.server = server
        self.partial = partial
    }

    func channelActive(context: ChannelHandlerContext) {
        channel = context.channel
        guard server.register(self) else {
            writeLine(context, ControlProtocol.answer(nil, .failure("too many clients (\(ControlServer.maxClients)); try again later")))
            context.close(promise: nil)
            return
        }
        writeLine(context, server.helloLine)
        check = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { [weak self] _ in
            self?.checkPartialLine()
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        server.unregister(self)
        heldSnapshot = nil
        channel = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        guard case .line(let buf) = unwrapInboundIn(data) else {
            writeLine(context, ControlProtocol.answer(nil, .failure("request line longer than \(ControlProtocol.maxLineBytes) bytes; closing")))
            closeAfterFlush(context)
            return
        }
        let line = Data(buf.readableBytesView)
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { return }
        switch ControlProtocol.parse(line) {
        case .failure(let e):
            badRequests += 1
            writeLine(context, ControlProtocol.answer(e.id, .failure(.init(e.description))))
            if badRequests >= ControlServer.maxBadRequests {
                writeLine(context, ControlProtocol.answer(nil, .failure("too many bad requests; closing")))
                closeAfterFlush(context)
            }
        case .success(let p):
            handle(p, context)
        }
    }

    func handle(_ p: ControlProtocol.ParsedLine, _ context: ChannelHandlerContext) {
        switch p.request {
        case .hello(let v):
            if v == ControlProtocol.version { writeLine(context, ControlProtocol.answer(p.id, .success("protocol \(v)"))) }
            else { writeLine(context, ControlProtocol.answer(p.id, .failure("protocol \(v) is not spoken here; this hub speaks \(ControlProtocol.version)"))) }
        case .status:
            guard let s = server.latestSnapshot, let json = try? WireJSON.encoder().encode(s) else {
                writeLine(context, ControlProtocol.answer(p.id, .failure("no decision yet; try again in a second")))
                return
            }
            writeData(context, ControlProtocol.document(p.id, key: "status", json: json))
        case .explain:
            guard let d = server.latestStatus, let json = try? WireJSON.encoder().encode(d) else {
                writeLine(context, ControlProtocol.answer(p.id, .failure("no decision yet; try again in a second")))
                return
            }
            writeData(context, ControlProtocol.document(p.id, key: "explain", json: json))
        case .subscribe:
            writeLine(context, ControlProtocol.answer(p.id, .success("subscribed")))
            server.subscribe(self, true)
        case .unsubscribe:
            server.subscribe(self, false)
            heldSnapshot = nil
            writeLine(context, ControlProtocol.answer(p.id, .success("unsubscribed")))
        case .commands(let cmds):
            guard let sink = server.commandSink else {
                writeLine(context, ControlProtocol.answer(p.id, .failure("the hub takes no commands yet")))
                return
            }
            let gather = AnswerGatherer(count: cmds.count) { [weak self] r in
                self?.answerFromAnyThread(p.id, r)
            }
            for (i, c) in cmds.enumerated() { sink(c) { r in gather.set(i, r) } }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    /// Stop reading while the client does not take what it is sent; send the held snapshot
    /// when it does again.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let w = context.channel.isWritable
        context.channel.setOption(ChannelOptions.autoRead, value: w).whenFailure { _ in }
        if w, let s = heldSnapshot {
            heldSnapshot = nil
            context.writeAndFlush(wrapOutboundOut(s), promise: nil)
        }
        context.fireChannelWritabilityChanged()
    }

    // MARK: from other threads

    func offerSnapshot(_ line: Data) {
        guard let ch = channel else { return }
        let buf = ch.allocator.buffer(bytes: line)
        ch.eventLoop.execute { [self] in
            guard let ch = channel, ch.isActive, !closing else { return }
            if ch.isWritable { ch.writeAndFlush(buf, promise: nil) } else { heldSnapshot = buf }   // the older one is dropped
        }
    }

    func answerFromAnyThread(_ id: ControlProtocol.RequestID?, _ r: Result<String, ControlProtocol.Refusal>) {
        guard let ch = channel else { return }
        let buf = ch.allocator.buffer(string: ControlProtocol.answer(id, r) + "\n")
        ch.eventLoop.execute { ch.writeAndFlush(buf, promise: nil) }
    }

    func closeFromAnyThread() { channel?.close(promise: nil) }

    // MARK: helpers

    private func checkPartialLine() {
        guard let since = partial.since, let ch = channel, !closing else { return }
        if NIODeadline.now() - since > .seconds(ControlServer.partialLineTimeoutS) {
            var buf = ch.allocator.buffer(string: ControlProtocol.answer(nil, .failure("half a request line and nothing more for \(ControlServer.partialLineTimeoutS) s; closing")))
            buf.writeString("\n")
            closing = true
            ch.write(buf, promise: nil)
            Self.halfCloseThenClose(ch)
        }
    }

    private func writeLine(_ context: ChannelHandlerContext, _ s: String) {
        var buf = context.channel.allocator.buffer(capacity: s.utf8.count + 1)
        buf.writeString(s)
        buf.writeString("\n")
        context.writeAndFlush(wrapOutboundOut(buf), promise: nil)
    }

    private func writeData(_ context: ChannelHandlerContext, _ d: Data) {
        var buf = context.channel.allocator.buffer(bytes: d)
        buf.writeString("\n")
        context.writeAndFlush(wrapOutboundOut(buf), promise: nil)
    }

    /// Sends what is queued, closes our side (the client reads the reason, then end of stream),
    /// and closes the connection for good a little later whatever the client does.
    private func closeAfterFlush(_ context: ChannelHandlerContext) {
        guard !closing else { return }
        closing = true
        Self.halfCloseThenClose(context.channel)
    }

    static func halfCloseThenClose(_ ch: Channel) {
        ch.writeAndFlush(ch.allocator.buffer(capacity: 0)).whenComplete { _ in
            ch.close(mode: .output, promise: nil)
            ch.eventLoop.scheduleTask(in: .seconds(2)) { ch.close(promise: nil) }
        }
    }
}

/// Collects the answers to one request's commands (answered in any thread) into one reply:
/// `ok` with every line when all were taken, else the first refusal (saying what was applied).
final class AnswerGatherer: Sendable {
    private let results: Mutex<[Result<String, ControlProtocol.Refusal>?]>
    private let done: @Sendable (Result<String, ControlProtocol.Refusal>) -> Void

    init(count: Int, done: @escaping @Sendable (Result<String, ControlProtocol.Refusal>) -> Void) {
        results = Mutex(Array(repeating: nil, count: count))
        self.done = done
    }

    func set(_ i: Int, _ r: Result<String, ControlProtocol.Refusal>) {
        let all: [Result<String, ControlProtocol.Refusal>]? = results.withLock { results in
            results[i] = r
            return results.contains(where: { $0 == nil }) ? nil : results.map { $0! }
        }
        guard let all else { return }
        var oks: [String] = [], errors: [String] = []
        for r in all {
            switch r {
            case .success(let t): oks.append(t)
            case .failure(let e): errors.append(e.reason)
            }
        }
        if errors.isEmpty { done(.success(oks.joined(separator: "; "))) }
        else { done(.failure(ControlProtocol.Refusal(errors.joined(separator: "; ") + (oks.isEmpty ? "" : " (taken: \(oks.joined(separator: "; ")))")))) }
    }
}
