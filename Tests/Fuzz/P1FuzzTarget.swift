// libFuzzer target for the P1 framer and parser. Built outside SwiftPM by scripts/fuzz.sh with
// `swiftc -sanitize=fuzzer,address` together with Sources/Core/P1 and the model files it uses.
//
// Input: byte 0 seeds the read sizes, the rest is the stream. The stream is framed in reads of
// varying size, every frame parsed and rendered (JSON, table text, grid measurement); the whole
// stream is also parsed directly as one telegram. Invariants trap: the framer never holds more
// than its bound, and a JSON line is one line.
import Foundation

private let maxTelegram = 4096

@_cdecl("LLVMFuzzerTestOneInput")
public func p1FuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var seed = UInt32(input[0]) | 1
    let stream = UnsafeRawBufferPointer(rebasing: input[1...])

    var framer = P1Framer(maxTelegramBytes: maxTelegram)
    var parser = P1Parser()
    let host = Date(timeIntervalSince1970: 1_700_000_000)
    func use(_ frame: P1Frame) {
        if frame.bytes.count > maxTelegram + 8 { fatalError("frame larger than the bound: \(frame.bytes.count)") }
        if frame.bytes.first != 0x2F || frame.bytes[frame.bangIndex] != 0x21 { fatalError("frame boundaries") }
        let t = parser.parse(frame)
        exercise(t, host)
    }
    var i = 0
    while i < stream.count {
        seed = seed &* 1_103_515_245 &+ 12345
        let n = min(stream.count - i, Int(seed >> 16) % 97 + 1)
        framer.push(UnsafeRawBufferPointer(rebasing: stream[i..<(i + n)]), use)
        if framer.bufferedCount > maxTelegram { fatalError("framer holds \(framer.bufferedCount) bytes") }
        i += n
    }
    framer.finish(use)

    // The parser alone, on the raw input, as if it were one telegram.
    exercise(parser.parse(stream, crc: .absent), host)
    return 0
}

private func exercise(_ t: P1Telegram, _ host: Date) {
    let line = P1JSON.line(t)
    if line.utf8.contains(0x0A) { fatalError("JSON line contains a newline") }
    for o in t.objects { _ = o.value.display; _ = OBISNames.name(o.obis) }
    let g = t.reading.gridMeasurement(hostTime: host)
    _ = g.meter.currents.sum
    _ = t.isValid
}
