import Foundation
import KwartierCore

/// One OCPP-J message: `[2, id, action, payload]` (CALL), `[3, id, payload]` (CALLRESULT),
/// `[4, id, code, description, details]` (CALLERROR).
enum OCPPFrame {
    case call(id: String, action: String, payload: [String: Any])
    case result(id: String, payload: [String: Any])
    case error(id: String, code: String, description: String)

    /// Why a frame could not be read, as the CALLERROR to answer with (the id is "-1" when unknown).
    struct Malformed: Error {
        var id: String
        var code: String
        var description: String
    }

    static func parse(_ text: String) -> Result<OCPPFrame, Malformed> {
        guard let data = text.data(using: .utf8),
              let any = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return .failure(Malformed(id: "-1", code: "FormationViolation", description: "not JSON"))
        }
        guard let arr = any as? [Any], arr.count >= 3, let type = arr[0] as? Int else {
            return .failure(Malformed(id: "-1", code: "FormationViolation", description: "not an OCPP-J message array"))
        }
        guard let id = arr[1] as? String, !id.isEmpty, id.count <= 36 else {
            return .failure(Malformed(id: "-1", code: "FormationViolation", description: "the unique id is not a string of at most 36 characters"))
        }
        switch type {
        case 2:
            guard arr.count == 4, let action = arr[2] as? String else {
                return .failure(Malformed(id: id, code: "FormationViolation", description: "a CALL is [2, id, action, payload]"))
            }
            guard let payload = arr[3] as? [String: Any] else {
                return .failure(Malformed(id: id, code: "FormationViolation", description: "the payload is not an object"))
            }
            return .success(.call(id: id, action: action, payload: payload))
        case 3:
            guard let payload = arr[2] as? [String: Any] else {
                return .failure(Malformed(id: id, code: "FormationViolation", description: "the payload is not an object"))
            }
            return .success(.result(id: id, payload: payload))
        case 4:
            return .success(.error(id: id, code: arr[2] as? String ?? "GenericError",
                                   description: arr.count > 3 ? (arr[3] as? String ?? "") : ""))
        default:
            return .failure(Malformed(id: id, code: "MessageTypeNotSupported", description: "message type \(type) is not 2, 3 or 4"))
        }
    }

    var text: String {
        let arr: [Any]
        switch self {
        case let .call(id, action, payload): arr = [2, id, action, payload]
        case let .result(id, payload): arr = [3, id, payload]
        case let .error(id, code, description): arr = [4, id, code, description, [String: Any]()]
        }
        let data = (try? JSONSerialization.data(withJSONObject: arr, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// OCPP's dateTime: UTC with milliseconds.
    static func timestamp(_ d: Date) -> String { TextFormat.utcStamp(d) }
}
