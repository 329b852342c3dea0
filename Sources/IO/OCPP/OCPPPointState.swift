import Foundation
import KwartierCore

/// What the central system knows of one configured connector: the latest StatusNotification and
/// MeterValues, the open transaction, and the connection it is reached on. Written by the
/// connection's event loop, read by the point's executor; every access holds the lock.
// unchecked: every field is under its lock (event loop writes, the point's executor reads).
final class OCPPPointState: @unchecked Sendable {
    let pointId: String
    let link: OCPPPointLink
    let safeA: Double
    private let lock = NSLock()
    private var _session: OCPPSession?
    private var _status: String?
    private var _errorCode: String?
    private var _reading = OCPPMeterReading(meterValue: [])
    private var _meterAt: Double?
    private var _transactionStartKWh: Double?
    /// The lease last accepted on the current connection: limit, phases, when.
    private var _lease: (amps: Double, phases: Int?, at: Double)?

    init(pointId: String, link: OCPPPointLink, safeA: Double) {
        self.pointId = pointId; self.link = link; self.safeA = safeA
    }

    func locked<T>(_ f: () -> T) -> T { lock.lock(); defer { lock.unlock() }; return f() }

    var session: OCPPSession? { locked { _session } }

    /// A new connection for this charger: what the old one knew no longer holds.
    func attach(_ s: OCPPSession) {
        locked { _session = s; _lease = nil; _meterAt = nil; _reading = OCPPMeterReading(meterValue: []) }
    }

    func detach(_ s: OCPPSession) {
        locked { if _session === s { _session = nil; _lease = nil } }
    }

    func setStatus(_ status: String, errorCode: String?) {
        locked { _status = status; _errorCode = errorCode }
    }

    func setReading(_ r: OCPPMeterReading, at mono: Double) {
        locked {
            if r.currents.contains(where: { $0 != nil }) { _reading.currents = r.currents.map { $0 ?? 0 } }
            if let p = r.powerW { _reading.powerW = p }
            if let e = r.energyKWh { _reading.energyKWh = e }
            _meterAt = mono
        }
    }

    func startTransaction(meterStartKWh: Double) { locked { _transactionStartKWh = meterStartKWh } }
    func stopTransaction() { locked { _transactionStartKWh = nil; _reading.currents = [0, 0, 0]; _reading.powerW = 0 } }

    var meterAt: Double? { locked { _meterAt } }
    var lease: (amps: Double, phases: Int?, at: Double)? { locked { _lease } }
    func setLease(_ l: (amps: Double, phases: Int?, at: Double)?) { locked { _lease = l } }

    /// Status → the core's states: Available/Reserved = no car, Preparing/Suspended*/Finishing =
    /// connected (a car that does not draw), Charging, Faulted/Unavailable = error.
    static func chargeState(_ status: String?) -> ChargeState {
        switch status {
        case "Charging": return .charging
        case "Preparing", "SuspendedEV", "SuspendedEVSE", "Finishing": return .connected
        case "Faulted", "Unavailable": return .error
        default: return .noCar
        }
    }

    func status() -> ChargePointStatus {
        locked {
            let st = Self.chargeState(_status)
            let c = _reading.currents.map { $0 ?? 0 }
            var session: Double?
            if let s = _transactionStartKWh, let e = _reading.energyKWh { session = max(0, e - s) }
            return ChargePointStatus(state: st, currents: PhaseValues(c[0], c[1], c[2]), powerW: _reading.powerW,
                                     energyKWh: _reading.energyKWh, sessionKWh: session,
                                     errorText: st == .error ? "OCPP \(link.id): \(_status ?? "?")\(_errorCode.map { $0 == "NoError" ? "" : " (\($0))" } ?? "")" : nil)
        }
    }
}
