import Foundation
import KwartierCore

/// P1 decode throughput: a corpus of 3-phase e-MUCS telegrams with gas and 13 months of peak
/// history (the virtual meter's, ~1.4 KB each) run through framer + CRC + parser + typed reading,
/// as a backtest replays captures. KWARTIER_P1_CORPUS=path also writes the corpus there, so
/// scripts/bench.d/p1.sh can time dsmr_parser on the very same bytes.
func benchP1() throws {
    let count = 1000
    let encoder = TelegramEncoder(style: .emucs)
    let meter = P1SampleMeter()
    var corpus: [UInt8] = []
    for k in 0..<count { corpus += encoder.encode(meter.state(at: k * 7)) }
    if let path = ProcessInfo.processInfo.environment["KWARTIER_P1_CORPUS"] {
        try Data(corpus).write(to: URL(fileURLWithPath: path))
    }

    // Sanity first: every telegram must come out good, or the figure means nothing.
    var framer = P1Framer()
    var parser = P1Parser()
    var good = 0
    corpus.withUnsafeBytes { framer.push($0) { if parser.parse($0).isValid { good += 1 } } }
    guard good == count else { print("p1: corpus check failed (\(good)/\(count) good)"); return }

    func run(_ body: () -> Int) -> (perSecond: Double, microseconds: Double) {
        var telegrams = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            telegrams += body()
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < 2.0
        return (Double(telegrams) / elapsed, elapsed / Double(telegrams) * 1e6)
    }

    var checksum = 0.0
    let decode = run {
        var f = P1Framer()
        var n = 0
        corpus.withUnsafeBytes { f.push($0) { frame in
            let t = parser.parse(frame)
            checksum += t.reading.powerImportKW ?? 0
            n += 1
        } }
        return n
    }
    let grid = run {
        var f = P1Framer()
        var n = 0
        let host = Date()
        corpus.withUnsafeBytes { f.push($0) { frame in
            checksum += parser.parse(frame).reading.gridMeasurement(hostTime: host).meter.powerW
            n += 1
        } }
        return n
    }
    let frames: [P1Frame] = { var f = P1Framer(); return f.push(corpus) }()
    let json = run {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        for fr in frames { out.removeAll(keepingCapacity: true); P1JSON.append(parser.parse(fr), to: &out) }
        checksum += Double(out.count)
        return frames.count
    }
    func fmt(_ v: Double, _ d: Int = 0) -> String { TextFormat.fixed(v, d) }
    let bytesPer = corpus.count / count
    print("p1.decode_telegrams_per_s=\(fmt(decode.perSecond)) (\(fmt(decode.microseconds, 1)) us/telegram, "
          + "\(bytesPer) B e-MUCS 3-phase + gas + 13-month history; framer + CRC + parse + typed values)")
    print("p1.decode_to_grid_per_s=\(fmt(grid.perSecond)) (\(fmt(grid.microseconds, 1)) us/telegram, + GridMeasurement)")
    print("p1.decode_to_json_per_s=\(fmt(json.perSecond)) (\(fmt(json.microseconds, 1)) us/telegram, parse + JSON line)")
    if checksum.isNaN { print("p1: unexpected NaN") }
}
