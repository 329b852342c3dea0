import KwartierCore

/// GPIO relays and pulse inputs (Linux GPIO character device, libgpiod).
///
/// Not in this build: libgpiod 1.6 headers are installed on the build machine, but nothing here
/// could be tested (no /dev/gpiochip*, no gpio-sim or gpio-mockup module in the sandbox), and an
/// untested driver for a contact that switches a heat pump is worse than a clear refusal.
/// See docs/RELAYS.md.
public enum GPIOSupport {
    public static let available = false
    public static func unsupported(_ what: String, chip: String, line: Int) -> DeviceError {
        .unsupported("\(what) on GPIO \(chip) line \(line): gpio is not supported in this build — use a Modbus relay/DI module (modbus_coil / modbus_counter) or a `command` output, see docs/RELAYS.md")
    }
}
