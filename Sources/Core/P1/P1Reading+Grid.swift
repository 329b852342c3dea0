import Foundation

/// Converts a telegram's reading into the main-meter measurement the control core uses.
///
/// Signs and missing data, line by line:
/// - Currents: P1 sends magnitudes. With per-line power (21/41/61.7.0 import, 22/42/62.7.0
///   export) a line whose export exceeds its import gets a negative current. The magnitude is
///   the larger of the sent current and |P|/V (DSMR 5 sends whole amperes; |P|/V never exceeds
///   the true current), so rounding never hides load.
/// - Currents without per-line power (DSMR 4.0 and some 4.2 meters): the direction of each line
///   is unknown. A single-line meter takes the sign of the total (export when 2.7.0 > 1.7.0);
///   on three lines the currents count as import. That is the safe side for the fuses: export
///   on one line never lends headroom to another.
/// - Per-line power without currents (EasyMeter): I = P / V (the line's voltage, else nominal).
/// - Neither (DSMR 2.2/3): only the total is known. Net import is put on every line (any single
///   line might carry all of it); net export is not credited (0 A).
/// - Powers (W, + import): per line when the meter sends them, else nil. Total = 1.7.0 - 2.7.0,
///   or the sum of the lines when there is no total.
/// - Energies: the meter's 1.8.0/2.8.0 totals when sent, else the sum of the tariff registers.
extension P1Reading {
    public func gridMeasurement(hostTime: Date, nominalVoltage: Double = 230) -> GridMeasurement {
        let hasLinePower = !powerImportPhaseKW.isEmpty || !powerExportPhaseKW.isEmpty
        var linePowerW: PhaseValues? = nil
        if hasLinePower {
            var p = PhaseValues.zero
            for ph in Phase.allCases {
                let i = ph.rawValue
                p[ph] = ((powerImportPhaseKW[i] ?? 0) - (powerExportPhaseKW[i] ?? 0)) * 1000
            }
            linePowerW = p
        }
        let totalImport = powerImportKW, totalExport = powerExportKW
        let netTotalW: Double? = (totalImport != nil || totalExport != nil)
            ? ((totalImport ?? 0) - (totalExport ?? 0)) * 1000 : nil
        let powerW = netTotalW ?? linePowerW?.sum ?? 0

        var currents = PhaseValues.zero
        if !current.isEmpty {
            let singleLine = current.count == 1
            for ph in Phase.allCases {
                let i = ph.rawValue
                guard let sent = current[i] else { continue }
                var magnitude = sent
                var sign = 1.0
                if let p = linePowerW?[ph] {
                    let v = voltage[i] ?? nominalVoltage
                    if v > 0 { magnitude = max(sent, abs(p) / v) }
                    if p < 0 { sign = -1 }
                } else if singleLine, (netTotalW ?? 0) < 0 {
                    sign = -1
                }
                currents[ph] = sign * magnitude
            }
        } else if let p = linePowerW {
            for ph in Phase.allCases {
                let v = voltage[ph.rawValue] ?? nominalVoltage
                currents[ph] = v > 0 ? p[ph] / v : 0
            }
        } else if powerW > 0 {
            currents = .all(powerW / nominalVoltage)
        }

        var voltages: PhaseValues? = nil
        if !voltage.isEmpty { voltages = PhaseValues(voltage.l1 ?? 0, voltage.l2 ?? 0, voltage.l3 ?? 0) }

        let meter = MeterMeasurement(currents: currents, voltages: voltages, powers: linePowerW, powerW: powerW,
                                     importKWh: totalImportKWh, exportKWh: totalExportKWh)
        return GridMeasurement(meterTime: time?.date ?? hostTime, meter: meter, quarterAverageKW: quarterAverageKW,
                               monthPeakKW: monthPeakKW, monthPeakTime: monthPeakTime?.date,
                               gasM3: gas.flatMap(\.value), waterM3: water.flatMap(\.value))
    }
}
