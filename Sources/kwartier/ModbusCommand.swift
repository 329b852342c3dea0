import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

// Technician tools over Modbus: raw registers (`kwartier modbus …`) and device profiles
// (`kwartier device …`). Subcommands live in ModbusCommand+Registers.swift and
// ModbusCommand+Device.swift.

struct ModbusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modbus",
        abstract: "Read, write and scan Modbus registers (technician tools).",
        discussion: """
        Exit codes: 0 done, 2 impossible request, 3 the device answered with a Modbus exception, \
        4 no answer / cannot connect. A call never waits longer than its timeout.

        Examples:
          kwartier modbus read --tcp 192.168.1.50 --unit 1 --holding 1210 \\
              --type float32
          kwartier modbus read --rtu /dev/ttyUSB0 --baud 57600 --parity N \\
              --stop-bits 2 --unit 50 --holding 0x0100
          kwartier modbus write --tcp 192.168.1.50 --unit 1 --holding 1210 \\
              --type float32 --value 10
          kwartier modbus scan --rtu /dev/ttyUSB0
        """,
        subcommands: [ModbusReadCommand.self, ModbusWriteCommand.self, ModbusScanCommand.self])
}

struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Device profiles: list them, show one, probe a device, watch a site's devices.",
        discussion: """
        Examples:
          kwartier device list
          kwartier device show alfen-eve
          kwartier device probe --driver alfen-eve --tcp 192.168.1.50 --unit 1
          kwartier device probe --driver mennekes-amtron-compact --rtu /dev/ttyUSB0
          kwartier device watch --config /etc/kwartier/kwartier.yaml --cycles 10
        """,
        subcommands: [DeviceListCommand.self, DeviceShowCommand.self, DeviceProbeCommand.self, DeviceWatchCommand.self])
}
