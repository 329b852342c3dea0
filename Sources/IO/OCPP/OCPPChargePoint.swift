import Foundation
import KwartierCore

/// A charge point on the OCPP central system, as the loop's `ChargePointDevice`. Its calls run
/// on its own queue and may block on the charger's answer.
///
/// `readStatus` answers from the latest StatusNotification and MeterValues (asking for fresh
/// ones with TriggerMessage when they are old) and fails while the charger is not connected, so
/// the loop budgets it at its safe current. `writeCurrent` sends the setpoint as a lease (see
/// `OCPPChargingProfiles`); reads renew it while the hub lives.
final class OCPPChargePoint: ChargePointDevice {
    let state: OCPPPointState
    let leaseS: Double
    let meterIntervalS: Double
    let capabilities: ChargePointCapabilities
    // The point's queue only.
    private var desiredA: Double?
    private var phases: Int?

    init(state: OCPPPointState, server: OCPPServerConfig, phaseSwitching: Bool) {
        self.state = state
        leaseS = Double(server.leaseS)
        meterIntervalS = Double(server.meterIntervalS)
        capabilities = ChargePointCapabilities(watchdogS: Double(server.leaseS), refreshS: Double(server.leaseS) / 3,
                                               phaseSwitching: phaseSwitching)
    }

    private var label: String { "OCPP \(state.link.id)" }

    private func connected() throws -> OCPPSession {
        guard let s = state.session else { throw DeviceError.io("\(label) is not connected") }
        return s
    }

    func readStatus() throws -> ChargePointStatus {
        let s = try connected()
        try renewIfDue(s, force: false)
        let now = Monotonic.now
        if s.ready, state.meterAt.map({ now - $0 > 2 * meterIntervalS }) ?? true {
            s.triggerMeterValues(connector: state.link.connector)
        }
        return state.status()
    }

    func writeCurrent(_ amps: Double) throws {
        desiredA = amps
        try renewIfDue(try connected(), force: false)
    }

    /// 1p/3p goes with the next lease as `numberPhases`.
    func switchPhases(_ n: Int) throws {
        guard capabilities.phaseSwitching else { throw DeviceError.unsupported("1p/3p switching") }
        phases = n
        if let s = state.session { try renewIfDue(s, force: true) }
    }

    /// Sends the lease when the setpoint or phases changed, or a third of its time has passed.
    /// Before the charger is configured the setpoint waits (the safe default holds meanwhile).
    private func renewIfDue(_ s: OCPPSession, force: Bool) throws {
        guard let a = desiredA, s.ready else { return }
        let now = Monotonic.now
        let ph = capabilities.phaseSwitching ? phases : nil
        if !force, let l = state.lease, l.amps == OCPPChargingProfiles.limit(a), l.phases == ph, now - l.at < leaseS / 3 { return }
        let r = try s.call("SetChargingProfile", OCPPChargingProfiles.lease(connector: state.link.connector, amps: a, phases: ph,
                                                                          now: Date(), leaseS: leaseS))
        guard let st = r["status"] as? String, st == "Accepted" else {
            state.setLease(nil)
            throw DeviceError.exception("\(label) answered SetChargingProfile with \(r["status"] as? String ?? "no status")")
        }
        state.setLease((OCPPChargingProfiles.limit(a), ph, now))
    }
}

extension OCPPServer {
    /// The loop's device for a configured OCPP point.
    func device(for cp: ChargePointConfig) -> ChargePointDevice? {
        state(for: cp.id).map { OCPPChargePoint(state: $0, server: config, phaseSwitching: cp.phaseSwitching) }
    }
}
