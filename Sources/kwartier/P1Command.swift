import ArgumentParser

struct P1Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "p1",
        abstract: "Read and decode P1 smart-meter telegrams (DSMR / e-MUCS).")
    func run() throws {
        printErr("kwartier p1: not available yet in this build")
        throw ExitCode(1)
    }
}
