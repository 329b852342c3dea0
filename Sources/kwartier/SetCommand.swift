import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

/// `kwartier set …`: one command to the running hub, as a dashboard key would send it.
struct SetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change the running hub's slider, a point's mode/current/priority, or a relay override.",
        discussion: """
        Exit 0 once the core has taken the command and saved it (settings.json), 2 with the \
        reason when the core refuses the value, 3 when no hub runs there.

        Examples:
          kwartier set slider 7.5
          kwartier set point cp1 --mode manual --current 10
          kwartier set point cp2 --priority 5
          kwartier set point cp1 --ready-by 07:00 --energy-kwh 30
          kwartier set point cp1 --ready-by none
          kwartier set relay boiler off
        """,
        subcommands: [SetSlider.self, SetPoint.self, SetRelay.self])
}

/// Sends `name` with `body`; prints the answer; exits 0, 2 (refused) or 3 (no hub).
func sendCommand(_ hub: HubOptions, _ name: String, _ body: String, tool: String) throws {
    let (path, _) = try hub.resolve()
    let c = try connectOrExit(path, tool: tool)
    let a = try requestOrExit(c, name, body, tool: tool)
    if let e = a["error"] as? String {
        printErr("kwartier \(tool): refused: \(e)")
        throw ExitCode(2)
    }
    print(a["ok"] as? String ?? "ok")
}

struct SetSlider: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "slider", abstract: "Set the quarter-hour peak slider (kW).")
    @OptionGroup var hub: HubOptions
    @Argument(help: "The slider in kW.") var kw: Double

    func run() throws {
        try sendCommand(hub, "set_slider", "{\"kw\":\(kw.isFinite ? "\(kw)" : "null")}", tool: "set slider")
    }
}

struct SetPoint: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "point", abstract: "Set a charge point's mode, manual current, priority or ready-by time.")
    @OptionGroup var hub: HubOptions
    @Argument(help: "The charge point's id.") var id: String
    @Option(help: "auto, manual or off.") var mode: String?
    @Option(help: "Manual charging current (A), within the point's range.") var current: Double?
    @Option(help: "Priority (-100…100; higher charges first).") var priority: Int?
    @Option(help: ArgumentHelp("Have --energy-kwh in the car by this local time (HH:MM), in the cheapest quarters; none = no deadline.",
                               valueName: "HH:MM")) var readyBy: String?
    @Option(help: "The energy (kWh) to have by --ready-by.") var energyKwh: Double?

    func validate() throws {
        guard mode != nil || current != nil || priority != nil || readyBy != nil else {
            throw ValidationError("give at least one of --mode, --current, --priority, --ready-by")
        }
        if let r = readyBy, r != "none" {
            guard ReadyBy.minute(r) != nil else { throw ValidationError("--ready-by '\(r)' is not a time of day HH:MM (or none)") }
            guard energyKwh != nil else { throw ValidationError("--ready-by needs --energy-kwh (the energy to have by then)") }
        } else if energyKwh != nil {
            throw ValidationError("--energy-kwh goes with --ready-by HH:MM")
        }
    }

    func run() throws {
        var fields = ["\"point\":\(ControlProtocol.quote(id))"]
        if let m = mode { fields.append("\"mode\":\(ControlProtocol.quote(m))") }
        if let a = current { fields.append("\"current_a\":\(a.isFinite ? "\(a)" : "null")") }
        if let p = priority { fields.append("\"priority\":\(p)") }
        if let r = readyBy {
            if r == "none" { fields.append("\"ready_by\":null") } else {
                fields.append("\"ready_by\":\(ControlProtocol.quote(r))")
                if let e = energyKwh { fields.append("\"energy_kwh\":\(e.isFinite ? "\(e)" : "null")") }
            }
        }
        try sendCommand(hub, "set_point", "{" + fields.joined(separator: ",") + "}", tool: "set point")
    }
}

struct SetRelay: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "relay", abstract: "Override a relay: on, off, or auto (the core decides).")
    @OptionGroup var hub: HubOptions
    @Argument(help: "The relay's id.") var id: String
    @Argument(help: "on, off or auto.") var state: String

    func run() throws {
        try sendCommand(hub, "set_relay", "{\"override\":\(ControlProtocol.quote(state)),\"relay\":\(ControlProtocol.quote(id))}", tool: "set relay")
    }
}
