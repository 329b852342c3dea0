/// A status read split in two: the values the control needs every round, and counters that
/// change slowly (energy registers). When the counters fit in the round's requests (the same
/// blocks, or known registers to read through), `every` is read each time and nothing is
/// stale; when they would cost requests of their own, a round reads `round` and the counters
/// come now and then with `every` (or alone with `counters`). Made once per device: a round
/// on a bus of many chargers is made of these requests.
public struct StatusReadPlan: Sendable, Equatable {
    /// Every value, in as few requests as the profile allows.
    public var every: [ReadBlock]
    /// The values the control needs every round.
    public var round: [ReadBlock]
    /// The counters alone.
    public var counters: [ReadBlock]

    public init(round: [RegisterSpec], counters: [RegisterSpec], maxBlock: Int, bridge: [RegisterSpec] = []) {
        every = ReadPlan.blocks(round + counters, maxBlock: maxBlock, bridge: bridge)
        let roundBlocks = ReadPlan.blocks(round, maxBlock: maxBlock, bridge: bridge)
        self.round = roundBlocks
        // A counter the round's requests read through anyway is fresh every time.
        let apart = counters.filter { c in
            !roundBlocks.contains { $0.fn == c.fn && $0.address <= c.address && c.end <= $0.end }
        }
        self.counters = ReadPlan.blocks(apart, maxBlock: maxBlock, bridge: bridge)
        // Counters that add no request are always read.
        if every.count <= roundBlocks.count { self.round = every; self.counters = [] }
    }

    /// True when the counters take requests of their own (then they are read now and then).
    public var countersApart: Bool { !counters.isEmpty }
}
