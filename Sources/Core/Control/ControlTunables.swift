import Foundation

/// How the meter's 1-0:1.4.0 ("current average demand") is read for the cross-check.
public enum QuarterAverageMeaning: String, Sendable, Codable {
    /// Energy imported since the quarter began, divided by the whole 15 minutes: starts at 0 at
    /// :00/:15/:30/:45 and rises to the quarter's final average (reported for Fluvius meters).
    case energySoFarOverQuarter = "energy-so-far"
    /// Energy so far divided by the time elapsed in the quarter.
    case averageSoFar = "average-so-far"
}

/// Every number the controller works with that is not in the site configuration.
/// The defaults are the ones docs/CONTROL.md documents; the site's own settings
/// (`start_buffer_a`, `min_run_time_s`, `min_pause_s`, `phase_switch_dwell_s`,
/// `follow_month_peak`, `time_zone`) are taken from `SiteSettings` by `init(site:)`.
public struct ControlTunables: Sendable, Equatable, Codable {
    /// Added to a car's minimum current, per phase, to start it (seed: 0 or 2 A).
    public var startBufferA: Double = 2
    /// Fair rotation: a started car keeps its turn at least this long while others wait (s).
    public var minRunTimeS: Double = 900
    /// A stopped car is not restarted before this pause (s).
    public var minPauseS: Double = 120
    /// At most one 1p/3p switch per point in this time (s).
    public var phaseSwitchDwellS: Double = 300
    /// No need to stay below a peak this month already has.
    public var followMonthPeak: Bool = false
    /// IANA zone of the meter's wall clock; quarters and months are aligned to it.
    public var timeZone: String = "Europe/Brussels"

    /// Setpoints are floored to this step (A); 0 = exact (used by the property tests).
    public var setpointStepA: Double = 0.1
    /// An increase is made only when the point could get at least this much more (A).
    public var increaseHysteresisA: Double = 1.0
    /// Increases are limited to this rate since the point's last change (A/s).
    public var rampUpAPerS: Double = 1.0
    /// A decrease is at least this big (down to the minimum), so no change below it is sent (A).
    public var minChangeA: Double = 0.5
    /// Rewrite an unchanged setpoint this often when the charger reports no watchdog (s).
    public var refreshS: Double = 30
    /// A running car the slider alone cannot hold keeps its minimum this long before it stops (s);
    /// the quarter-hour budget absorbs short excesses. Fuse limits never get a grace.
    public var sliderGraceS: Double = 60
    /// What a grace may add to a quarter's average at most (kW): one step of the meter's energy
    /// register (1 Wh over 15 min), so a car is not stopped seconds before a quarter ends for
    /// less than the meter can see.
    public var quarterToleranceKW: Double = 0.004
    /// A car offered its minimum that does not draw for this long is "not drawing": it keeps the
    /// minimum offered but takes no share above it (s).
    public var idleAfterS: Double = 120
    /// Start currents cars are known to need (seed table: 6 A, some cars 8 A). A car offered its
    /// point's minimum that does not draw for `idleAfterS` is offered the next of these above it
    /// (within the point's max) once per session; if it then draws, that is its start current.
    public var carStartStepsA: [Double] = [6, 8]
    /// A charging car drawing at least `carLimitGapA` less than its setpoint for `carLimitAfterS`
    /// is capped at its draw + `carLimitMarginA`, so the rest goes to the others; the cap goes as
    /// soon as it draws up to it again (it may take more).
    public var carLimitGapA: Double = 1.5
    public var carLimitAfterS: Double = 60
    public var carLimitMarginA: Double = 1.0
    /// Current a terminal must carry (A), and its share of the strongest terminal, to count as a
    /// phase the car draws on.
    public var learnMinA: Double = 1.0
    public var learnShare: Double = 0.3
    /// A child hub above its safe budget keeps this much over what it draws in its allowance (A),
    /// so it can grow while the rest of the room goes back to the parent's own points.
    public var remoteStepA: Double = 1.0
    /// A point whose last good reading is older than this is lost (s).
    public var pointLostAfterS: Double = 30
    /// Main-meter staleness when the grid's meter has no `stale_after_s` (s).
    public var defaultStaleAfterS: Double = 10
    /// The allowed power for the rest of the quarter is computed over at least this horizon (s),
    /// so the last seconds of a light quarter do not promise megawatts.
    public var quarterHorizonFloorS: Double = 30
    /// Longest gap between two main-meter samples that is integrated from the power readings (s);
    /// a longer gap without energy registers counts as unknown time (assumed at the target).
    public var maxIntegrationGapS: Double = 60
    /// The meter's 1.4.0 and the core's own integration disagree beyond this (kW): warning.
    public var crossCheckToleranceKW: Double = 0.3
    public var quarterAverageMeaning: QuarterAverageMeaning = .energySoFarOverQuarter
    /// Flanders bills at least this quarter peak (kW): a lower slider saves nothing.
    public var billedFloorKW: Double = 2.5
    /// Quarter averages kept for the dashboard's history strip.
    public var historyQuarters: Int = 16

    public init() {}

    public init(site: SiteSettings) {
        self.init()
        startBufferA = site.startBufferA
        minRunTimeS = site.minRunTimeS
        minPauseS = site.minPauseS
        phaseSwitchDwellS = site.phaseSwitchDwellS
        followMonthPeak = site.followMonthPeak
        timeZone = site.timeZone
    }
}

/// The power a car needs to start: (min current + start buffer) on each phase it draws on.
/// Seed tables: buffer 0 → 6 A: 1.38/2.76/4.14 kW, 8 A: 1.84/3.68/5.52 kW on 1/2/3 phases;
/// buffer 2 → 1.84/3.68/5.52 kW and 2.3/4.6/6.9 kW (230 V).
public func minimumStartPowerW(minA: Double, bufferA: Double, phases: Int, voltage: Double) -> Double {
    (minA + bufferA) * Double(phases) * voltage
}
