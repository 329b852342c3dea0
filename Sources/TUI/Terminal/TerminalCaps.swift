import Foundation
import CNcursesw

/// What the terminal and the locale can show, decided before drawing (htop does the same).
public enum TerminalCaps {
    /// Sets the locale from the environment (once) and tells whether its character set is
    /// UTF-8 (`nl_langinfo(nl_item(CODESET))`); otherwise the dashboard draws with ASCII.
    public static func localeIsUTF8() -> Bool {
        _ = localeOnce
        guard let cs = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: cs).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
    private static let localeOnce: Void = { setlocale(LC_ALL, "") }()

    /// Whether stdin and stdout are a terminal (the dashboard needs both; else plain output).
    public static func isInteractive() -> Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// NO_COLOR counts only when set and non-empty (the common convention: an empty value is unset).
    public static func noColorRequested(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        !(env["NO_COLOR"] ?? "").isEmpty
    }
}
