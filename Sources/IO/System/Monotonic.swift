import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The host's monotonic clock in seconds (not wall time): deadlines, ages, round trips, pacing.
/// The one clock of every IO part (P1 reader, Modbus workers, the site loop's real shell).
public enum Monotonic {
    public static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
