import Foundation

/// The two charging profiles that make a setpoint a lease (OCPP 1.6 SetChargingProfile payloads).
/// The default profile, permanent at stack level 0, holds the point's safe current; the lease, at
/// stack level 1, holds the setpoint until `validTo`. Only the hub renews the lease, so a hub that
/// stops leaves the charger at its safe current once the lease runs out.
enum OCPPChargingProfiles {
    static let defaultStackLevel = 0
    static let leaseStackLevel = 1

    /// Profile ids are per charger: two per connector.
    static func defaultProfileId(connector: Int) -> Int { connector * 10 + 1 }
    static func leaseProfileId(connector: Int) -> Int { connector * 10 + 2 }

    static func safeDefault(connector: Int, safeA: Double) -> [String: Any] {
        [
            "connectorId": connector,
            "csChargingProfiles": [
                "chargingProfileId": defaultProfileId(connector: connector),
                "stackLevel": defaultStackLevel,
                "chargingProfilePurpose": "TxDefaultProfile",
                "chargingProfileKind": "Relative",
                "chargingSchedule": [
                    "chargingRateUnit": "A",
                    "chargingSchedulePeriod": [["startPeriod": 0, "limit": limit(safeA)]],
                ] as [String: Any],
            ] as [String: Any],
        ]
    }

    /// The setpoint valid until `now + leaseS`; `phases` (1 or 3) only where the charger switches.
    /// The schedule starts a minute back so a charger whose clock runs a little behind applies it at once.
    static func lease(connector: Int, amps: Double, phases: Int?, now: Date, leaseS: Double) -> [String: Any] {
        var period: [String: Any] = ["startPeriod": 0, "limit": limit(amps)]
        if let p = phases { period["numberPhases"] = p }
        return [
            "connectorId": connector,
            "csChargingProfiles": [
                "chargingProfileId": leaseProfileId(connector: connector),
                "stackLevel": leaseStackLevel,
                "chargingProfilePurpose": "TxDefaultProfile",
                "chargingProfileKind": "Absolute",
                "validTo": OCPPFrame.timestamp(now.addingTimeInterval(leaseS)),
                "chargingSchedule": [
                    "chargingRateUnit": "A",
                    "startSchedule": OCPPFrame.timestamp(now.addingTimeInterval(-60)),
                    "chargingSchedulePeriod": [period],
                ] as [String: Any],
            ] as [String: Any],
        ]
    }

    /// OCPP's limit has one decimal.
    static func limit(_ a: Double) -> Double { (max(0, a) * 10).rounded() / 10 }
}
