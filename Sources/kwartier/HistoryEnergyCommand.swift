import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

struct HistoryEnergyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "energy",
        abstract: "kWh per measuring point (grid, boards, PV, battery, pulse inputs, relays, charge points) per day or month; gas and water in m3.")
    @OptionGroup var source: HistorySource
    @Option(help: ArgumentHelp("First day, yyyy-MM-dd (default: the first of this month).", valueName: "day")) var from: String?
    @Option(help: ArgumentHelp("Last day, included, yyyy-MM-dd (default: today).", valueName: "day")) var to: String?
    @Option(help: ArgumentHelp("Sum per day or per month.", valueName: "day|month")) var by: String = "day"
    @Option(help: ArgumentHelp("Only this charge point.", valueName: "id")) var point: String?
    @Option(help: ArgumentHelp("Only this measuring point (grid.import, grid.export, pv, battery.charge, battery.discharge, a board, a meter, a pulse input, a relay, gas, water).", valueName: "id")) var meter: String?

    func validate() throws {
        guard by == "day" || by == "month" else { throw ValidationError("--by \(by): give day or month") }
        if point != nil && meter != nil { throw ValidationError("give --point or --meter, not both") }
    }

    func run() throws {
        let (store, cal) = try source.open()
        let now = Date()
        let fromD = try historyDay(from, cal, flag: "--from") ?? cal.monthOf(now).start
        let toD = try historyDay(to, cal, flag: "--to") ?? cal.startOfDay(now)
        if toD < fromD { printErr("kwartier history: --to \(cal.dayKey(toD)) is before --from \(cal.dayKey(fromD))"); throw ExitCode(2) }
        let ids = (point ?? meter).map { [$0] }
        let r = try HistoryReports.energy(store, from: cal.dayKey(fromD), to: cal.dayKey(toD), byMonth: by == "month", ids: ids,
                                          timeZone: cal.timeZone.identifier)
        if source.json { try source.printJSON(r); return }
        if source.csv {
            source.printCSV(TextTable(header: [by, "id", "unit", "value"], rows: r.rows.map { [$0.period, $0.id, $0.unit, fmt($0.value, 3)] }))
            return
        }
        // One column per measuring point, one row per period.
        var cols: [String] = []
        var units: [String: String] = [:]
        for row in r.rows where units[row.id] == nil { units[row.id] = row.unit; cols.append(row.id) }
        cols.sort()
        var t = TextTable(header: [by] + cols.map { "\($0) \(units[$0]!)" }, rightAligned: Set(1...max(1, cols.count)))
        var periods: [String] = []
        var cell: [String: [String: Double]] = [:]
        for row in r.rows {
            if cell[row.period] == nil { periods.append(row.period) }
            cell[row.period, default: [:]][row.id] = row.value
        }
        var total: [String: Double] = [:]
        for p in periods {
            t.rows.append([p] + cols.map { c in cell[p]?[c].map { total[c, default: 0] += $0; return fmt($0, 2) } ?? "" })
        }
        if periods.count > 1 { t.rows.append(["total"] + cols.map { fmt(total[$0] ?? 0, 2) }) }
        print("\(r.from) to \(r.to) (\(r.time_zone))" + (periods.isEmpty ? ": nothing recorded" : ""))
        if !periods.isEmpty { print(t.text()) }
    }
}
