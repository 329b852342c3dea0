import Foundation

/// The hub's side of a byte stream: frames telegrams and parses them (what the P1 reader does
/// on a serial port, without the port).
public struct P1StreamDecoder: Sendable {
    var framer = P1Framer()
    /// One parser for the stream: it keeps its scratch buffers between telegrams.
    var parser = P1Parser()
    public private(set) var crcFailures = 0
    public private(set) var telegrams = 0
    public init() {}

    /// Every good telegram in `bytes` (bad CRCs are counted and dropped).
    public mutating func push(_ bytes: [UInt8]) -> [P1Telegram] {
        var out: [P1Telegram] = []
        for frame in framer.push(bytes) {
            let t = parser.parse(frame)
            guard t.isAcceptable else { crcFailures += 1; continue }
            telegrams += 1
            out.append(t)
        }
        return out
    }
}
