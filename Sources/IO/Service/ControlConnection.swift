import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KwartierCore

/// A blocking client connection to a hub's control socket (the CLI tools and the attached
/// dashboard use one each; the hub's own server is `ControlServer`).
public final class ControlConnection {
    public enum ConnectError: Error, CustomStringConvertible {
        /// No hub listens on the path (no socket file, or nobody accepting).
        case noHub(path: String, reason: String)
        /// Something answers but not as a kwartier hub of this protocol.
        case protocolMismatch(String)
        public var description: String {
            switch self {
            case let .noHub(path, reason): return "no hub runs on \(path) (\(reason))"
            case .protocolMismatch(let s): return s
            }
        }
    }

    public struct Closed: Error, CustomStringConvertible {
        public var description: String { "the hub closed the connection" }
    }

    public let path: String
    private var fd: Int32
    private var buffer = [UInt8]()
    /// The hub's greeting (`{"hello": {...}}`).
    public private(set) var hello: [String: Any] = [:]
    private var nextID = 0

    enum Probe { case listening, notListening }

    /// Whether something accepts connections on `path` (connects and closes at once).
    static func probe(_ path: String) -> Probe {
        guard let fd = try? rawConnect(path) else { return .notListening }
        Glibc.close(fd)
        return .listening
    }

    static func rawConnect(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ConnectError.noHub(path: path, reason: String(cString: strerror(errno))) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            Glibc.close(fd)
            throw ConnectError.noHub(path: path, reason: "the path is too long for a Unix socket")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            for (i, b) in bytes.enumerated() { p[i] = b }
            p[bytes.count] = 0
        }
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if r != 0 {
            let e = errno
            Glibc.close(fd)
            let reason = e == ENOENT ? "no socket there" : e == ECONNREFUSED ? "nobody listens on it" : String(cString: strerror(e))
            throw ConnectError.noHub(path: path, reason: reason)
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    /// Connects and reads the hub's hello (within `timeout` seconds).
    public init(path: String, timeout: Double = 5) throws {
        self.path = path
        fd = try Self.rawConnect(path)
        guard let line = try readLine(timeout: timeout),
              let obj = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
              let h = obj["hello"] as? [String: Any] else {
            Glibc.close(fd); fd = -1
            throw ConnectError.protocolMismatch("\(path) does not greet like a kwartier hub")
        }
        guard (h["protocol"] as? Int) == ControlProtocol.version else {
            Glibc.close(fd); fd = -1
            throw ConnectError.protocolMismatch("the hub on \(path) speaks protocol \(h["protocol"] ?? "?"), this kwartier speaks \(ControlProtocol.version)")
        }
        hello = h
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    /// Shuts the connection down from another thread (a blocked read returns).
    public func shutdownFromAnyThread() { if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) } }

    public func send(_ line: String) throws {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; throw Closed() }
            off += n
        }
    }

    /// The next line (without its newline), nil at the deadline; throws `Closed` at end of stream.
    public func readLine(timeout: Double?) throws -> [UInt8]? {
        let deadline = timeout.map { Monotonic.now + $0 }
        while true {
            if let i = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<i])
                buffer.removeSubrange(...i)
                return line
            }
            var ms: Int32 = -1
            if let d = deadline {
                let left = d - Monotonic.now
                if left <= 0 { return nil }
                ms = Int32(min(left * 1000 + 1, 3_600_000))
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, ms)
            if r < 0 { if errno == EINTR { continue }; throw Closed() }
            if r == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { if errno == EINTR { continue }; throw Closed() }
            if n == 0 { throw Closed() }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// Sends `{"id": n, <name>: <body>}` and returns the answer with that id (snapshot lines
    /// in between are skipped); nil when none came within `timeout`.
    public func request(_ name: String, _ body: String = "{}", timeout: Double = 10) throws -> [String: Any]? {
        nextID += 1
        let id = nextID
        try send("{\"id\":\(id),\(ControlProtocol.quote(name)):\(body)}")
        let deadline = Monotonic.now + timeout
        while true {
            let left = deadline - Monotonic.now
            guard left > 0, let line = try readLine(timeout: left) else { return nil }
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
            if (obj["id"] as? Int) == id { return obj }
        }
    }

    /// The raw JSON of `key` in an answer line, for decoding with `WireJSON`.
    public static func documentData(_ answer: [String: Any], key: String) -> Data? {
        guard let v = answer[key], JSONSerialization.isValidJSONObject(v) else { return nil }
        return try? JSONSerialization.data(withJSONObject: v, options: [])
    }
}
