import ArgumentParser
import Foundation
import KwartierCore
import KwartierTUI
import KwartierPreview

/// `kwartier-preview`, a development tool (not installed): the dashboard over a deterministic
/// fake site (Sources/Preview), for developing and testing the dashboard without the control
/// core or any hardware.
@main
struct KwartierPreview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kwartier-preview",
        abstract: "Draw the dashboard over a deterministic fake site (development and tests).",
        discussion: """
        Example:
          kwartier-preview --ascii --points 20
          kwartier-preview --print-screens --ascii   # each screen as text
        """)

    @Option(help: "Theme name (default, light, mono, high-contrast) or path of a .theme file.") var theme: String?
    @Flag(help: "Draw with plain ASCII even when the locale is UTF-8.") var ascii = false
    @Option(help: "Number of charge points (0-500).") var points: Int = 20
    @Option(name: .customLong("refresh-hz"), help: "Screen updates per second.") var refreshHz: Double?
    @Option(help: "Seed of the fake site.") var seed: UInt64 = 42
    @Option(help: "Simulated seconds per real second.") var speed: Double = 1
    @Option(name: .customLong("state-file"), help: "Write the fake site's state (JSON) here after every step.") var stateFile: String?
    @Option(help: "Screen shown first (1-7: overview, points, boards, devices, log, history, plan).") var screen: Int = 1
    @Flag(help: "Worst case for bandwidth: every charging car's current changes every second.") var busy = false
    @Option(name: .customLong("slider"), help: "Initial energy slider (kW).") var sliderKW: Double = 22
    @Flag(help: "Act as if a real site were driven (quitting asks for confirmation).") var driving = false
    @Option(help: "Quit after this many seconds.") var seconds: Double?
    @Flag(name: .customLong("print-screens"), help: "Print every screen as text (no terminal needed) and exit.") var printScreens = false
    @Option(help: "Width for --print-screens.") var width: Int = 80
    @Option(help: "Height for --print-screens.") var height: Int = 24
    @Option(help: "Steps the site takes before --print-screens.") var steps: Int = 5

    func validate() throws {
        guard (0...500).contains(points) else { throw ValidationError("--points must be 0-500") }
        if let r = refreshHz, !(0.1...20).contains(r) { throw ValidationError("--refresh-hz must be 0.1-20") }
        guard ScreenID(rawValue: screen) != nil else { throw ValidationError("--screen must be 1-\(ScreenID.allCases.count)") }
        guard sliderKW >= 0 && sliderKW <= 1000 else { throw ValidationError("--slider must be 0-1000 kW") }
        guard speed > 0 && speed <= 1000 else { throw ValidationError("--speed must be above 0 and at most 1000") }
    }

    func run() throws {
        var site = PreviewSite(points: points, seed: seed, sliderKW: sliderKW, busy: busy)
        if printScreens {
            for _ in 0..<max(0, steps) { site.step() }
            let glyphs: Glyphs = ascii ? .ascii : (TerminalCaps.localeIsUTF8() ? .utf8 : .ascii)
            print(PreviewScreens.text(site.snapshot(), width: width, height: height, glyphs: glyphs))
            return
        }
        var ui = UIConfig()
        if let t = theme { ui.theme = t }
        if let r = refreshHz { ui.refreshHz = r }
        ui.ascii = ascii
        var options = DashboardOptions(ui: ui)
        options.initialScreen = ScreenID(rawValue: screen) ?? .overview
        let runner = PreviewRunner(site: site, speed: speed, stateFile: stateFile)
        runner.start()
        let dashboard = Dashboard(options: options)
        let result: DashboardExit
        do {
            result = try dashboard.run(feed: runner.feed, onCommand: runner.submit, isDrivingHardware: driving,
                                       stopAfter: seconds)
        } catch let e as DashboardError {
            runner.stop()
            printErr("kwartier-preview: \(e.description)")
            throw ExitCode(1)
        }
        runner.stop()
        if let w = dashboard.themeWarning { printErr(w) }
        if result == .signal { throw ExitCode(130) }
    }
}

func printErr(_ s: String) { FileHandle.standardError.write((s + "\n").data(using: .utf8)!) }
