import Foundation

/// A source's last good answer kept in a file: a fetch that fails falls back on it, with the
/// reason, so a failing price or weather source never leaves the hub without data.
struct LastGood<T: Codable> {
    let path: String?

    /// `fresh()`, stored as the last good one; or, when it throws, the stored one and the problem.
    /// Throws only when there is nothing stored either.
    func fetch(_ fresh: () throws -> T) throws -> (value: T, problem: Error?) {
        do {
            let v = try fresh()
            if let p = path, let data = try? JSONEncoder().encode(v) { try? data.write(to: URL(fileURLWithPath: p), options: .atomic) }
            return (v, nil)
        } catch {
            guard let p = path, let data = FileManager.default.contents(atPath: p),
                  let last = try? JSONDecoder().decode(T.self, from: data) else { throw error }
            return (last, error)
        }
    }
}
