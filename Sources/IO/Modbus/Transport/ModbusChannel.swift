import Foundation
import KwartierCore

/// One device's way to its registers: its worker, unit id (slave address), line settings on a
/// bus, timeouts, the profile's error hints and its health. Every read and write goes through
/// the worker's thread.
// unchecked: libmodbus state, used only on its worker's thread.
public final class ModbusChannel: @unchecked Sendable {
    public let id: String
    /// "cp3 (Alfen 192.168.1.50 unit 1)"
    public let label: String
    public let worker: ModbusWorker
    public let unit: Int
    /// Line settings on an RS485 bus (nil on TCP).
    public let serial: SerialSettings?
    public var responseTimeoutS: Double
    /// Write one register with FC16 instead of FC6 (some controllers only take FC16).
    public var fc16Only: Bool
    public let hints: [String: String]
    public let health: DeviceHealthTracker

    // Worker thread only.
    var skipUntil: Double?
    var lastSilence: String?
    private var lostBackoff: Double = 0

    public init(id: String, label: String, worker: ModbusWorker, unit: Int, serial: SerialSettings? = nil,
                responseTimeoutS: Double? = nil, fc16Only: Bool = false, hints: [String: String] = [:]) {
        self.id = id; self.label = label; self.worker = worker; self.unit = unit; self.serial = serial
        self.responseTimeoutS = responseTimeoutS ?? worker.options.responseTimeoutS
        self.fc16Only = fc16Only; self.hints = hints
        self.health = DeviceHealthTracker(id: id, label: label, slowMs: worker.options.slowMs, lostAfter: worker.options.lostAfter)
    }

    // MARK: registers

    public func readRegisters(_ fn: RegisterFunction, address: Int, count: Int) throws -> [UInt16] {
        precondition(!fn.isBit)
        return try worker.transact(self, operation: "read \(fn) \(address)\(count > 1 ? "+\(count)" : "")", address: address,
                                   txPDU: FrameSize.readRequest(), rxPDU: { _ in FrameSize.readRegistersResponse(count) }) { link, t in
            try link.readRegisters(input: fn == .input, unit: self.unit, address: address, count: count, timeout: t)
        }
    }

    public func readBits(_ fn: RegisterFunction, address: Int, count: Int) throws -> [Bool] {
        precondition(fn.isBit)
        return try worker.transact(self, operation: "read \(fn) \(address)\(count > 1 ? "+\(count)" : "")", address: address,
                                   txPDU: FrameSize.readRequest(), rxPDU: { _ in FrameSize.readBitsResponse(count) }) { link, t in
            try link.readBits(discrete: fn == .discrete, unit: self.unit, address: address, count: count, timeout: t)
        }
    }

    /// Writes registers: a multi-register value always in one FC16 request (Alfen rejects halves).
    public func writeRegisters(address: Int, values: [UInt16], multiple: Bool = false) throws {
        let m = multiple || fc16Only || values.count > 1
        try worker.transact(self, operation: "write holding \(address)", address: address,
                            txPDU: FrameSize.writeRequest(registers: values.count, multiple: m),
                            rxPDU: { _ in FrameSize.writeResponse() }) { link, t in
            try link.writeRegisters(unit: self.unit, address: address, values: values, multiple: m, timeout: t)
        }
    }

    public func writeCoil(address: Int, value: Bool) throws {
        try worker.transact(self, operation: "write coil \(address)", address: address, txPDU: 5,
                            rxPDU: { _ in FrameSize.writeResponse() }) { link, t in
            try link.writeBit(unit: self.unit, address: address, value: value, timeout: t)
        }
    }

    // MARK: values

    /// Reads one value (all its registers in one request) and decodes it.
    public func read(_ spec: RegisterSpec) throws -> RegisterValue {
        if spec.fn.isBit {
            return .number(try readBits(spec.fn, address: spec.address, count: 1)[0] ? 1 : 0)
        }
        let words = try readRegisters(spec.fn, address: spec.address, count: spec.length)
        return try decode(words, spec)
    }

    /// Writes an engineering value (scaled and encoded per the spec).
    public func write(_ value: Double, to spec: RegisterSpec) throws {
        if spec.fn == .coil { return try writeCoil(address: spec.address, value: value != 0) }
        guard spec.fn == .holding else {
            throw failure(.invalid, "write \(spec.fn) \(spec.address)", spec.address, detail: "\(spec.fn) registers are read-only")
        }
        let words: [UInt16]
        do { words = try RegisterCodec.encode(value, as: spec) } catch {
            throw failure(.invalid, "write \(spec.fn) \(spec.address)", spec.address, detail: "\(error)")
        }
        try writeRegisters(address: spec.address, values: words)
    }

    func decode(_ words: [UInt16], _ spec: RegisterSpec) throws -> RegisterValue {
        do { return try RegisterCodec.decode(words, as: spec) } catch {
            throw failure(.invalid, "decode \(spec)", spec.address, detail: "\(error)")
        }
    }

    // MARK: failures and lost-device backoff (worker thread)

    func failure(_ kind: ModbusFailure.Kind, _ operation: String, _ address: Int?, detail: String?) -> ModbusFailure {
        var f = ModbusFailure(kind: kind, device: label, operation: operation, address: address, detail: detail)
        if let key = f.hintKey {
            f.hint = address.flatMap { hints["\(key)@\($0)"] } ?? hints[key]
        }
        return f
    }

    func answered() {
        skipUntil = nil; lostBackoff = 0; lastSilence = nil
    }

    /// After a silent transaction: once lost, wait a growing pause before the next real try.
    func silent(_ f: ModbusFailure, options: WorkerOptions, rng: inout SystemRandomNumberGenerator) {
        lastSilence = f.kind == .timeout ? "no answer" : (f.detail ?? "\(f.kind)")
        guard health.silentStreak >= options.lostAfter else { return }
        lostBackoff = lostBackoff == 0 ? options.backoffInitialS : min(options.backoffMaxS, lostBackoff * 2)
        let j = 1 + Double.random(in: -options.jitter...options.jitter, using: &rng)
        skipUntil = Monotonic.now + lostBackoff * j
    }

    public func healthSnapshot() -> DeviceHealth { health.snapshot(now: Monotonic.now) }
}
