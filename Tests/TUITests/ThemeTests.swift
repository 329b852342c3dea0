import XCTest
@testable import KwartierTUI

final class ThemeTests: XCTestCase {
    static let themesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Themes").standardized.path

    func testRoleKeysAreSnakeCase() {
        XCTAssertEqual(Role.barOK.key, "bar_ok")
        XCTAssertEqual(Role.flowImport.key, "flow_import")
        XCTAssertEqual(Role.normal.key, "normal")
        XCTAssertEqual(Role.byKey["slider_marker"], .sliderMarker)
    }

    func testStyleSyntax() throws {
        let t = try ThemeParser.parse("""
            # comment
            name = test
            flow_import = bold red on black   # trailing comment
            flow_export = #00ff00 underline
            header = reverse
            selected = color25 on brightyellow
            """, fallbackName: "x", base: nil)
        XCTAssertEqual(t.name, "test")
        XCTAssertEqual(t[.flowImport], Style(fg: 1, bg: 0, bold: true))
        XCTAssertEqual(t[.flowExport], Style(fg: 46, underline: true))
        XCTAssertEqual(t[.header], Style(reverse: true))
        XCTAssertEqual(t[.selected], Style(fg: 25, bg: 11))
        XCTAssertEqual(t[.normal], Style())
    }

    func testErrorsNameTheLineAndTheProblem() {
        XCTAssertThrowsError(try ThemeParser.parse("normal = default\nwarn = bleu\n", fallbackName: "x", base: nil)) { e in
            let s = "\(e)"
            XCTAssertTrue(s.hasPrefix("line 2: warn: unknown colour 'bleu'"), s)
        }
        XCTAssertThrowsError(try ThemeParser.parse("flow_imprt = red", fallbackName: "x", base: nil)) { e in
            XCTAssertTrue("\(e)".hasPrefix("line 1: unknown role 'flow_imprt'"), "\(e)")
        }
        XCTAssertThrowsError(try ThemeParser.parse("just words", fallbackName: "x", base: nil)) { e in
            XCTAssertEqual("\(e)", "line 1: expected `role = style`, got 'just words'")
        }
        XCTAssertThrowsError(try ThemeParser.parse("ok = red green", fallbackName: "x", base: nil))
        XCTAssertThrowsError(try ThemeParser.parse("ok = red on", fallbackName: "x", base: nil))
        XCTAssertThrowsError(try ThemeParser.parse("ok = color256", fallbackName: "x", base: nil))
    }

    func testEveryShippedThemeParsesAndCoversEveryRole() throws {
        for name in ["default", "light", "mono", "high-contrast"] {
            let text = try String(contentsOfFile: Self.themesDir + "/\(name).theme", encoding: .utf8)
            let t = try ThemeParser.parse(text, fallbackName: "?", base: nil)
            XCTAssertEqual(t.name, name)
            let keys = Set(text.split(separator: "\n").compactMap { line -> String? in
                guard !line.hasPrefix("#"), let eq = line.firstIndex(of: "=") else { return nil }
                return line[..<eq].trimmingCharacters(in: .whitespaces)
            })
            for r in Role.allCases { XCTAssertTrue(keys.contains(r.key), "\(name).theme lacks \(r.key)") }
        }
    }

    func testBuiltInThemesEqualTheFiles() throws {
        let d = try String(contentsOfFile: Self.themesDir + "/default.theme", encoding: .utf8)
        let m = try String(contentsOfFile: Self.themesDir + "/mono.theme", encoding: .utf8)
        // A Swift multi-line literal has no final newline.
        XCTAssertEqual(BuiltinThemes.defaultText + "\n", d)
        XCTAssertEqual(BuiltinThemes.monoText + "\n", m)
        XCTAssertEqual(ThemeLoader.builtinDefault[.flowImport], Style(fg: 1, bold: true))
        XCTAssertTrue(ThemeLoader.builtinMono.isMonochrome)
        XCTAssertFalse(ThemeLoader.builtinDefault.isMonochrome)
    }

    func testLoaderByNamePathAliasAndFailures() throws {
        let dirs = [Self.themesDir]
        let light = ThemeLoader.load("light", searchDirs: dirs)
        XCTAssertNil(light.warning)
        XCTAssertEqual(light.theme.name, "light")
        XCTAssertEqual(ThemeLoader.load("dark", searchDirs: dirs).theme.name, "default")
        XCTAssertEqual(ThemeLoader.load(nil, searchDirs: dirs).theme.name, "default")
        let byPath = ThemeLoader.load(Self.themesDir + "/high-contrast.theme", searchDirs: [])
        XCTAssertEqual(byPath.theme.name, "high-contrast")
        XCTAssertNil(byPath.warning)

        let missing = ThemeLoader.load("solarized", searchDirs: ["/nonexistent"])
        XCTAssertEqual(missing.theme, ThemeLoader.builtinDefault)
        XCTAssertEqual(missing.warning, "theme 'solarized': no solarized.theme in /nonexistent; using the default theme")

        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("kw-theme-\(getpid()).theme").path
        try "normal = default\nwarn = bleu\n".write(toFile: tmp, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let bad = ThemeLoader.load(tmp, searchDirs: [])
        XCTAssertEqual(bad.theme, ThemeLoader.builtinDefault)
        XCTAssertTrue(bad.warning?.contains("line 2: warn: unknown colour 'bleu'") ?? false, bad.warning ?? "nil")
        XCTAssertTrue(bad.warning?.hasSuffix("using the default theme") ?? false)

        // Built-in default and mono need no files at all.
        XCTAssertNil(ThemeLoader.load("default", searchDirs: ["/nonexistent"]).warning)
        XCTAssertTrue(ThemeLoader.load("mono", searchDirs: ["/nonexistent"]).theme.isMonochrome)
    }

    func testPaletteDowngrade() {
        XCTAssertEqual(Palette.nearest256(r: 255, g: 0, b: 0), 196)
        XCTAssertEqual(Palette.nearest256(r: 128, g: 128, b: 128), 244)
        XCTAssertEqual(Palette.downgrade(196, colours: 8), 1)       // bright red → red
        XCTAssertEqual(Palette.downgrade(9, colours: 8), 1)
        XCTAssertEqual(Palette.downgrade(9, colours: 16), 9)
        XCTAssertEqual(Palette.downgrade(25, colours: 256), 25)
        XCTAssertEqual(Palette.downgrade(-1, colours: 8), -1)
    }
}
