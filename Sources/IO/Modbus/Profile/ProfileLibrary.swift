import Foundation

/// The device profiles Kwartier knows: the built-in ones shipped with the binary (SwiftPM
/// resource bundle of KwartierIO, directory `Profiles`) plus user profiles from
/// `/etc/kwartier/profiles` and the directories in `KWARTIER_PROFILES` (colon-separated).
/// A user profile with the driver name of a built-in one replaces it.
// unchecked: filled once when built, read-only afterwards.
public final class ProfileLibrary: @unchecked Sendable {
    public private(set) var profiles: [DeviceProfile] = []
    /// Files that could not be read, with why (shown by `kwartier device list`).
    public private(set) var problems: [ProfileError] = []
    public private(set) var directories: [String] = []

    public static let shared: ProfileLibrary = {
        let lib = ProfileLibrary(directories: defaultDirectories())
        if builtinDirectory == nil {
            lib.problems.insert(ProfileError(file: "Kwartier_KwartierIO.resources/Profiles", line: 0, key: "",
                                             message: "the built-in device profiles were not found next to the executable "
                                                 + "nor in /usr/share/kwartier/profiles — install them with the binary"), at: 0)
        }
        return lib
    }()

    public init(directories: [String]) {
        for d in directories { load(directory: d) }
    }

    /// Built-in directory first, then the system and environment ones.
    public static func defaultDirectories(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var dirs: [String] = []
        if let b = builtinDirectory { dirs.append(b) }
        dirs.append("/etc/kwartier/profiles")
        if let extra = environment["KWARTIER_PROFILES"] {
            dirs += extra.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        return dirs
    }

    /// Where the shipped profiles are: next to the executable in the SwiftPM resource bundle
    /// (what `Bundle.module` resolves to, looked up here without its fatalError when missing),
    /// else the source tree of a development checkout, else /usr/share/kwartier/profiles.
    public static var builtinDirectory: String? {
        let fm = FileManager.default
        var candidates: [String] = []
        let bundleName = "Kwartier_KwartierIO.resources"
        candidates.append(Bundle.main.bundleURL.appendingPathComponent(bundleName).appendingPathComponent("Profiles").path)
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            candidates.append(exe.appendingPathComponent(bundleName).appendingPathComponent("Profiles").path)
        }
        for b in Bundle.allBundles { candidates.append(b.bundleURL.deletingLastPathComponent().appendingPathComponent(bundleName + "/Profiles").path) }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Profiles").path
        candidates += [source, "/usr/share/kwartier/profiles", "/usr/local/share/kwartier/profiles"]
        return candidates.first { var d: ObjCBool = false; return fm.fileExists(atPath: $0, isDirectory: &d) && d.boolValue }
    }

    public func load(directory: String) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else { return }
        directories.append(directory)
        for n in names.sorted() where n.hasSuffix(".yaml") || n.hasSuffix(".yml") {
            let path = (directory as NSString).appendingPathComponent(n)
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                add(try ProfileParser.parse(yaml: text, file: path))
            } catch let e as ProfileError {
                problems.append(e)
            } catch {
                problems.append(ProfileError(file: path, line: 0, key: "", message: "cannot be read: \(error)"))
            }
        }
    }

    public func add(_ p: DeviceProfile) {
        profiles.removeAll { $0.driver == p.driver }
        profiles.append(p)
        profiles.sort { $0.driver < $1.driver }
    }

    /// By driver name or alias.
    public func profile(_ name: String) -> DeviceProfile? {
        profiles.first { $0.driver == name } ?? profiles.first { $0.aliases.contains(name) }
    }

    /// Every name a configuration may use: drivers and aliases.
    public var names: Set<String> {
        Set(profiles.flatMap { [$0.driver] + $0.aliases })
    }
}
