import Foundation

/// Commissioning (`kwartier commission phases`): steps one charging point's setpoint and records
/// its terminal currents against the main meter's lines at the end of each step, for
/// `WiringCheck`. Every step is at most what the controller decided for the point at that moment
/// (between the point's minimum and that), so stepping never takes more than the fuse budget and
/// the slider leave it; and a step up is never larger than the headroom of the fullest grid line,
/// because the configured wiring the controller budgets with may be the wrong one.
public struct PhaseProbe: Sendable {
    public struct Options: Sendable, Equatable {
        /// Steps (each a sample); more steps average out more house noise.
        public var steps = 12
        /// Seconds a step is held; the car ramps in the first part.
        public var dwellS = 10.0
        /// Readings in the last `sampleS` of a step are averaged into its sample.
        public var sampleS = 4.0
        public init(steps: Int = 12, dwellS: Double = 10, sampleS: Double = 4) {
            self.steps = steps; self.dwellS = dwellS; self.sampleS = min(sampleS, dwellS)
        }
    }

    /// What was found, for the CLI and the log.
    public struct Report: Sendable, Equatable {
        public var pointId: String
        public var configured: PhaseMap
        public var result: WiringCheck.Result
        /// Lowest and highest setpoint actually stepped between (A).
        public var lowA: Double
        public var highA: Double
        public var samples: Int
        /// The `phases:` the check points to, when it placed terminal 1 and the configuration is a
        /// 3-phase rotation: the cyclic order from that line (the usual way a rotation is wired).
        public var suggested: PhaseMap? {
            guard result.matchesConfigured == false, configured.terminals.count == 3, let first = result.lines[0] else { return nil }
            let order = (0..<3).map { Phase(rawValue: (first.rawValue + $0) % 3)! }
            if let second = result.lines[1], second != order[1] { return nil }
            return PhaseMap(name: order.map(\.description).joined())
        }

        /// "cp1: terminal 1 on L2 (0.98), configured L1: mismatch — configured L1L2L3 …".
        public var text: String {
            let verdict: String
            switch result.matchesConfigured {
            case true?: verdict = "matches the configured phases: \(configured)"
            case false?: verdict = "does NOT match the configured phases: \(configured)" + (suggested.map { " (found: phases: \($0))" } ?? "")
            case nil: verdict = "nothing to compare with the configured phases: \(configured)"
            }
            return "\(pointId): \(result.text) — \(verdict) (stepped \(TextFormat.plain(lowA))–\(TextFormat.plain(highA)) A, \(samples) samples)"
        }
    }

    public let pointId: String
    public let configured: PhaseMap
    public let options: Options
    /// Where each step sits between the point's minimum (0) and the controller's decision (1):
    /// an irregular pattern, so a house appliance cycling regularly cannot follow it.
    static let pattern: [Double] = [1, 0, 0.5, 0, 1, 0.5, 1, 0, 0.5, 1, 0, 0.75, 0.25, 1, 0, 0.5]

    var startMono: Double?
    var step = 0
    var acc = (terminals: PhaseValues.zero, grid: PhaseValues.zero, n: 0)
    var lowA = Double.infinity, highA = 0.0
    public private(set) var samples: [WiringCheck.Sample] = []
    public private(set) var report: Report?

    public init(pointId: String, configured: PhaseMap, options: Options = Options()) {
        self.pointId = pointId; self.configured = configured; self.options = options
    }

    public var done: Bool { report != nil }

    /// The setpoint to send now: between `minA` and what the controller `decided`, never above it.
    /// `upToA` bounds a step up: the wiring is what is being checked, so the controller's budget
    /// (which trusts it) is not enough; the caller gives the point's draw plus the headroom of the
    /// fullest grid line, wherever the step lands. A point the controller pauses stays paused.
    public mutating func setpoint(decided: Double, minA: Double, upToA: Double, mono: Double) -> Double {
        if startMono == nil { startMono = mono }
        guard !done, decided >= minA else { return decided }
        let f = Self.pattern[step % Self.pattern.count]
        let high = max(minA, min(decided, upToA))
        var a = minA + f * (high - minA)
        a = min(high, max(minA, (a * 2).rounded(.down) / 2))     // half amperes, never above the decision
        lowA = min(lowA, a); highA = max(highA, a)
        return a
    }

    /// A reading at a decision: the point's terminal currents and the meter's line currents.
    public mutating func observe(terminals: PhaseValues, grid: PhaseValues, mono: Double) {
        guard !done, let t0 = startMono else { return }
        let k = Int((mono - t0) / options.dwellS)
        if k > step {
            closeStep()
            step = k
            if step >= options.steps { finish(); return }
        }
        let intoStep = mono - t0 - Double(step) * options.dwellS
        if intoStep >= options.dwellS - options.sampleS {
            acc.terminals = acc.terminals + terminals
            acc.grid = acc.grid + grid
            acc.n += 1
        }
    }

    mutating func closeStep() {
        guard acc.n > 0 else { return }
        let k = 1 / Double(acc.n)
        samples.append(WiringCheck.Sample(terminals: acc.terminals * k, grid: acc.grid * k))
        acc = (.zero, .zero, 0)
    }

    mutating func finish() {
        report = Report(pointId: pointId, configured: configured, result: WiringCheck.analyse(samples, configured: configured),
                        lowA: lowA.isFinite ? lowA : 0, highA: highA, samples: samples.count)
    }
}
