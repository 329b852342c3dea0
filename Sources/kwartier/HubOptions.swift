import ArgumentParser
import Foundation
import KwartierCore
import KwartierIO

/// Which running hub a tool talks to: its socket, the data dir it runs on, or its configuration.
struct HubOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Configuration of the hub (default: ./kwartier.yaml, then /etc/kwartier/kwartier.yaml).")
    var config: String?
    @Option(help: "Data directory of the hub (its socket is DIR/kwartier.sock).") var dataDir: String?
    @Option(help: "Path of the hub's control socket.") var socket: String?

    /// The socket path, and the configuration when one was read.
    func resolve() throws -> (path: String, config: SiteConfig?) {
        if let s = socket { return (s, nil) }
        if let d = dataDir { return (ControlSocketPath.inDataDir(d), nil) }
        let c = try loadConfigOrExit(config).0
        return (ControlSocketPath.of(c), c)
    }
}

/// Connects to the hub or exits with 3 (no hub runs there) saying so.
func connectOrExit(_ path: String, tool: String) throws -> ControlConnection {
    do { return try ControlConnection(path: path) } catch let e as ControlConnection.ConnectError {
        printErr("kwartier \(tool): \(e.description)")
        throw ExitCode(3)
    }
}

/// Sends one request and returns its answer, or exits: 3 when the hub went away, 1 when it
/// did not answer in time.
func requestOrExit(_ c: ControlConnection, _ name: String, _ body: String = "{}", tool: String) throws -> [String: Any] {
    do {
        guard let a = try c.request(name, body) else {
            printErr("kwartier \(tool): the hub on \(c.path) did not answer within 10 s")
            throw ExitCode(1)
        }
        return a
    } catch is ControlConnection.Closed {
        printErr("kwartier \(tool): the hub on \(c.path) closed the connection")
        throw ExitCode(3)
    }
}
