import Foundation

/// What the loop hands the history: closed quarters and the energy counted between them.
extension SiteLoop {
    /// At each quarter's end: the closed quarter, the energy counted since the last one, the
    /// pulse totals.
    func recordQuarter(_ q: QuarterStatus?) {
        guard let q else { return }
        if let cur = currentQuarter, cur.start != q.start {
            flushEnergy(day: day(of: cur.start))
            if !pulseMeters.isEmpty {
                lastPulsesSaveMono = clock.mono
                out.append(.savePulses(pulseStates))
            }
            out.append(.recordQuarter(ClosedQuarter(start: cur.start, averageKW: cur.importedKWh / 0.25, importKWh: cur.importedKWh)))
        }
        currentQuarter = q
    }

    /// Adds a charger's energy since its last reading to the running total (a register that
    /// jumps back or by more than 100 kWh is a reset or a glitch, not energy).
    func accountEnergy(_ i: Int, _ st: ChargePointStatus) {
        guard let e = st.energyKWh, e.isFinite else { return }
        if let last = lastEnergy[i], e >= last, e - last < 100, e > last {
            energySinceRecord[devices.points[i].id, default: 0] += e - last
        }
        lastEnergy[i] = e
    }

    func flushEnergy(day: String) {
        guard !energySinceRecord.isEmpty else { return }
        out.append(.recordEnergy(day: day, kwh: energySinceRecord))
        energySinceRecord.removeAll()
    }

    /// The site's local day of `t`, yyyy-MM-dd.
    func day(of t: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: t)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
