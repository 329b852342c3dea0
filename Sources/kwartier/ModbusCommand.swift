import ArgumentParser

struct ModbusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modbus",
        abstract: "Read, write and scan Modbus registers (technician tools).")
    func run() throws {
        printErr("kwartier modbus: not available yet in this build")
        throw ExitCode(1)
    }
}

struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Device profiles: list them, probe a device.")
    func run() throws {
        printErr("kwartier device: not available yet in this build")
        throw ExitCode(1)
    }
}
