import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO
import KwartierTUI

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a configuration and print the site tree (exit 2 on errors).",
        discussion: """
        Every error names the file, the line, the key and the fix. Nothing is driven while \
        the configuration is invalid.

        Example:
          kwartier check --config /etc/kwartier/kwartier.yaml
        """)

    @OptionGroup var options: ConfigOptions
    @Flag(help: "Draw the tree with plain ASCII characters.") var ascii = false

    func run() throws {
        let (config, warnings) = try loadConfigOrExit(options.config)
        for w in warnings { printErr(w.description) }
        for w in SafeCurrentAudit.warnings(config, library: .shared) + EnergyControlAudit.warnings(config, library: .shared) { printErr(w) }
        print(SiteTreeReport.render(config, ascii: ascii || !TerminalCaps.localeIsUTF8()))
        print("Configuration OK: \(config.file)")
    }
}

struct ConfigOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Configuration file (default: ./kwartier.yaml, then /etc/kwartier/kwartier.yaml).")
    var config: String?
}

/// Loads the configuration or prints every problem and exits with code 2.
func loadConfigOrExit(_ path: String?) throws -> (SiteConfig, [ConfigProblem]) {
    do {
        return try ConfigFile.load(path)
    } catch let e as ConfigErrors {
        for p in e.problems { printErr(p.description) }
        let n = e.errors.count
        printErr("\(n) error\(n == 1 ? "" : "s") in the configuration; nothing will be driven until \(n == 1 ? "it is" : "they are") fixed.")
        throw ExitCode(2)
    } catch let e as ConfigFile.LocateError {
        printErr(e.description)
        throw ExitCode(2)
    }
}

func printErr(_ s: String) {
    FileHandle.standardError.write((s + "\n").data(using: .utf8)!)
}
