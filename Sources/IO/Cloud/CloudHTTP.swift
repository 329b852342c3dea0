import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KwartierCore

/// A blocking HTTP exchange for the cloud drivers (run on the point's own queue, never the loop).
struct CloudHTTP {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: Data
        var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
        /// Retry-After in seconds, when the server gave one.
        var retryAfterS: Double? { headers.first { $0.key.lowercased() == "retry-after" }.flatMap { Double($0.value) } }
    }

    let session: URLSession
    let timeoutS: Double

    init(timeoutS: Double = 10) {
        let c = URLSessionConfiguration.ephemeral
        c.timeoutIntervalForRequest = timeoutS
        c.timeoutIntervalForResource = timeoutS
        session = URLSession(configuration: c)
        self.timeoutS = timeoutS
    }

    /// `what` names the request in errors; it never holds a secret (the body may).
    func send(_ method: String, _ url: String, headers: [String: String] = [:], body: Data? = nil, what: String) throws -> Response {
        guard let u = URL(string: url) else { throw DeviceError.io("\(what): '\(url)' is not a URL") }
        var req = URLRequest(url: u, timeoutInterval: timeoutS)
        req.httpMethod = method
        req.setValue("Kwartier", forHTTPHeaderField: "User-Agent")
        for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
        req.httpBody = body
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let task = session.dataTask(with: req) { data, resp, err in
            if let err {
                box.set(.failure(DeviceError.io("\(what): \((err as NSError).localizedDescription)")))
            } else if let h = resp as? HTTPURLResponse {
                var hs: [String: String] = [:]
                for (k, v) in h.allHeaderFields { hs["\(k)"] = "\(v)" }
                box.set(.success(Response(status: h.statusCode, headers: hs, body: data ?? Data())))
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeoutS + 1) == .timedOut {
            task.cancel()
            throw DeviceError.timeout("\(what): no answer within \(Int(timeoutS)) s")
        }
        guard let r = box.get() else { throw DeviceError.io("\(what): no HTTP answer") }
        return try r.get()
    }

    /// The answer, handed from URLSession's queue to the waiting caller.
    final class ResultBox: Sendable {
        private let r = Mutex<Result<Response, Error>?>(nil)
        func set(_ v: Result<Response, Error>) { r.withLock { $0 = v } }
        func get() -> Result<Response, Error>? { r.withLock { $0 } }
    }

    static func form(_ fields: [(String, String)]) -> Data {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Data(fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&").utf8)
    }

    static func json(_ obj: Any) -> Data { (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])) ?? Data() }
}
