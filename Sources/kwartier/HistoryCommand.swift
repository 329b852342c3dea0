import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "What each point and meter used, every charging session, the quarter-hour peaks.",
        discussion: """
        Reads the history the hub records in data_dir/history.sqlite (`kwartier run`, `demo` \
        and `simulate --history DIR` record it). Days and months are the site's local ones; \
        --csv gives RFC 4180 CSV with ISO 8601 times (with their UTC offset) for a spreadsheet, \
        --json one JSON document. docs/HISTORY.md describes every column.

        Examples:
          kwartier history peaks                          # this month's peaks
          kwartier history peaks --month 2026-11 --data-dir .data/demo
          kwartier history energy --from 2026-11-01 --to 2026-11-30 --by month
          kwartier history energy --point cp1 --csv > cp1.csv
          kwartier history sessions --from 2026-11-01 --json
        """,
        subcommands: [HistoryPeaksCommand.self, HistoryEnergyCommand.self, HistorySessionsCommand.self])
}

/// Where the history is and how to print it (shared by the three reports).
struct HistorySource: ParsableArguments {
    @OptionGroup var options: ConfigOptions
    @Option(help: "Read this data directory instead of the configuration's data_dir (e.g. .data/demo).") var dataDir: String?
    @Flag(help: "Print RFC 4180 CSV.") var csv = false
    @Flag(help: "Print one JSON document.") var json = false

    func validate() throws {
        if csv && json { throw ValidationError("give --csv or --json, not both") }
    }

    /// The store and the site's calendar, or a clear message and exit 2.
    func open() throws -> (HistoryStore, HistoryCalendar) {
        var dir = dataDir
        var zone: String?
        if dir == nil {
            let cfg = try loadConfigOrExit(options.config).0
            dir = cfg.site.dataDir
            zone = cfg.site.timeZone
        }
        let path = HistoryStore.filePath(dataDir: dir!)
        guard FileManager.default.fileExists(atPath: path) else {
            printErr("kwartier history: no history in \(dir!) (\(path) does not exist): `kwartier run` or `kwartier demo` records it")
            throw ExitCode(2)
        }
        let store: HistoryStore
        do { store = try HistoryStore(path: path) } catch {
            printErr("kwartier history: \(path): \(error)")
            throw ExitCode(2)
        }
        for n in store.notes { printErr("kwartier history: \(n)") }
        let id = zone ?? (try? store.timeZone()) ?? nil
        let tz = id.flatMap(TimeZone.init(identifier:)) ?? TimeZone.current
        return (store, HistoryCalendar(timeZone: tz))
    }

    func printJSON<T: Encodable>(_ v: T) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        print(String(decoding: try enc.encode(v), as: UTF8.self))
    }

    func printCSV(_ t: TextTable) {
        FileHandle.standardOutput.write(t.csv().data(using: .utf8)!)
    }
}

/// A day option's value, or a clear message and exit 2.
func historyDay(_ s: String?, _ cal: HistoryCalendar, flag: String) throws -> Date? {
    guard let s else { return nil }
    guard let d = cal.day(s) else { printErr("kwartier history: \(flag) \(s) is not a day: give yyyy-MM-dd, e.g. 2026-11-03"); throw ExitCode(2) }
    return d
}

func fmt(_ v: Double?, _ digits: Int = 2) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "" }
