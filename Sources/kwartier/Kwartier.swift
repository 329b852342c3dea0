import ArgumentParser
import KwartierCore

@main
struct Kwartier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kwartier",
        abstract: "Open energy hub: P1 meter, EV charge points over Modbus, fuse-tree load balancing, quarter-hour peak control.",
        discussion: """
        Start with `kwartier demo` (no hardware needed), check a configuration with \
        `kwartier check --config kwartier.yaml`, then drive a site with `kwartier run`.

        Examples:
          kwartier demo
          kwartier check --config /etc/kwartier/kwartier.yaml
          kwartier run --headless
          kwartier p1 decode telegrams.txt --json
        """,
        version: KwartierVersion.string,
        subcommands: [DemoCommand.self, RunCommand.self, DashboardCommand.self, StatusCommand.self, SetCommand.self, CheckCommand.self, CommissionCommand.self, P1Command.self,
                      ModbusCommand.self, DeviceCommand.self, SimulateCommand.self, ExplainCommand.self,
                      RelayCommand.self, HistoryCommand.self, PlanCommand.self, DebugCommand.self]
    )
}
