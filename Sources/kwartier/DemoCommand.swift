import ArgumentParser
import Foundation
import KwartierCore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the built-in simulated site with the dashboard (no hardware needed).",
        discussion: """
        Example:
          kwartier demo
          kwartier demo --config kwartier.yaml   # simulate the site of a real configuration
        """)
    @Option(name: .shortAndLong, help: "Simulate the site of this configuration instead of the built-in car park.")
    var config: String?
    @Flag(help: "Print live values line by line instead of drawing the dashboard.") var headless = false
    @Option(help: "Stop after this many seconds (default: run until Ctrl-C).") var seconds: Double?

    func run() throws {
        printErr("kwartier demo: the simulated site is not available yet in this build")
        throw ExitCode(1)
    }
}
