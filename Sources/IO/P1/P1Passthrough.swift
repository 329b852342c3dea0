import Foundation
import KwartierCore

/// A pass-through output as configured: `tcp://HOST:PORT` (a listener; HOST empty or 0.0.0.0 =
/// all interfaces) or `serial:/dev/X` (optionally `serial:/dev/X@9600`: 9600 uses 7E1 like
/// DSMR 2.2, any other rate 8N1; default 115200).
public enum P1PassthroughTarget: Sendable, Equatable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case serial(path: String, settings: SerialSettings)

    public static func parse(_ url: String) throws -> P1PassthroughTarget {
        if url.hasPrefix("tcp://") {
            let rest = String(url.dropFirst(6))
            guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
                  (1...65535).contains(port) else {
                throw P1SourceError("pass-through '\(url)': expected tcp://HOST:PORT, e.g. tcp://0.0.0.0:2001")
            }
            var host = String(rest[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return .tcp(host: host, port: port)
        }
        if url.hasPrefix("serial:") {
            var path = String(url.dropFirst(7))
            var baud = 115200
            if let at = path.lastIndex(of: "@") {
                guard let b = Int(path[path.index(after: at)...]), SerialPort.speed(b) != nil else {
                    throw P1SourceError("pass-through '\(url)': unsupported baud rate (use @9600 or @115200)")
                }
                baud = b
                path = String(path[..<at])
            }
            guard path.hasPrefix("/") else {
                throw P1SourceError("pass-through '\(url)': expected serial:/dev/ttyX, e.g. serial:/dev/ttyUSB1")
            }
            return .serial(path: path, settings: baud == 9600 ? P1SerialPresets.dsmr22 : SerialSettings(baud: baud))
        }
        throw P1SourceError("pass-through '\(url)': expected tcp://HOST:PORT or serial:/dev/ttyX")
    }

    public var description: String {
        switch self {
        case let .tcp(host, port): return "tcp://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        case let .serial(path, s): return "serial:\(path)@\(s.baud)"
        }
    }
}

public struct P1OutputStats: Sendable, Equatable {
    public var target: String
    public var clients: Int
    /// Clients (or serial port openings) served since the start.
    public var accepted: Int
    /// Whole telegrams handed to the kernel, summed over clients.
    public var sent: Int
    /// Telegrams not queued for a client because its queue was full (slow or stalled client),
    /// or because the serial port was down.
    public var dropped: Int
    public var lastError: String?
}

/// The telegrams waiting for one client. Only whole telegrams are queued or dropped; a
/// telegram being written is always finished, so a client never sees a cut one.
struct P1TelegramQueue {
    static let maxTelegrams = 16
    static let maxBytes = 256 * 1024
    private(set) var items: [[UInt8]] = []
    private var head = 0
    private var offset = 0
    private var bytes = 0

    var isEmpty: Bool { head == items.count }

    mutating func offer(_ t: [UInt8]) -> Bool {
        if items.count - head >= P1TelegramQueue.maxTelegrams || bytes + t.count > P1TelegramQueue.maxBytes { return false }
        items.append(t)
        bytes += t.count
        return true
    }

    /// Writes as much as `write` takes; returns how many telegrams were completed.
    mutating func flush(_ write: (UnsafeRawBufferPointer) throws -> Int) throws -> Int {
        var done = 0
        while head < items.count {
            let t = items[head]
            let n = try t.withUnsafeBytes { try write(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            if n <= 0 { break }
            offset += n
            if offset == t.count {
                bytes -= t.count
                head += 1
                offset = 0
                done += 1
            } else {
                break
            }
        }
        if head > 32 || head == items.count { items.removeFirst(head); head = 0 }
        return done
    }
}

/// One pass-through output with its own thread; `offer` never blocks the caller.
public final class P1PassthroughOutput: @unchecked Sendable {
    public let target: P1PassthroughTarget
    /// Clients per TCP listener beyond this are turned away.
    public static let maxClients = 16

    private final class Client {
        let fd: Int32
        var queue = P1TelegramQueue()
        init(fd: Int32) { self.fd = fd }
    }

    private let lock = NSLock()
    private var clients: [Client] = []
    private var listenFd: Int32 = -1
    private var serial: SerialPort?
    private var serialRetryAt = 0.0
    private var wake: [Int32] = [-1, -1]
    private var running = false
    private var thread: Thread?
    private var sent = 0, dropped = 0, accepted = 0
    private var lastError: String?

    public init(target: P1PassthroughTarget) { self.target = target }
    public convenience init(url: String) throws { self.init(target: try P1PassthroughTarget.parse(url)) }

    /// Binds the listener (or opens the serial port; a missing one is retried) and starts the thread.
    public func start() throws {
        if pipe(&wake) != 0 { throw P1SourceError("pipe: \(P1Socket.errorText(errno))") }
        for f in wake {
            P1Socket.setNonBlocking(f)
            _ = fcntl(f, F_SETFD, FD_CLOEXEC)
        }
        switch target {
        case let .tcp(host, port):
            listenFd = try P1Socket.listen(host: host, port: port)
        case .serial:
            openSerial()
        }
        running = true
        let t = Thread { [weak self] in self?.loop() }
        t.name = "p1-out \(target)"
        thread = t
        t.start()
    }

    /// Stops the thread after giving queued telegrams up to `drainS` to go out (clients that
    /// read keep everything they were sent; a stalled one loses its queue).
    public func stop(drainS: Double = 0.3) {
        let until = Monotonic.now + drainS
        while Monotonic.now < until {
            lock.lock()
            let pending = clients.contains { !$0.queue.isEmpty }
            lock.unlock()
            if !pending || thread == nil { break }
            usleep(5000)
        }
        lock.lock()
        running = false
        lock.unlock()
        poke()
        while let t = thread, !t.isFinished { usleep(2000) }
        thread = nil
        lock.lock()
        for c in clients { Glibc.close(c.fd) }
        clients = []
        lock.unlock()
        serial?.close()
        serial = nil
        if listenFd >= 0 { Glibc.close(listenFd); listenFd = -1 }
        for f in wake where f >= 0 { Glibc.close(f) }
        wake = [-1, -1]
    }

    /// Queues one whole telegram for every client; a full queue drops it for that client only.
    public func offer(_ telegram: [UInt8]) {
        lock.lock()
        if case .serial = target, clients.isEmpty { dropped += 1 }
        for c in clients where !c.queue.offer(telegram) { dropped += 1 }
        lock.unlock()
        poke()
    }

    public var stats: P1OutputStats {
        lock.lock(); defer { lock.unlock() }
        let n: Int
        if case .serial = target { n = clients.isEmpty ? 0 : 1 } else { n = clients.count }
        return P1OutputStats(target: target.description, clients: n, accepted: accepted, sent: sent, dropped: dropped,
                             lastError: lastError)
    }

    private func poke() {
        var b: UInt8 = 1
        if wake[1] >= 0 { _ = Glibc.write(wake[1], &b, 1) }
    }

    private func openSerial() {
        guard case let .serial(path, settings) = target else { return }
        do {
            let p = try SerialPort(path: path, settings: settings)
            serial = p
            lock.lock()
            clients = [Client(fd: p.fileDescriptor)]
            accepted += 1
            lastError = nil
            lock.unlock()
        } catch {
            lock.lock(); lastError = "\(error)"; lock.unlock()
            serialRetryAt = Monotonic.now + 2
        }
    }

    private func drop(_ c: Client, _ why: String?) {
        lock.lock()
        clients.removeAll { $0 === c }
        if let why { lastError = why }
        lock.unlock()
        if case .serial = target {
            serial?.close(); serial = nil
            serialRetryAt = Monotonic.now + 2
        } else {
            Glibc.close(c.fd)
        }
    }

    private func loop() {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            lock.lock()
            if !running { lock.unlock(); return }
            let snapshot = clients
            var fds = [pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
            if listenFd >= 0 { fds.append(pollfd(fd: listenFd, events: Int16(POLLIN), revents: 0)) }
            let first = fds.count
            for c in snapshot {
                var ev = Int16(POLLIN)
                if !c.queue.isEmpty { ev |= Int16(POLLOUT) }
                if case .serial = target { ev &= ~Int16(POLLIN) }   // nothing to read from a P1 output port
                fds.append(pollfd(fd: c.fd, events: ev, revents: 0))
            }
            lock.unlock()

            let r = poll(&fds, nfds_t(fds.count), 500)
            if r < 0 && errno != EINTR { usleep(10000); continue }
            if fds[0].revents != 0 { while Glibc.read(wake[0], &scratch, scratch.count) > 0 {} }
            if listenFd >= 0 && fds[1].revents & Int16(POLLIN) != 0 { acceptClients() }
            if case .serial = target, serial == nil, Monotonic.now >= serialRetryAt { openSerial() }

            for (k, c) in snapshot.enumerated() {
                let re = fds[first + k].revents
                if re == 0 { continue }
                if re & Int16(POLLIN) != 0 {
                    // Consumers have nothing to say; read only to notice a close.
                    let n = recv(c.fd, &scratch, scratch.count, Int32(MSG_DONTWAIT))
                    if n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) { drop(c, nil); continue }
                }
                if re & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 && re & Int16(POLLOUT) == 0 {
                    drop(c, "\(target): peer gone"); continue
                }
                if re & Int16(POLLOUT) != 0 { flush(c) }
            }
        }
    }

    private func flush(_ c: Client) {
        let isSerial: Bool
        if case .serial = target { isSerial = true } else { isSerial = false }
        lock.lock()
        defer { lock.unlock() }
        do {
            let done = try c.queue.flush { buf in
                let n = isSerial ? Glibc.write(c.fd, buf.baseAddress, buf.count)
                                 : send(c.fd, buf.baseAddress, buf.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                if n < 0 {
                    if errno == EAGAIN || errno == EINTR { return 0 }
                    throw P1SourceError("\(target): \(P1Socket.errorText(errno))")
                }
                return n
            }
            sent += done
        } catch {
            lock.unlock()
            drop(c, "\(error)")
            lock.lock()
        }
    }

    private func acceptClients() {
        while true {
            let fd = accept(listenFd, nil, nil)
            if fd < 0 { return }
            P1Socket.setNonBlocking(fd)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            // Bounded kernel buffering per client: a stalled reader fills this, then its queue.
            var size: Int32 = 64 * 1024
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            lock.lock()
            if clients.count >= P1PassthroughOutput.maxClients {
                lock.unlock()
                Glibc.close(fd)
                continue
            }
            clients.append(Client(fd: fd))
            accepted += 1
            lock.unlock()
        }
    }
}
