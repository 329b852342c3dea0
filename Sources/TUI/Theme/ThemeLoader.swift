import Foundation

/// Finds and loads a theme by name (`dark`, `light`, …: a file NAME.theme in a themes
/// directory) or by path. Never fails: a missing or bad theme gives the built-in default plus
/// a message saying what was wrong and where it looked.
public enum ThemeLoader {
    public struct Loaded: Sendable {
        public var theme: Theme
        /// Where it came from (a path, or "built-in").
        public var source: String
        /// Set when the requested theme could not be used.
        public var warning: String?
    }

    public static let builtinDefault: Theme = {
        (try? ThemeParser.parse(BuiltinThemes.defaultText, fallbackName: "default", base: nil)) ?? Theme(name: "default", styles: [:])
    }()
    public static let builtinMono: Theme = {
        (try? ThemeParser.parse(BuiltinThemes.monoText, fallbackName: "mono", base: builtinDefault)) ?? builtinDefault.withoutColour
    }()

    /// Directories searched for NAME.theme, in order: $KWARTIER_THEMES, ./Themes, next to the
    /// executable (and two levels up, for `.build/debug/kwartier` in a checkout),
    /// ../share/kwartier/themes, /usr/share/kwartier/themes, /etc/kwartier/themes.
    public static func searchDirs(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var dirs: [String] = []
        if let e = environment["KWARTIER_THEMES"], !e.isEmpty { dirs.append(e) }
        dirs.append(FileManager.default.currentDirectoryPath + "/Themes")
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        dirs.append(exe.appendingPathComponent("Themes").path)
        dirs.append(exe.appendingPathComponent("../../Themes").standardized.path)
        dirs.append(exe.appendingPathComponent("../share/kwartier/themes").standardized.path)
        dirs += ["/usr/share/kwartier/themes", "/etc/kwartier/themes"]
        var seen = Set<String>()
        return dirs.filter { seen.insert($0).inserted }
    }

    public static func load(_ spec: String?, searchDirs dirs: [String] = searchDirs()) -> Loaded {
        var spec = (spec ?? "").trimmingCharacters(in: .whitespaces)
        if spec == "dark" { spec = "default" }   // the default theme is the dark one
        if spec.isEmpty { return load("default", searchDirs: dirs) }
        let isPath = spec.contains("/") || spec.hasSuffix(".theme")
        let name = isPath ? URL(fileURLWithPath: spec).deletingPathExtension().lastPathComponent : spec
        let candidates = isPath ? [spec] : dirs.map { $0 + "/" + spec + ".theme" }
        guard let path = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            if spec == "default" { return Loaded(theme: builtinDefault, source: "built-in", warning: nil) }
            if spec == "mono" { return Loaded(theme: builtinMono, source: "built-in", warning: nil) }
            let where_ = isPath ? "file not found or not readable"
                : "no \(spec).theme in \(dirs.joined(separator: ", "))"
            return Loaded(theme: builtinDefault, source: "built-in",
                          warning: "theme '\(isPath ? name : spec)': \(where_)\(isPath ? " (\(spec))" : ""); using the default theme")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return Loaded(theme: builtinDefault, source: "built-in",
                          warning: "theme '\(name)': not UTF-8 text (\(path)); using the default theme")
        }
        do {
            let t = try ThemeParser.parse(text, fallbackName: name, base: builtinDefault)
            return Loaded(theme: t, source: path, warning: nil)
        } catch let e as ThemeParser.ParseError {
            // The problem first: the status line is 80 columns on a console.
            return Loaded(theme: builtinDefault, source: "built-in",
                          warning: "theme '\(name)' \(e.description) (\(path)); using the default theme")
        } catch {
            return Loaded(theme: builtinDefault, source: "built-in", warning: "theme '\(spec)': \(error); using the default theme")
        }
    }
}
