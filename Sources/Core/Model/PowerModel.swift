import Foundation

/// The power a charge point takes for its current per line: the one formula the control core
/// and the simulated site share, so a backtest cannot hide a wrong budget.
///
/// TN and TT (3x400 V + N): each phase is a load between a line and the neutral at `voltage`
/// (230 V): P = phases x U x I. IT (3x230 V, no neutral): a load is always between two lines;
/// three phases drawing I per line take sqrt(3) x U x I, a car drawing on one or two terminals
/// is one load between two lines: U x I. A line-to-line point is that one load on any network.
public struct PowerModel: Sendable, Equatable {
    public let network: NetworkType
    public let voltage: Double

    public init(network: NetworkType, voltage: Double) {
        self.network = network
        self.voltage = voltage > 0 ? voltage : 230
    }
    public init(_ site: SiteSettings) { self.init(network: site.network, voltage: site.voltage) }

    /// Watts per ampere of line current for a car drawing on `phases` terminals (0 = none).
    @inline(__always)
    public func wattsPerAmp(phases: Int, lineToLine: Bool) -> Double {
        if phases <= 0 { return 0 }
        if lineToLine { return voltage }
        if network == .IT { return phases >= 3 ? 3.0.squareRoot() * voltage : voltage }
        return Double(phases) * voltage
    }

    /// Watts for `amps` per line on `phases` terminals.
    @inline(__always)
    public func watts(amps: Double, phases: Int, lineToLine: Bool = false) -> Double {
        amps * wattsPerAmp(phases: phases, lineToLine: lineToLine)
    }
}
