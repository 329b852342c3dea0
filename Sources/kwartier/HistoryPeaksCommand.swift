import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

struct HistoryPeaksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peaks",
        abstract: "A month's highest quarter-hours, the billed peak, and each day's highest quarter.")
    @OptionGroup var source: HistorySource
    @Option(help: ArgumentHelp("The month, yyyy-MM (default: this month in the site's time zone).", valueName: "month")) var month: String?
    @Option(help: ArgumentHelp("How many of the highest quarters to list.", valueName: "n")) var top: Int = 5

    func validate() throws { if top < 1 { throw ValidationError("--top must be 1 or more") } }

    func run() throws {
        let (store, cal) = try source.open()
        let m = month ?? cal.monthKey(Date())
        guard let r = try HistoryReports.peaks(store, month: m, cal: cal, top: top) else {
            printErr("kwartier history: --month \(m) is not a month: give yyyy-MM, e.g. 2026-11")
            throw ExitCode(2)
        }
        if source.json { try source.printJSON(r); return }
        let days = TextTable(header: ["day", "highest quarter", "kW", "slider kW", "quarters"],
                             rows: r.days.map { [$0.day, $0.start, fmt($0.kw, 3), fmt($0.slider_kw, 1), "\($0.quarters)"] },
                             rightAligned: [2, 3, 4])
        if source.csv {
            var t = TextTable(header: ["day", "quarter_start", "kw", "slider_kw", "quarters", "billed"])
            t.rows = r.days.map { [$0.day, $0.start, fmt($0.kw, 3), fmt($0.slider_kw, 3), "\($0.quarters)", $0.start == r.billed_peak?.start ? "1" : "0"] }
            source.printCSV(t)
            return
        }
        guard let b = r.billed_peak else { print("\(m): no quarters recorded (\(r.time_zone))"); return }
        print("\(m) (\(r.time_zone)): billed peak \(fmt(b.kw, 3)) kW in the quarter of \(b.start)")
        print("")
        print("Highest quarters:")
        print(TextTable(header: ["quarter", "kW", "import kWh", "export kWh", "slider kW", "meter 1.4.0 kW"],
                        rows: r.highest.map { [$0.start, fmt($0.kw, 3), fmt($0.import_kwh, 3), fmt($0.export_kwh, 3), fmt($0.slider_kw, 1), fmt($0.meter_kw, 3)] },
                        rightAligned: [1, 2, 3, 4, 5]).text())
        print("")
        print("Per day:")
        print(days.text())
    }
}
