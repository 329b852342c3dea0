import Foundation
import Logging
import KwartierCore

/// S0 pulse inputs and the energy history of `kwartier run`.
extension SiteRuntime {
    /// Builds the pulse inputs: a Modbus counter is the `ModbusSite`'s device, read on the worker
    /// of its line (never a connection of its own); results are recorded on the control queue.
    func startPulseInputs(_ site: ModbusSite) {
        guard !config.pulseInputs.isEmpty else { return }
        let factory = RelayDeviceFactory(config: config, modbus: site)
        var counters: [PulseCounterReader.Counter] = []
        for p in config.pulseInputs {
            do { counters.append(.init(id: p.id, device: try factory.pulseInput(p), worker: site.worker(for: p.id))) }
            catch { log.error("pulse input \(p.id): \(error)") }
        }
        let pi = PulseInputs(configs: config.pulseInputs, dataDir: dataDir)
        if let m = pi.loadMessage { log.error("\(m)") }
        pulses = pi
        pulseReader = PulseCounterReader(counters: counters, queue: queue, fallback: relayQueue)
    }

    /// Reads every pulse counter (each on its own line's worker); the readings come back here.
    func pollPulses() {
        guard let pi = pulses, let reader = pulseReader else { return }
        reader.poll { id, result, at in pi.record(id, result, at: at) }
    }

    /// What the pulse inputs add to the snapshot: a device line each, and PV production. A
    /// Modbus counter already has its health line from the site; it gets the reading as its text.
    func pulseExtras(_ extras: inout SnapshotExtras) {
        var production = 0.0, haveProduction = false
        for p in config.pulseInputs {
            guard let r = pulses?.readings[p.id] else { continue }
            var line: DeviceHealth
            switch r {
            case .success(let reading):
                line = DeviceHealth(id: p.id, description: String(format: "S0 %@: %.2f kW, %.3f kWh", p.measures,
                                                                  reading.powerW / 1000, reading.energyKWh),
                                    status: .ok, bus: "s0")
                if p.measures == "production" { production += reading.powerW; haveProduction = true }
            case .failure(let e):
                line = DeviceHealth(id: p.id, description: "S0 \(p.measures)", status: .failing, lastError: "\(e)", bus: "s0")
            }
            if let i = extras.devices.firstIndex(where: { $0.id == p.id }) {
                extras.devices[i].description = line.description
            } else {
                extras.devices.append(line)
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
