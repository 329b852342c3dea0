import Foundation

/// The charger's own safe current: written (or, set on the charger itself, only read) once the
/// point first answers, again each time it answers after a failure (a reconnect: the charger may
/// have restarted with its default), and read back each time. A mismatch is logged and shown
/// with the device; a failed job is retried after `safeRetryS`.
extension SiteLoop {
    static let safeRetryS = 60.0

    func safeCurrentIfDue(_ i: Int) {
        // The flags first: this runs on every charger answer, and the check is rarely due.
        guard i < safeChecks.count, safeDue[i], !safeBusy[i], clock.mono >= safeRetryAt[i], let check = safeChecks[i] else { return }
        safeDue[i] = false
        safeBusy[i] = true
        out.append(.safeCurrent(SafeCurrentJob(point: i, amps: check.configuredA, write: check.access != .readOnly)))
    }

    func safeCurrentAnswered(_ i: Int, _ r: Result<Double?, DeviceFailure>) {
        guard i < safeChecks.count, var check = safeChecks[i] else { return }
        safeBusy[i] = false
        let was = check.outcome
        switch r {
        case .success(let v):
            check.outcome = SafeCurrentCheck.outcome(readBack: v, configuredA: check.configuredA)
        case .failure(let e):
            check.outcome = .failed(e.description)
            safeDue[i] = true
            safeRetryAt[i] = clock.mono + Self.safeRetryS
        }
        safeChecks[i] = check
        guard check.outcome != was else { return }
        let id = devices.points[i].id
        out.append(.log(check.isProblem ? .warning : .info, "\(id): \(check.text)"))
    }
}
