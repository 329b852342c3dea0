import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

struct HistorySessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Every charging session (one per car visit): point, start, end, kWh, phases, peak current, why it ended.")
    @OptionGroup var source: HistorySource
    @Option(help: ArgumentHelp("First day, yyyy-MM-dd (default: the first of this month).", valueName: "day")) var from: String?
    @Option(help: ArgumentHelp("Last day, included, yyyy-MM-dd (default: today).", valueName: "day")) var to: String?
    @Option(help: ArgumentHelp("Only this charge point.", valueName: "id")) var point: String?

    func run() throws {
        let (store, cal) = try source.open()
        let now = Date()
        let fromD = try historyDay(from, cal, flag: "--from") ?? cal.monthOf(now).start
        let toD = try historyDay(to, cal, flag: "--to") ?? cal.startOfDay(now)
        if toD < fromD { printErr("kwartier history: --to \(cal.dayKey(toD)) is before --from \(cal.dayKey(fromD))"); throw ExitCode(2) }
        let r = try HistoryReports.sessions(store, from: fromD, to: cal.nextDay(toD), point: point, cal: cal,
                                            fromKey: cal.dayKey(fromD), toKey: cal.dayKey(toD))
        if source.json { try source.printJSON(r); return }
        let header = ["point", "start", "end", "minutes", "kwh", "phases", "peak_a", "start_a", "end_reason"]
        let rows = r.sessions.map { s in
            [s.point, s.start, s.end ?? "", s.minutes.map(String.init) ?? "", fmt(s.kwh, 3), "\(s.phases)", fmt(s.peak_a, 1),
             fmt(s.start_a, 1), s.end_reason ?? ""]
        }
        if source.csv { source.printCSV(TextTable(header: header, rows: rows)); return }
        print("\(r.from) to \(r.to) (\(r.time_zone)): \(r.sessions.count) session\(r.sessions.count == 1 ? "" : "s"), \(fmt(r.sessions.reduce(0) { $0 + $1.kwh }, 2)) kWh")
        guard !rows.isEmpty else { return }
        let text = r.sessions.map { s in
            [s.point, s.start, s.end ?? "(plugged in)", s.minutes.map(String.init) ?? "", fmt(s.kwh, 2), "\(s.phases)", fmt(s.peak_a, 1),
             fmt(s.start_a, 1), s.end_reason.flatMap(SessionEnd.init(rawValue:))?.text ?? ""]
        }
        print(TextTable(header: ["point", "start", "end", "min", "kWh", "phases", "peak A", "start A", "ended"], rows: text,
                        rightAligned: [3, 4, 5, 6, 7]).text())
    }
}
