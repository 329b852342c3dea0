import Foundation
import KwartierCore

/// A TCP client for P1 dongles and ser2net-style bridges (the raw telegram stream).
/// Connection loss is reported by throwing; `P1Reader` reconnects with back-off.
public final class P1TCPSource: P1ByteSource {
    public let host: String
    public let port: Int
    public var connectTimeoutMs: Int32 = 5000
    private var fd: Int32 = -1

    public init(host: String, port: Int) { self.host = host; self.port = port }
    public var label: String { "tcp \(host):\(port)" }

    public func open() throws {
        fd = try P1Socket.connect(host: host, port: port, timeoutMs: connectTimeoutMs)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer, timeoutMs: Int32) throws -> P1ReadResult {
        guard fd >= 0 else { throw P1SourceError("\(label): not connected") }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let r = poll(&p, 1, timeoutMs)
        if r == 0 || (r < 0 && errno == EINTR) { return .idle }
        let n = recv(fd, buffer.baseAddress, buffer.count, 0)
        if n < 0 {
            if errno == EAGAIN || errno == EINTR { return .idle }
            throw P1SourceError("\(label): \(String(cString: strerror(errno)))")
        }
        if n == 0 { throw P1SourceError("\(label): connection closed by the peer") }
        return .data(n)
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}

/// Small BSD-socket helpers (non-blocking sockets, IPv4/IPv6 through getaddrinfo).
enum P1Socket {
    static func errorText(_ e: Int32) -> String { String(cString: strerror(e)) }

    static func addresses(host: String, port: Int, passive: Bool) throws -> UnsafeMutablePointer<addrinfo> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        if passive { hints.ai_flags = AI_PASSIVE }
        var res: UnsafeMutablePointer<addrinfo>?
        let h: String? = host.isEmpty ? nil : host
        let rc = getaddrinfo(h, String(port), &hints, &res)
        guard rc == 0, let res else {
            throw P1SourceError("cannot resolve \(host.isEmpty ? "*" : host):\(port): \(String(cString: gai_strerror(rc)))")
        }
        return res
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    /// Connects with a timeout; returns a non-blocking socket with keep-alive on.
    static func connect(host: String, port: Int, timeoutMs: Int32) throws -> Int32 {
        let list = try addresses(host: host, port: port, passive: false)
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = list
        while let a = ai {
            defer { ai = a.pointee.ai_next }
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if fd < 0 { lastError = errorText(errno); continue }
            setNonBlocking(fd)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
            let rc = Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen)
            if rc == 0 { return fd }
            if errno != EINPROGRESS { lastError = errorText(errno); Glibc.close(fd); continue }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let r = poll(&p, 1, timeoutMs)
            if r <= 0 { lastError = "connect timed out"; Glibc.close(fd); continue }
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
            if err != 0 { lastError = errorText(err); Glibc.close(fd); continue }
            return fd
        }
        throw P1SourceError("cannot connect to \(host):\(port): \(lastError)")
    }

    /// A listening, non-blocking socket.
    static func listen(host: String, port: Int) throws -> Int32 {
        let list = try addresses(host: host, port: port, passive: true)
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = list
        while let a = ai {
            defer { ai = a.pointee.ai_next }
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if fd < 0 { lastError = errorText(errno); continue }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if bind(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) != 0 || Glibc.listen(fd, 16) != 0 {
                lastError = errorText(errno); Glibc.close(fd); continue
            }
            setNonBlocking(fd)
            return fd
        }
        throw P1SourceError("cannot listen on \(host.isEmpty ? "*" : host):\(port): \(lastError)")
    }
}
