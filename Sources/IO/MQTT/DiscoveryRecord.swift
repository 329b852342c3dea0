import Foundation
import Logging
import KwartierCore

/// Which Home Assistant devices this hub has announced (`<data_dir>/mqtt-discovery.json`), so
/// that a charge point removed from the configuration can be removed from Home Assistant too: its
/// retained config is replaced by an empty one on the next connection.
struct DiscoveryRecord {
    let path: String
    let log: Logger

    init(dataDir: String, log: Logger) {
        path = dataDir + "/mqtt-discovery.json"
        self.log = log
    }

    struct Document: Codable { var discoveryTopics: [String] }

    /// The discovery topics announced before; none when the file is missing or unreadable.
    func load() -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        do { return try WireJSON.decoder().decode(Document.self, from: data).discoveryTopics } catch {
            log.warning("\(path): unreadable (\(error)); devices removed from the configuration stay in Home Assistant until removed there")
            return []
        }
    }

    func save(_ topics: [String]) {
        do {
            let data = try WireJSON.encoder().encode(Document(discoveryTopics: topics.sorted()))
            try AtomicFile.write(data, to: path)
        } catch {
            log.error("\(path): \(error)")
        }
    }
}
