/// The knobs that can change while the sandbox runs (admin `/__admin/settings`).
struct Settings: Sendable {
    var latencyMs: Int
    var errorRate: Double
    var throttleRate: Double
    var timeoutRate: Double
    var feishuWriteHoldMs: Int
    var feishuReadHoldMs: Int
    var dingtalkQPS: Int
    var feishuWriteQPS: Int
    var feishuReadQPS: Int
    var feishuSchemaQPS: Int
    var webhookPerSecond: Int
    var webhookPerMinute: Int
    var maxIdsPerQuery: Int
    var rowLimit: Int
    var tokenLifetime: Int
    var dingtalkMonthlyQuota: Int
    var feishuMonthlyQuota: Int
    var dingtalkIPBlocked: Bool
    var webhookIPBlocked: Bool
    var revokedScopes: Set<String>
    var newAPITimes: NewAPITimes
    var newAPISuccess: NewAPISuccess

    init(_ o: SandboxOptions) {
        latencyMs = o.latencyMs
        errorRate = o.errorRate
        throttleRate = o.throttleRate
        timeoutRate = o.timeoutRate
        feishuWriteHoldMs = o.feishuWriteHoldMs
        feishuReadHoldMs = o.feishuReadHoldMs
        dingtalkQPS = o.dingtalkQPS
        feishuWriteQPS = o.feishuWriteQPS
        feishuReadQPS = o.feishuReadQPS
        feishuSchemaQPS = o.feishuSchemaQPS
        webhookPerSecond = o.webhookPerSecond
        webhookPerMinute = o.webhookPerMinute
        maxIdsPerQuery = o.maxIdsPerQuery
        rowLimit = o.rowLimit
        tokenLifetime = o.tokenLifetime
        dingtalkMonthlyQuota = o.dingtalkMonthlyQuota
        feishuMonthlyQuota = o.feishuMonthlyQuota
        dingtalkIPBlocked = false
        webhookIPBlocked = false
        revokedScopes = []
        newAPITimes = o.newAPITimes
        newAPISuccess = o.newAPISuccess
    }

    func json() -> JSONValue {
        [
            "latency_ms": .int(latencyMs), "error_rate": .double(errorRate), "throttle_rate": .double(throttleRate),
            "timeout_rate": .double(timeoutRate), "feishu_write_hold_ms": .int(feishuWriteHoldMs),
            "feishu_read_hold_ms": .int(feishuReadHoldMs), "dingtalk_qps": .int(dingtalkQPS),
            "feishu_write_qps": .int(feishuWriteQPS), "feishu_read_qps": .int(feishuReadQPS),
            "feishu_schema_qps": .int(feishuSchemaQPS), "webhook_per_second": .int(webhookPerSecond),
            "webhook_per_minute": .int(webhookPerMinute), "max_ids_per_query": .int(maxIdsPerQuery),
            "row_limit": .int(rowLimit), "token_lifetime": .int(tokenLifetime),
            "dingtalk_monthly_quota": .int(dingtalkMonthlyQuota), "feishu_monthly_quota": .int(feishuMonthlyQuota),
            "dingtalk_ip_blocked": .bool(dingtalkIPBlocked), "webhook_ip_blocked": .bool(webhookIPBlocked),
            "revoked_scopes": .strings(revokedScopes.sorted()), "new_api_times": .string(newAPITimes.rawValue),
            "new_api_success": .string(newAPISuccess.rawValue),
        ]
    }

    /// Applies a partial update; throws a message naming the bad key.
    mutating func apply(_ body: JSONValue) throws(AdminError) {
        guard let pairs = body.objectPairs else { throw AdminError("body must be a JSON object") }
        var copy = self
        for (key, value) in pairs {
            func int(min: Int = 0) throws(AdminError) -> Int {
                guard let v = value.int64Value, v >= min, v <= Int64(Int32.max) else { throw AdminError("\(key) must be an integer ≥ \(min)") }
                return Int(v)
            }
            func rate() throws(AdminError) -> Double {
                guard let v = value.doubleValue, v >= 0, v <= 1 else { throw AdminError("\(key) must be a number within 0…1") }
                return v
            }
            func bool() throws(AdminError) -> Bool {
                guard let v = value.boolValue else { throw AdminError("\(key) must be true or false") }
                return v
            }
            switch key {
            case "latency_ms": copy.latencyMs = try int()
            case "error_rate": copy.errorRate = try rate()
            case "throttle_rate": copy.throttleRate = try rate()
            case "timeout_rate": copy.timeoutRate = try rate()
            case "feishu_write_hold_ms": copy.feishuWriteHoldMs = try int()
            case "feishu_read_hold_ms": copy.feishuReadHoldMs = try int()
            case "dingtalk_qps": copy.dingtalkQPS = try int(min: 1)
            case "feishu_write_qps": copy.feishuWriteQPS = try int(min: 1)
            case "feishu_read_qps": copy.feishuReadQPS = try int(min: 1)
            case "feishu_schema_qps": copy.feishuSchemaQPS = try int(min: 1)
            case "webhook_per_second": copy.webhookPerSecond = try int(min: 1)
            case "webhook_per_minute": copy.webhookPerMinute = try int(min: 1)
            case "max_ids_per_query": copy.maxIdsPerQuery = try int(min: 1)
            case "row_limit": copy.rowLimit = try int(min: 1)
            case "token_lifetime": copy.tokenLifetime = try int(min: 1)
            case "dingtalk_monthly_quota": copy.dingtalkMonthlyQuota = try int()
            case "feishu_monthly_quota": copy.feishuMonthlyQuota = try int()
            case "monthly_quota":
                let q = try int()
                copy.dingtalkMonthlyQuota = q
                copy.feishuMonthlyQuota = q
            case "dingtalk_ip_blocked": copy.dingtalkIPBlocked = try bool()
            case "webhook_ip_blocked": copy.webhookIPBlocked = try bool()
            case "revoked_scopes":
                guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                    throw AdminError("revoked_scopes must be an array of strings")
                }
                copy.revokedScopes = Set(items.compactMap { $0.stringValue.map(Settings.canonicalScope) })
            case "new_api_times":
                guard let s = value.stringValue, let v = NewAPITimes(rawValue: s) else { throw AdminError("new_api_times must be beijing or utc") }
                copy.newAPITimes = v
            case "new_api_success":
                guard let s = value.stringValue, let v = NewAPISuccess(rawValue: s) else {
                    throw AdminError("new_api_success must be boolean or string")
                }
                copy.newAPISuccess = v
            default:
                throw AdminError("unknown setting \(key); known: \(json().objectPairs?.map(\.0).joined(separator: ", ") ?? ""), monthly_quota")
            }
        }
        self = copy
    }

    /// `bitable` is accepted for Feishu's `bitable:app`.
    static func canonicalScope(_ s: String) -> String { s == "bitable" ? "bitable:app" : s }
}

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

    static let names = ["server_error", "throttle", "global_throttle", "timeout", "write_conflict", "token_invalid", "permission",
                        "ip", "quota", "drop", "delay", "flood", "custom", "trickle", "stuck_cursor"]

    static func parse(_ json: JSONValue) throws(AdminError) -> FaultKind {
        guard let name = json["fault"]?.stringValue else { throw AdminError("fault is required: one of \(names.joined(separator: ", "))") }
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
            guard (1...600_000).contains(interval) else { throw AdminError("trickle needs interval_ms 1…600000 (default 1000)") }
            let piece = json["piece_bytes"]?.int64Value ?? 16
            guard (1...1_048_576).contains(piece) else { throw AdminError("trickle needs piece_bytes 1…1048576 (default 16)") }
            return .trickle(intervalMs: Int(interval), pieceBytes: Int(piece))
        case "stuck_cursor":
            return .stuckCursor
        case "custom":
            guard let status = json["status"]?.int64Value, (100...599).contains(status) else { throw AdminError("custom needs status 100…599") }
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

struct AdminError: Error, Sendable {
    var message: String
    var status: Int
    init(_ message: String, status: Int = 400) {
        self.message = message
        self.status = status
    }
}

/// Calls allowed in a sliding window (monotonic nanoseconds).
struct SlidingWindow: Sendable {
    /// Arrival stamps, sorted; `head` is the first one still kept.
    private var stamps: [UInt64] = []
    private var head = 0
    private var latest: UInt64 = 0

    /// Records a call that arrived at `at` if fewer than `limit` calls arrived in the window
    /// ending there, `(at - window, at]`; otherwise returns the nanoseconds until a slot frees.
    /// Calls may be admitted slightly out of arrival order (they wait for the shared lock after
    /// their arrival was stamped), so a stamp is inserted in order rather than appended.
    mutating func admit(at: UInt64, window: UInt64, limit: Int) -> UInt64? {
        latest = max(latest, at)
        let keepFrom = latest > 2 * window ? latest - 2 * window : 0
        while head < stamps.count, stamps[head] < keepFrom { head += 1 }
        if head > 4096, head * 2 > stamps.count {
            stamps.removeFirst(head)
            head = 0
        }
        let first = firstIndex(after: at > window ? at - window : 0)
        let end = firstIndex(after: at)
        if end - first >= limit {
            let oldest = stamps[first]
            return oldest + window > at ? oldest + window - at : 1
        }
        stamps.insert(at, at: end)
        return nil
    }

    /// The index of the first kept stamp greater than `value`.
    private func firstIndex(after value: UInt64) -> Int {
        var low = head, high = stamps.count
        while low < high {
            let mid = (low + high) / 2
            if stamps[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
