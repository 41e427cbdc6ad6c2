import DingSyncBasics
import Foundation

/// A DingTalk instance-detail response that could not be turned into an ``InstanceDetail``.
///
/// Every case names the instance and the endpoint, so the run log and the failure list tell
/// the operator which instance failed and why; the instance is retried on the next run.
public enum DingTalkDecodingError: Error, LocalizedError, Sendable, Equatable {
    /// The body is not JSON at all (an HTML error page, a truncated body).
    case notJSON(instanceId: String, endpoint: String, bodyPrefix: String)
    /// The body is the API's error envelope instead of a detail.
    case apiError(instanceId: String, endpoint: String, code: String, message: String)
    /// The body is JSON but lacks the detail object (`process_instance` / `result`).
    case missingPayload(instanceId: String, endpoint: String, key: String)
    /// A field has a shape that cannot be read (`path` like `result.tasks[2].taskId`).
    case invalidField(instanceId: String, endpoint: String, path: String, problem: String)
    /// The detail lacks fields every instance has (title, originator, status, creation time):
    /// written as it is, it would blank a good row.
    case missingFields(instanceId: String, endpoint: String, fields: [String])

    /// The endpoint label of the legacy detail call.
    public static let legacyEndpoint = "legacy POST /topapi/processinstance/get"
    /// The endpoint label of the new detail call.
    public static let newEndpoint = "new GET /v1.0/workflow/processInstances"
    /// The OA premium listing (reference §12.1).
    public static let premiumEndpoint = "premium GET /v1.0/workflow/premium/processes/pages/instances"

    /// The instance the response was for.
    public var instanceId: String {
        switch self {
        case .notJSON(let id, _, _), .apiError(let id, _, _, _), .missingPayload(let id, _, _),
            .invalidField(let id, _, _, _), .missingFields(let id, _, _):
            return id
        }
    }

    /// What happened, for which instance and endpoint, for the run log and failure list.
    public var errorDescription: String? {
        switch self {
        case .notJSON(let id, let endpoint, let prefix):
            return "DingTalk instance \(id): the \(endpoint) response is not JSON "
                + "(it starts with \"\(prefix)\"); the instance will be retried on the next run"
        case .apiError(let id, let endpoint, let code, let message):
            return "DingTalk instance \(id): \(endpoint) answered with error \(code): \(message)"
        case .missingPayload(let id, let endpoint, let key):
            return "DingTalk instance \(id): the \(endpoint) response has no \"\(key)\" object; "
                + "the API may have changed or the response was cut off"
        case .invalidField(let id, let endpoint, let path, let problem):
            return "DingTalk instance \(id): cannot read \(path) in the \(endpoint) response: \(problem)"
        case .missingFields(let id, let endpoint, let fields):
            return
                "DingTalk instance \(id): the \(endpoint) response lacks \(fields.joined(separator: ", ")), which every "
                + "instance has; nothing was written for it (its row is kept as it was) and it will be retried on the next run"
        }
    }

    /// Wraps any error thrown while decoding a body into a typed error.
    static func wrapping(
        _ error: any Error, instanceId: String, endpoint: String, body: Data
    ) -> DingTalkDecodingError {
        if let typed = error as? DingTalkDecodingError { return typed }
        if let decoding = error as? DecodingError {
            if case .dataCorrupted(let context) = decoding, context.codingPath.isEmpty {
                return .notJSON(instanceId: instanceId, endpoint: endpoint, bodyPrefix: prefix(of: body))
            }
            let (path, problem) = decoding.operatorParts
            return .invalidField(instanceId: instanceId, endpoint: endpoint, path: path, problem: problem)
        }
        return .invalidField(
            instanceId: instanceId, endpoint: endpoint, path: "(body)",
            problem: String(describing: error))
    }

    /// The first 120 characters of a body, one line, for messages.
    static func prefix(of body: Data) -> String {
        let text = String(decoding: body.prefix(480), as: UTF8.self)
        let flattened = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        return flattened.count > 120 ? String(flattened.prefix(120)) + "…" : flattened
    }
}
