import Foundation

// kwartier-bench AREA: timing benchmarks, run by `make bench` (release build). One file per area.
let areas: [String: () throws -> Void] = [
    "p1": benchP1,
    "control": benchControl,
    "modbus": benchModbus,
    "simulate": benchSimulate,
    "history": benchHistory,
]
let args = CommandLine.arguments.dropFirst()
let selected = args.isEmpty ? areas.keys.sorted() : Array(args)
for name in selected {
    guard let f = areas[name] else {
        FileHandle.standardError.write("unknown benchmark area '\(name)'; areas: \(areas.keys.sorted().joined(separator: ", "))\n".data(using: .utf8)!)
        exit(2)
    }
    try f()
}
