import Foundation

/// The readings of one MeterValues (or a StopTransaction's transactionData): per-phase current,
/// power and the energy register, converted to A, W and kWh.
struct OCPPMeterReading: Equatable {
    var currents: [Double?] = [nil, nil, nil]
    var powerW: Double?
    var energyKWh: Double?

    /// Reads `meterValue: [{timestamp, sampledValue: [{value, measurand, phase, unit, location}]}]`.
    /// Values at the EV or the charger's body are not the outlet's and are skipped.
    init(meterValue: [[String: Any]]) {
        for mv in meterValue {
            for sv in mv["sampledValue"] as? [[String: Any]] ?? [] {
                guard let raw = sv["value"] as? String, let v = Double(raw), v.isFinite else { continue }
                if let loc = sv["location"] as? String, loc == "EV" || loc == "Body" { continue }
                let measurand = sv["measurand"] as? String ?? "Energy.Active.Import.Register"
                let unit = sv["unit"] as? String
                let phase = sv["phase"] as? String
                switch measurand {
                case "Current.Import":
                    switch phase.map({ String($0.prefix(2)) }) {
                    case "L1", nil: currents[0] = v
                    case "L2": currents[1] = v
                    case "L3": currents[2] = v
                    default: break
                    }
                case "Power.Active.Import":
                    guard phase == nil else { continue }   // the total only
                    powerW = unit == "kW" ? v * 1000 : v
                case "Energy.Active.Import.Register":
                    guard phase == nil else { continue }
                    energyKWh = unit == "kWh" ? v : v / 1000
                default: break
                }
            }
        }
    }
}
