/// A fault to answer instead of (or on top of) the normal handling.
enum FaultKind: Sendable {
    case serverError
    case throttle
    case globalThrottle
    case timeout
    case writeConflict
    case tokenInvalid
    case permission
    case ip
    case quota
    case drop
    case delay(Int)
    case flood
    case custom(status: Int, body: JSONValue, headers: [(String, String)])
    /// Answered normally, but the body is sent `pieceBytes` at a time every `intervalMs`.
    case trickle(intervalMs: Int, pieceBytes: Int)
    /// Listing endpoints only: the answer's cursor is the request's (it does not advance).
    case stuckCursor

    static let names = [
        "server_error", "throttle", "global_throttle", "timeout", "write_conflict", "token_invalid", "permission",
        "ip", "quota", "drop", "delay", "flood", "custom", "trickle", "stuck_cursor"
    ]

    static func parse(_ json: JSONValue) throws(AdminError) -> FaultKind {
        guard let name = json["fault"]?.stringValue else {
            throw AdminError("fault is required: one of \(names.joined(separator: ", "))")
        }
        switch name {
        case "server_error": return .serverError
        case "throttle": return .throttle
        case "global_throttle": return .globalThrottle
        case "timeout": return .timeout
        case "write_conflict": return .writeConflict
        case "token_invalid": return .tokenInvalid
        case "permission": return .permission
        case "ip": return .ip
        case "quota": return .quota
        case "drop": return .drop
        case "flood": return .flood
        case "delay":
            guard let ms = json["delay_ms"]?.int64Value, ms >= 0 else { throw AdminError("delay needs delay_ms") }
            return .delay(Int(ms))
        case "trickle":
            let interval = json["interval_ms"]?.int64Value ?? 1000
            guard (1...600_000).contains(interval) else {
                throw AdminError("trickle needs interval_ms 1…600000 (default 1000)")
            }
            let piece = json["piece_bytes"]?.int64Value ?? 16
            guard (1...1_048_576).contains(piece) else {
                throw AdminError("trickle needs piece_bytes 1…1048576 (default 16)")
            }
            return .trickle(intervalMs: Int(interval), pieceBytes: Int(piece))
        case "stuck_cursor":
            return .stuckCursor
        case "custom":
            guard let status = json["status"]?.int64Value, (100...599).contains(status) else {
                throw AdminError("custom needs status 100…599")
            }
            var headers: [(String, String)] = []
            for (k, v) in json["headers"]?.objectPairs ?? [] { headers.append((k, v.lenientString ?? v.serialized())) }
            return .custom(status: Int(status), body: json["body"] ?? .object([]), headers: headers)
        default:
            throw AdminError("unknown fault \(name): one of \(names.joined(separator: ", "))")
        }
    }

    var name: String {
        switch self {
        case .serverError: return "server_error"
        case .throttle: return "throttle"
        case .globalThrottle: return "global_throttle"
        case .timeout: return "timeout"
        case .writeConflict: return "write_conflict"
        case .tokenInvalid: return "token_invalid"
        case .permission: return "permission"
        case .ip: return "ip"
        case .quota: return "quota"
        case .drop: return "drop"
        case .delay: return "delay"
        case .flood: return "flood"
        case .custom: return "custom"
        case .trickle: return "trickle"
        case .stuckCursor: return "stuck_cursor"
        }
    }

    /// Whether the fault can happen on `endpoint` (a cursor can only stick on a listing).
    func applies(to endpoint: Endpoint) -> Bool {
        switch self {
        case .stuckCursor: return endpoint.hasCursor
        default: return true
        }
    }
}

/// "The next `remaining` calls to endpoints matching `pattern` fail with `fault`".
struct Injection: Sendable {
    var id: Int
    var pattern: String
    var remaining: Int
    var fault: FaultKind
    var json: JSONValue

    func matches(_ endpoint: Endpoint) -> Bool {
        guard fault.applies(to: endpoint) else { return false }
        if pattern == "*" { return true }
        if pattern.hasSuffix("*") { return endpoint.rawValue.hasPrefix(String(pattern.dropLast())) }
        return endpoint.rawValue == pattern
    }
}
