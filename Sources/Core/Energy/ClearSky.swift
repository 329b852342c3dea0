import Foundation

/// A clear-sky PV estimate per array from the sun's position (latitude, longitude, time) and the
/// array's tilt and azimuth, and the cloud-cover correction of Kasten and Czeplak (1980):
/// irradiance × (1 − 0.75 · cover^3.4). Coarse on purpose: the plan needs the day's shape and
/// energy, not the minute.
public enum ClearSky {
    /// Sine of the sun's elevation and its azimuth (degrees from north, clockwise) at `t`.
    public static func sun(at t: Date, latitude: Double, longitude: Double) -> (sinElevation: Double, azimuth: Double) {
        let days = t.timeIntervalSince1970 / 86_400
        let doy = (days - 365.25 * (days / 365.25).rounded(.down)).rounded(.down) + 1
        let decl = 23.44 * sin(2 * .pi * (284 + doy) / 365) * .pi / 180
        let utcHours = t.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 3600
        let h = (utcHours + longitude / 15 - 12) * 15 * .pi / 180
        let phi = latitude * .pi / 180
        let sinEl = sin(phi) * sin(decl) + cos(phi) * cos(decl) * cos(h)
        var az = atan2(sin(h), cos(h) * sin(phi) - tan(decl) * cos(phi)) * 180 / .pi + 180
        if az >= 360 { az -= 360 }
        return (sinEl, az)
    }

    /// Clear-sky output of one array (kW) at `t`.
    public static func arrayKW(_ a: EnergyConfig.PVArray, at t: Date, latitude: Double, longitude: Double) -> Double {
        let (s, az) = sun(at: t, latitude: latitude, longitude: longitude)
        guard s > 0 else { return 0 }
        let ghi = 1000 * pow(s, 1.2)
        let beam = 0.8 * ghi, diffuse = 0.2 * ghi
        let tilt = a.tilt * .pi / 180
        let cosEl = (1 - s * s).squareRoot()
        let cosInc = s * cos(tilt) + cosEl * sin(tilt) * cos((az - a.azimuth) * .pi / 180)
        let poa = beam * max(0, cosInc) / max(s, 0.2) + diffuse * (1 + cos(tilt)) / 2
        return a.kwp * 0.85 * poa / 1000
    }

    /// Clear-sky output of all arrays (kW) at `t`.
    public static func pvKW(_ arrays: [EnergyConfig.PVArray], at t: Date, latitude: Double, longitude: Double) -> Double {
        arrays.reduce(0) { $0 + arrayKW($1, at: t, latitude: latitude, longitude: longitude) }
    }

    /// The share of clear-sky irradiance left under `cover` (0…1) of cloud.
    public static func cloudFactor(_ cover: Double) -> Double { 1 - 0.75 * pow(max(0, min(1, cover)), 3.4) }
}
