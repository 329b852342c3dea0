import Foundation
import KwartierCore
import KwartierIO
import Yams

/// Finds and loads `kwartier simulate --scenario NAME|FILE` and the site it runs on.
/// A NAME is `Scenarios/NAME.yaml` in the current directory, else in a directory above the
/// executable's real path (so `.build/release/kwartier` finds the repository's scenarios from
/// anywhere), else in /usr/share/kwartier/scenarios.
enum ScenarioLocator {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let installedDir = "/usr/share/kwartier/scenarios"

    /// Directories that may hold scenarios, in search order (existing ones only, no duplicates).
    static func searchDirs() -> [String] {
        var dirs = [FileManager.default.currentDirectoryPath + "/Scenarios"]
        var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        if dir.path == "/proc/self" || dir.path.isEmpty {
            dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        }
        for _ in 0..<12 {
            dirs.append(dir.appendingPathComponent("Scenarios").path)
            let up = dir.deletingLastPathComponent()
            if up.path == dir.path { break }
            dir = up
        }
        dirs.append(installedDir)
        var seen = Set<String>()
        return dirs.filter { d in
            let std = URL(fileURLWithPath: d).standardizedFileURL.path
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: std, isDirectory: &isDir), isDir.boolValue else { return false }
            return seen.insert(std).inserted
        }.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }

    /// Scenario names in a directory (file names without .yaml), sorted.
    static func names(in dir: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return files.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .map { String($0.prefix(upTo: $0.lastIndex(of: ".")!)) }.sorted()
    }

    /// The file of `arg`: a path when it names an existing file or looks like one, else a name.
    static func resolve(_ arg: String) throws -> String {
        let looksLikePath = arg.contains("/") || arg.hasSuffix(".yaml") || arg.hasSuffix(".yml")
        if FileManager.default.fileExists(atPath: arg) || looksLikePath {
            guard FileManager.default.fileExists(atPath: arg) else { throw Failure(description: "\(arg): no such scenario file") }
            return arg
        }
        let dirs = searchDirs()
        for d in dirs {
            for ext in ["yaml", "yml"] where FileManager.default.fileExists(atPath: "\(d)/\(arg).\(ext)") {
                return "\(d)/\(arg).\(ext)"
            }
        }
        guard let first = dirs.first else {
            throw Failure(description: "unknown scenario '\(arg)': no Scenarios/ directory found (looked in ./Scenarios, above the kwartier executable and in \(installedDir)); give a scenario file instead")
        }
        let available = names(in: first)
        throw Failure(description: "unknown scenario '\(arg)'; available in \(first): \(available.joined(separator: ", ")) — or give a scenario file")
    }

    /// Reads and checks a scenario file.
    static func load(_ path: String) throws -> SimScenario {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) }
        catch { throw Failure(description: "\(path): cannot be read (\(error.localizedDescription))") }
        do {
            return try SimScenario.load(yaml: text)
        } catch let e as SimScenario.Invalid {
            throw Failure(description: "\(path): \(e.description)")
        } catch let e as DecodingError {
            throw Failure(description: "\(path): not a valid scenario: \(SimScenario.describe(e))")
        } catch {
            throw Failure(description: "\(path): not a valid scenario: \(error)")
        }
    }

    /// The site a scenario runs on: its `config:` (relative to the scenario file), else the demo.
    static func config(for scenario: SimScenario, scenarioPath: String?) throws -> SiteConfig {
        guard let c = scenario.config else { return try demoConfig() }
        let base = scenarioPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let path = c.hasPrefix("/") ? c : base.appendingPathComponent(c).standardizedFileURL.path
        return try loadConfig(path, from: scenarioPath.map { "scenario \($0)" })
    }

    static func demoConfig() throws -> SiteConfig {
        try ConfigLoader(knownDrivers: KnownDrivers.names).load(yaml: DemoSite.yaml, file: "built-in demo site").0
    }

    /// Loads a configuration; every problem is printed, and errors stop the run.
    static func loadConfig(_ path: String, from: String? = nil) throws -> SiteConfig {
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure(description: "\(path): no such configuration file" + (from.map { " (named by \($0))" } ?? ""))
        }
        do {
            let (c, warnings) = try ConfigFile.load(path)
            for w in warnings { printErr(w.description) }
            return c
        } catch let e as ConfigErrors {
            let n = e.errors.count
            throw Failure(description: e.description + "\n\(n) error\(n == 1 ? "" : "s") in \(path); fix \(n == 1 ? "it" : "them") to simulate this site")
        }
    }
}
