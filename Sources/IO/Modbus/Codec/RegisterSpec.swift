/// Where a value lives on a Modbus device and how its registers are read as a number or text.
/// Profiles (Sources/IO/Profiles/*.yaml) are made of these; the codec turns them into values.

/// The Modbus table a value is in (function codes: holding 3/6/16, input 4, coil 1/5, discrete input 2).
public enum RegisterFunction: String, Sendable, Codable, CaseIterable {
    case holding, input, coil, discrete

    public var isBit: Bool { self == .coil || self == .discrete }
    public var writable: Bool { self == .holding || self == .coil }
    /// The read function code, for messages and byte accounting.
    public var readCode: Int {
        switch self { case .coil: return 1; case .discrete: return 2; case .holding: return 3; case .input: return 4 }
    }
}

/// How the registers of one value are interpreted.
public enum RegisterType: String, Sendable, Codable, CaseIterable {
    case u16, s16, u32, s32, u64, s64, float32, float64
    /// ASCII, two characters per register (high byte first); NULs and trailing spaces dropped.
    case string
    /// A coil or discrete input (0/1).
    case bit

    /// Registers one value occupies (strings: given by the spec's count).
    public var registers: Int {
        switch self {
        case .u16, .s16, .bit, .string: return 1
        case .u32, .s32, .float32: return 2
        case .u64, .s64, .float64: return 4
        }
    }
    public var isSigned: Bool { self == .s16 || self == .s32 || self == .s64 }
    /// A whole number of steps (the scale) on the wire.
    public var isInteger: Bool { [.u16, .s16, .u32, .s32, .u64, .s64].contains(self) }
}

/// Order of the 16-bit words of a multi-register value. Bytes inside a word are always
/// big-endian (Modbus); `little` means the lowest word comes first ("word-swapped", as
/// SolaX, Sungrow and the Phoenix EV-CC layout do).
public enum WordOrder: String, Sendable, Codable, CaseIterable { case big, little }

/// One value on the device.
public struct RegisterSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    public var fn: RegisterFunction
    public var address: Int
    public var type: RegisterType
    public var wordOrder: WordOrder
    /// Registers for a string (ignored for other types).
    public var count: Int
    /// Engineering value = raw × scale (after shift/mask). Writes divide by it.
    public var scale: Double
    public var unit: String?
    /// Bit field: raw is shifted right, then masked, before scaling (e.g. a state in one byte).
    public var shift: Int
    public var mask: UInt64?
    /// Raw values (before shift/mask) that mean "not available" (e.g. 0xFFFFFFFF, 0x80000000).
    public var nan: [UInt64]
    /// The hub writes this register (setpoint, enable, phases, heartbeat …).
    public var writable: Bool
    /// The register can be written but not read back (ABB 0x4100).
    public var writeOnly: Bool

    public init(fn: RegisterFunction = .holding, address: Int, type: RegisterType = .u16, wordOrder: WordOrder = .big,
                count: Int? = nil, scale: Double = 1, unit: String? = nil, shift: Int = 0, mask: UInt64? = nil,
                nan: [UInt64] = [], writable: Bool = false, writeOnly: Bool = false) {
        self.fn = fn; self.address = address
        self.type = fn.isBit ? .bit : type
        self.wordOrder = wordOrder
        self.count = count ?? self.type.registers
        self.scale = scale; self.unit = unit; self.shift = shift; self.mask = mask; self.nan = nan
        self.writable = writable || writeOnly
        self.writeOnly = writeOnly
    }

    /// Registers (or bits) this value spans on the wire.
    public var length: Int { type == .string ? count : type.registers }
    public var end: Int { address + length }

    public var description: String {
        var s = "\(fn) \(address)"
        if type != .bit { s += " \(type)\(type == .string ? "[\(count)]" : "")" }
        if type.registers > 1 && wordOrder == .little { s += " word-swapped" }
        return s
    }
}
