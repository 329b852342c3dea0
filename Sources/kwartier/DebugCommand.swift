import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

/// Hidden tools for tests: not part of the user's CLI.
struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug", abstract: "Internal test tools.", shouldDisplay: false,
        subcommands: [SettingsBurst.self, SettingsShow.self])

    /// Writes settings as fast as it can (slider = 1, 2, 3 …) until killed: the kill -9 test.
    struct SettingsBurst: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "settings-burst")
        @Option var dataDir: String
        @Option var count: Int = 1_000_000
        func run() throws {
            let store = SettingsStore(dataDir: dataDir)
            var s = RuntimeSettings(sliderKW: 0)
            for i in 1...count {
                s.sliderKW = Double(i)
                // A payload large enough that a torn write would be visible.
                s.points = Dictionary(uniqueKeysWithValues: (1...40).map { ("cp\($0)", .init(mode: .manual, priority: i % 7, manualA: Double(i % 32))) })
                try store.save(s)
                if i == 1 { print("started"); flushStandardOutput() }
            }
        }
    }

    /// Prints the settings as loaded (with any load message on stderr).
    struct SettingsShow: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "settings-show")
        @Option var dataDir: String
        func run() throws {
            let store = SettingsStore(dataDir: dataDir)
            let s = store.load(defaults: RuntimeSettings(sliderKW: -1))
            for m in store.loadMessages { printErr(m) }
            print(String(format: "slider %.0f points %d", s.sliderKW, s.points.count))
        }
    }
}
