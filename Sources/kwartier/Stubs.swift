import ArgumentParser

// Command groups that other parts of Kwartier fill in. Each stays a clear "not yet" until then.

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the control core against a simulated site faster than real time and report.")
    func run() throws {
        printErr("kwartier simulate: not available yet in this build")
        throw ExitCode(1)
    }
}
