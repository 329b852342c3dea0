import Foundation
import KwartierCore

/// One line of `kwartier device probe`: a capability and what the device answered.
public struct ProbeLine: Sendable, Equatable, Codable {
    public var name: String
    public var value: String?
    public var unit: String?
    public var error: String?
    public var register: String
    /// An optional register (`optional: true` in the profile) that this device's firmware does
    /// not have: shown, not counted as a failure.
    public var absent: Bool?
    public init(name: String, value: String?, unit: String?, error: String?, register: String, absent: Bool? = nil) {
        self.name = name; self.value = value; self.unit = unit; self.error = error; self.register = register
        self.absent = absent
    }

    /// What the probe shows for an optional register the firmware lacks.
    public static let notOnFirmware = "not on this firmware"
}

/// What the profile-driven devices share: the profile, the channel, block reads, value sums.
// unchecked: a libmodbus device, used only on its worker's thread.
public class ProfileDevice: @unchecked Sendable {
    public let id: String
    public let profile: DeviceProfile
    public let channel: ModbusChannel

    public init(id: String, profile: DeviceProfile, channel: ModbusChannel) {
        self.id = id; self.profile = profile; self.channel = channel
    }

    /// Longest a whole device job may take when called from outside its worker.
    var jobTimeout: Double { channel.responseTimeoutS * 4 + channel.worker.options.connectTimeoutS }

    /// Runs `body` on the device's worker (inline when already there).
    func onWorker<T>(_ body: @escaping () throws -> T) throws -> T {
        try channel.worker.perform(timeout: jobTimeout, body)
    }

    /// Registers every device of the profile has and answers a read of: not write-only, not
    /// `optional` (older firmware may lack those). A block read may pass through them.
    static func knownReadable(_ p: DeviceProfile) -> [RegisterSpec] {
        func key(_ r: RegisterSpec) -> String { "\(r.fn) \(r.address) \(r.length)" }
        var optional = Set(p.extras.filter(\.optional).flatMap { specs($0.value) }.map(key))
        if let s = p.chargepoint?.safeCurrent, s.optional {
            optional.insert(key(s.register))
            if let r = s.readBack { optional.insert(key(r)) }
        }
        return p.allRegisters.map(\.spec).filter { !$0.writeOnly && !optional.contains(key($0)) }
    }

    static func specs(_ v: ValueSpec?) -> [RegisterSpec] {
        guard let v else { return [] }
        return v.terms + (v.negateIf.map { [$0] } ?? [])
    }

    /// Reads every spec with as few requests as the profile allows (through gaps of `bridge`).
    func readImage(_ specs: [RegisterSpec], bridge: [RegisterSpec] = []) throws -> RegisterImage {
        var img = RegisterImage()
        try read(ReadPlan.blocks(specs, maxBlock: profile.timing.maxBlock, bridge: bridge), into: &img)
        return img
    }

    /// Reads `blocks` into `img`, one request each.
    func read(_ blocks: [ReadBlock], into img: inout RegisterImage) throws {
        for b in blocks {
            if b.fn.isBit {
                img.store(b, try channel.readBits(b.fn, address: b.address, count: b.count).map { $0 ? 1 : 0 })
            } else {
                img.store(b, try channel.readRegisters(b.fn, address: b.address, count: b.count))
            }
        }
    }

    func value(_ spec: RegisterSpec, _ img: RegisterImage) throws -> RegisterValue {
        guard let w = img.words(for: spec) else { return .unavailable }
        return try channel.decode(w, spec)
    }

    /// A value's number: the sum of its terms (an unavailable term counts 0 in a sum of several),
    /// negated while its flag register is non-zero. nil when unavailable.
    func number(_ v: ValueSpec?, _ img: RegisterImage) throws -> Double? {
        guard let v else { return nil }
        var total = 0.0
        var any = false
        for t in v.terms {
            if let n = try value(t, img).number { total += n; any = true }
        }
        guard any else { return nil }
        if let flag = v.negateIf, let f = try value(flag, img).number, f != 0 { total = -total }
        return total
    }

    /// Reads one value on its own (for probe lines).
    func probeLine(_ name: String, _ v: ValueSpec?, optional: Bool = false) -> ProbeLine? {
        guard let v else { return nil }
        let where_ = v.terms.map(\.description).joined(separator: " + ")
        if v.terms.contains(where: \.writeOnly) {
            return ProbeLine(name: name, value: "(write-only)", unit: nil, error: nil, register: where_)
        }
        do {
            let img = try onWorker { try self.readImage(Self.specs(v)) }
            if v.terms.count == 1, v.terms[0].type == .string {
                return ProbeLine(name: name, value: try value(v.terms[0], img).text, unit: nil, error: nil, register: where_)
            }
            let n = try number(v, img)
            return ProbeLine(name: name, value: n.map { TextFormat.plain($0) } ?? "n/a", unit: v.unit, error: nil, register: where_)
        } catch let f as ModbusFailure where optional && f.kind == .exception(2) {
            // Illegal data address: this firmware does not have the register.
            return ProbeLine(name: name, value: ProbeLine.notOnFirmware, unit: nil, error: nil, register: where_, absent: true)
        } catch {
            return ProbeLine(name: name, value: nil, unit: v.unit, error: "\(error)", register: where_)
        }
    }

    func extrasProbe() -> [ProbeLine] {
        profile.extras.compactMap { probeLine($0.name, $0.value, optional: $0.optional) }
    }

    public func healthSnapshot() -> DeviceHealth { channel.healthSnapshot() }
}
