import Foundation
import Logging
import KwartierCore

/// S0 pulse inputs and the energy history of `kwartier run`.
extension SiteRuntime {
    /// Builds the pulse inputs (their blocking reads run on the relay queue, once a second).
    func startPulseInputs() {
        guard !config.pulseInputs.isEmpty else { return }
        let factory = RelayDeviceFactory(config: config)
        var inputs: [(PulseInputConfig, PulseCounterDevice)] = []
        for p in config.pulseInputs {
            do { inputs.append((p, try factory.pulseInput(p))) } catch { log.error("pulse input \(p.id): \(error)") }
        }
        let pi = PulseInputs(inputs: inputs, dataDir: dataDir)
        if let m = pi.loadMessage { log.error("\(m)") }
        pulses = pi
    }

    /// Reads every pulse counter (relay queue), then stores the readings (control queue).
    func pollPulses() {
        guard let pi = pulses else { return }
        relayQueue.async { [weak self] in
            let r = pi.poll(now: Date())
            guard let self else { return }
            self.queue.async { self.pulseReadings = r }
        }
    }

    /// What the pulse inputs add to the snapshot: a device line each, and PV production.
    func pulseExtras(_ extras: inout SnapshotExtras) {
        var production = 0.0, haveProduction = false
        for p in config.pulseInputs {
            guard let r = pulseReadings[p.id] else { continue }
            switch r {
            case .success(let reading):
                extras.devices.append(DeviceHealth(id: p.id, description: String(format: "S0 %@: %.2f kW, %.3f kWh", p.measures,
                                                                                  reading.powerW / 1000, reading.energyKWh),
                                                   status: .ok, bus: "s0"))
                if p.measures == "production" { production += reading.powerW; haveProduction = true }
            case .failure(let e):
                extras.devices.append(DeviceHealth(id: p.id, description: "S0 \(p.measures)", status: .failing, lastError: "\(e)", bus: "s0"))
            }
        }
        if haveProduction && controller.inverterTotals(mono: Monotonic.now) == nil { extras.pvW = production }
    }

    /// Adds each charger's energy since its last reading to today's total (written to SQLite at
    /// each quarter's end and at shutdown).
    func accountEnergy(_ id: String, _ st: ChargePointStatus) {
        guard let e = st.energyKWh, e.isFinite else { return }
        if let last = lastEnergy[id], e >= last, e - last < 100 {
            energyToday[id, default: 0] += e - last
        }
        lastEnergy[id] = e
    }

    func flushEnergy() {
        guard let h = history, !energyToday.isEmpty else { return }
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: config.site.timeZone) ?? .current
        let day = f.string(from: Date())
        let batch = energyToday
        energyToday.removeAll()
        fileQueue.async { [log] in
            for (id, kwh) in batch where kwh > 0 {
                do { try h.addEnergy(day: day, id: id, kwh: kwh) } catch { log.error("history: \(error)") }
            }
        }
    }
}
