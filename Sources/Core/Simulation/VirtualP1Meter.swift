import Foundation

/// The simulated site's main meter speaking real P1: the flows become an e-MUCS (or DSMR 5)
/// telegram with a correct CRC, and the hub side reads it back through the real framer and
/// parser — so the demo and the backtests exercise the path from bytes to decisions.
public struct VirtualP1Meter: Sendable {
    public var encoder: TelegramEncoder
    public init(style: TelegramEncoder.Style = .emucs) { encoder = TelegramEncoder(style: style) }

    public func state(site: SimSite, meter: VirtualMeterState, at now: Date) -> P1MeterState {
        state(gridPhaseW: site.flows.gridPhaseW, voltage: site.config.site.voltage, meter: meter, at: now)
    }

    func state(gridPhaseW: PhaseValues, voltage: Double, meter: VirtualMeterState, at now: Date) -> P1MeterState {
        var s = P1MeterState(time: now)
        s.importKWh = meter.importKWh
        s.exportKWh = meter.exportKWh
        s.tariff = meter.tariff
        s.setLines(signedPowerW: gridPhaseW, voltage: .all(voltage))
        s.quarterAverageKW = meter.currentAverageKW
        s.monthPeakKW = meter.monthPeakKW
        s.monthPeakTime = meter.monthPeakTime
        s.history = meter.history.map { P1HistoryMonth(start: $0.monthStart, peakTime: $0.peakTime, kw: $0.kw) }
        return s
    }

    public func telegram(site: SimSite, meter: VirtualMeterState, at now: Date) -> [UInt8] {
        encoder.encode(state(site: site, meter: meter, at: now))
    }

    /// The `TelegramMaker` the simulation runner calls. For e-MUCS it writes the very bytes of
    /// `telegram(site:meter:at:)` through a faster writer that keeps the monthly lines ready.
    public var maker: TelegramMaker {
        guard encoder.style == .emucs else { return { site, meter, now in self.telegram(site: site, meter: meter, at: now) } }
        let w = EMUCSWriter(header: encoder.header)
        return { site, meter, now in
            w.telegram(gridPhaseW: site.flows.gridPhaseW, voltage: site.config.site.voltage, meter: meter, at: now)
        }
    }
}
