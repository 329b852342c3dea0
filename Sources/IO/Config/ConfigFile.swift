import Foundation
import KwartierCore

/// Finds and reads `kwartier.yaml` (./, then /etc/kwartier/, unless --config is given).
public enum ConfigFile {
    public static let searchPaths = ["./kwartier.yaml", "/etc/kwartier/kwartier.yaml"]

    public enum LocateError: Error, CustomStringConvertible {
        case notFound(explicit: String?)
        case unreadable(String, String)
        public var description: String {
            switch self {
            case .notFound(let p?): return "\(p): no such file — check the path given to --config"
            case .notFound(nil):
                return "no configuration found (looked for \(ConfigFile.searchPaths.joined(separator: " and "))) — give one with --config PATH, or try `kwartier demo` which needs none"
            case let .unreadable(p, why): return "\(p): cannot be read (\(why)) — check its permissions"
            }
        }
    }

    public static func locate(_ explicit: String?) throws -> String {
        if let e = explicit {
            guard FileManager.default.fileExists(atPath: e) else { throw LocateError.notFound(explicit: e) }
            return e
        }
        for p in searchPaths where FileManager.default.fileExists(atPath: p) { return p }
        throw LocateError.notFound(explicit: nil)
    }

    /// Reads and validates; throws `ConfigErrors` (located problems) or `LocateError`.
    public static func load(_ explicit: String?, knownDrivers: Set<String> = KnownDrivers.names)
        throws -> (SiteConfig, [ConfigProblem]) {
        let path = try locate(explicit)
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) }
        catch { throw LocateError.unreadable(path, "\(error.localizedDescription)") }
        return try ConfigLoader(knownDrivers: knownDrivers).load(yaml: text, file: path)
    }
}
