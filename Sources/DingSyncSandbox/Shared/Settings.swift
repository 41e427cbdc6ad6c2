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
    /// A records search or list answer whose items serialize to more bytes than this is refused
    /// with 1254030 TooLargeResponse (0: no limit; Feishu documents no threshold).
    var feishuMaxPageBytes = 0
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
            "row_limit": .int(rowLimit), "feishu_max_page_bytes": .int(feishuMaxPageBytes),
            "token_lifetime": .int(tokenLifetime),
            "dingtalk_monthly_quota": .int(dingtalkMonthlyQuota), "feishu_monthly_quota": .int(feishuMonthlyQuota),
            "dingtalk_ip_blocked": .bool(dingtalkIPBlocked), "webhook_ip_blocked": .bool(webhookIPBlocked),
            "revoked_scopes": .strings(revokedScopes.sorted()), "new_api_times": .string(newAPITimes.rawValue),
            "new_api_success": .string(newAPISuccess.rawValue)
        ]
    }

    /// Applies a partial update; throws a message naming the bad key.
    mutating func apply(_ body: JSONValue) throws(AdminError) {
        guard let pairs = body.objectPairs else { throw AdminError("body must be a JSON object") }
        var copy = self
        for (key, value) in pairs {
            func int(min: Int = 0) throws(AdminError) -> Int {
                guard let v = value.int64Value, v >= min, v <= Int64(Int32.max) else {
                    throw AdminError("\(key) must be an integer ≥ \(min)")
                }
                return Int(v)
            }
            func rate() throws(AdminError) -> Double {
                guard let v = value.doubleValue, v >= 0, v <= 1 else {
                    throw AdminError("\(key) must be a number within 0…1")
                }
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
            case "feishu_max_page_bytes": copy.feishuMaxPageBytes = try int()
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
                guard let s = value.stringValue, let v = NewAPITimes(rawValue: s) else {
                    throw AdminError("new_api_times must be beijing or utc")
                }
                copy.newAPITimes = v
            case "new_api_success":
                guard let s = value.stringValue, let v = NewAPISuccess(rawValue: s) else {
                    throw AdminError("new_api_success must be boolean or string")
                }
                copy.newAPISuccess = v
            default:
                throw AdminError(
                    "unknown setting \(key); known: \(json().objectPairs?.map(\.0).joined(separator: ", ") ?? ""), monthly_quota"
                )
            }
        }
        self = copy
    }

    /// `bitable` is accepted for Feishu's `bitable:app`.
    static func canonicalScope(_ s: String) -> String { s == "bitable" ? "bitable:app" : s }
}
