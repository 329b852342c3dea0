import Foundation

/// Number and duration formats for the relays' reason texts (dashboard, log).
enum RelayText {
    /// Watts as kilowatts with one decimal: 1540 -> "1.5 kW"; 0 stays "0.0 kW".
    static func kW(_ w: Double) -> String {
        let v = (w / 100).rounded() / 10
        return String(format: "%.1f kW", v == 0 ? 0 : v)
    }

    /// A duration for a human: "45s", "4m10s", "1h00m".
    static func duration(_ s: Double) -> String {
        let t = max(0, Int(s.rounded(.up)))
        if t < 60 { return "\(t)s" }
        if t < 3600 { return "\(t / 60)m\(String(format: "%02d", t % 60))s" }
        return "\(t / 3600)h\(String(format: "%02d", (t % 3600) / 60))m"
    }
}
