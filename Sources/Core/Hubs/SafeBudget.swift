/// What a device that cannot be heard from is counted at: its safe current (what it falls back to
/// when its watchdog runs out), or what it drew last when that is more (it may still draw it
/// until then). One rule for a lost charger and for a silent child hub.
public enum SafeBudget {
    /// The budget of one line: the safe current or the last draw, whichever is higher.
    @inline(__always)
    public static func line(safeA: Double, lastDrawA: Double) -> Double { Swift.max(safeA, lastDrawA) }

    /// Per line, a hub's every charge point at its safe current on each line its wiring reaches
    /// (a child hub falls back to this without an allowance; its parent counts it at least this).
    public static func perLine(_ c: SiteConfig) -> PhaseValues {
        var b = PhaseValues.zero
        for cp in c.chargepoints {
            for p in cp.phases.linesReached { b[p] += Swift.max(0, cp.safeA) }
        }
        return b
    }
}
