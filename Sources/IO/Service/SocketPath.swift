import Foundation
import KwartierCore

/// Where the control socket of a hub is, and getting its path ready before binding.
public enum ControlSocketPath {
    public static let fileName = "kwartier.sock"

    /// `site.control_socket`, else `<data_dir>/kwartier.sock`.
    public static func of(_ config: SiteConfig) -> String {
        config.site.controlSocket ?? inDataDir(config.site.dataDir)
    }

    public static func inDataDir(_ dir: String) -> String { (dir as NSString).appendingPathComponent(fileName) }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Longest path a Unix socket address holds (sun_path less its terminating zero).
    static let maxPathBytes = 107

    /// Makes `path` free for a new socket: a socket file nobody listens on (left by a crash) is
    /// removed; a live one, or a file that is not a socket, is refused. Returns a note when a
    /// stale socket was removed.
    public static func prepare(_ path: String) throws -> String? {
        guard path.utf8.count <= maxPathBytes else {
            throw Problem(description: "control socket path \(path) is longer than \(maxPathBytes) bytes (a Unix socket limit); set site.control_socket to a shorter path")
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        guard (st.st_mode & S_IFMT) == S_IFSOCK else {
            throw Problem(description: "\(path) exists and is not a socket; remove it or set site.control_socket")
        }
        switch ControlConnection.probe(path) {
        case .listening:
            throw Problem(description: "another hub already listens on \(path)")
        case .notListening:
            guard unlink(path) == 0 else {
                throw Problem(description: "stale control socket \(path) cannot be removed: \(String(cString: strerror(errno)))")
            }
            return "removed the stale control socket \(path) (left by a hub that stopped without cleaning up)"
        }
    }
}
