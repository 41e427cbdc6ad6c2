import NIOCore

/// How new-API (`…T…Z`) times are written.
public enum NewAPITimes: String, Sendable, CaseIterable {
    /// Beijing wall time with a `Z` stuck on, as the one real capture shows (default).
    case beijing
    /// True UTC, as the SDK comments claim.
    case utc
}

/// How new-API answers write their top-level `success`.
public enum NewAPISuccess: String, Sendable, CaseIterable {
    /// A JSON boolean `true`, as observed (default).
    case boolean
    /// The string `"true"`, as the reference documents it and the SDK types it.
    case string
}

/// Everything the sandbox can be told at start. Defaults are the platforms' documented
/// limits and a quiet world (no faults, no latency).
public struct SandboxOptions: Sendable {
    // MARK: Listening
    /// Address to listen on.
    public var host: String = "127.0.0.1"
    /// Port; 0 lets the OS choose.
    public var port: Int = 0
    /// Event-loop threads (default: one per core).
    public var threads: Int = System.coreCount

    // MARK: Dataset
    /// Seed of every generated value (ids, names, credentials, dataset).
    public var seed: UInt64 = 1
    /// Number of approval instances generated at start.
    public var instances: Int = 500
    /// Instances are spread over the last `days` days.
    public var days: Int = 30
    /// The sandbox clock at start, epoch ms (nil: the machine's clock). Same seed and same
    /// `nowMs` give an identical dataset. The clock then runs on from there.
    public var nowMs: Int64? = nil
    /// How the new API writes times.
    public var newAPITimes: NewAPITimes = .beijing
    /// How new-API answers write `success`.
    public var newAPISuccess: NewAPISuccess = .boolean
    /// Create the main and action tables (SPEC §4) in the base at start.
    public var createTables: Bool = true
    /// Value of `dingtalk.api` in the written config (`new`, `legacy` or `premium`).
    public var configAPI: String = "new"
    /// The organisation has OA高级版: the premium paged listing (reference §12.1) answers; without
    /// it, that listing answers `benefit.status.invalid` as for an organisation without OA premium.
    public var premium: Bool = false

    // MARK: Limits
    /// DingTalk calls per second per (app, API).
    public var dingtalkQPS: Int = 20
    /// Feishu record writes per second per (app, API).
    public var feishuWriteQPS: Int = 50
    /// Feishu reads (search, list, get, batch_get, list tables/fields) per second per (app, API).
    public var feishuReadQPS: Int = 20
    /// Feishu table and field creation per second per (app, API).
    public var feishuSchemaQPS: Int = 10
    /// Bot webhook messages per second and per minute.
    public var webhookPerSecond: Int = 5
    public var webhookPerMinute: Int = 100
    /// Ids one listing query yields across all its pages.
    public var maxIdsPerQuery: Int = 10_000
    /// Rows per Bitable table.
    public var rowLimit: Int = 20_000
    /// Token lifetime in seconds (both platforms).
    public var tokenLifetime: Int = 7200
    /// Monthly call quota per platform (0 = unlimited).
    public var dingtalkMonthlyQuota: Int = 0
    public var feishuMonthlyQuota: Int = 0

    // MARK: Faults
    /// Fixed latency added to every answer, ms.
    public var latencyMs: Int = 0
    /// Probability of a server error answer (DingTalk -1 / 500 systemError, Feishu 1255001).
    public var errorRate: Double = 0
    /// Probability of a throttling answer (90018 / QpsLimitForAppkeyAndApi / 429 99991400).
    public var throttleRate: Double = 0
    /// Probability that a Feishu Bitable call answers 1255040 (HTTP 504) after doing its work.
    public var timeoutRate: Double = 0
    /// How long a Bitable write occupies its table (on top of the latency), ms.
    public var feishuWriteHoldMs: Int = 5
    /// How long a Bitable read occupies its table (on top of the latency), ms.
    public var feishuReadHoldMs: Int = 0

    // MARK: Bot
    /// The bot's signature secret; nil = generated from the seed, "" = no signature check.
    public var webhookSecret: String? = nil

    // MARK: Stream (DingTalk Stream mode, reference §11)
    /// How long a pushed EVENT waits for its ack, ms; then it is redelivered.
    public var streamAckTimeoutMs: Int = 3000
    /// The waits before each redelivery of an event that was not consumed, ms; after the last
    /// one the event is given up.
    public var streamRedeliveryMs: [Int] = [10_000, 30_000]
    /// A SYSTEM `ping` frame on every connection this often, ms (0 = none).
    public var streamPingIntervalMs: Int = 45_000
    /// A connection sent a SYSTEM `disconnect` is closed this much later, ms.
    public var streamDisconnectCloseMs: Int = 10_000
    /// EVENT deliveries per natural month (Beijing time, sandbox clock); past it, events arrive
    /// without content (`errCode 20001`). 0 = unlimited.
    public var streamMonthlyQuota: Int = 0
    /// Events kept while no connection is open (0 = none: they are dropped).
    public var streamQueueLimit: Int = 1000
    /// How long a ticket from `connections/open` stays valid, s (sandbox clock).
    public var streamTicketTTL: Int = 90
    /// Whether a comment (ADD_REMARK) pushes a `bpms_task_change` of type `comment`.
    public var streamCommentEvents: Bool = true

    public init() {}

    /// Reads a `--now` value: ISO 8601 (`2025-04-01T09:00:00+08:00`, `…Z`), `yyyy-MM-dd HH:mm[:ss]`
    /// or `yyyy-MM-dd` (Beijing time), or epoch ms / s. Returns epoch ms.
    public static func parseTime(_ text: String) -> Int64? { TimeFormat.parse(text) }

    /// Checks ranges; throws `SandboxError.invalidOption` naming the option.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw SandboxError.invalidOption(message) }
        }
        try check((0...65535).contains(port), "--port must be 0…65535")
        try check(instances >= 0 && instances <= 1_000_000, "--instances must be 0…1000000")
        try check(days >= 1 && days <= 3650, "--days must be 1…3650")
        try check(dingtalkQPS >= 1, "--dingtalk-qps must be ≥ 1")
        try check(feishuWriteQPS >= 1 && feishuReadQPS >= 1 && feishuSchemaQPS >= 1, "Feishu QPS limits must be ≥ 1")
        try check(webhookPerSecond >= 1 && webhookPerMinute >= 1, "webhook limits must be ≥ 1")
        try check(maxIdsPerQuery >= 1, "--max-ids-per-query must be ≥ 1")
        try check(rowLimit >= 1, "--row-limit must be ≥ 1")
        try check(tokenLifetime >= 1, "--token-lifetime must be ≥ 1")
        try check(latencyMs >= 0 && feishuWriteHoldMs >= 0 && feishuReadHoldMs >= 0, "latency and holds must be ≥ 0")
        try check(
            (0...1).contains(errorRate) && (0...1).contains(throttleRate) && (0...1).contains(timeoutRate),
            "rates must be within 0…1")
        try check(
            configAPI == "new" || configAPI == "legacy" || configAPI == "premium",
            "--config-api must be new, legacy or premium")
        try check(streamAckTimeoutMs >= 1, "--stream-ack-timeout-ms must be ≥ 1")
        try check(
            streamRedeliveryMs.count <= 20 && streamRedeliveryMs.allSatisfy { $0 >= 0 },
            "--stream-redelivery-ms must be at most 20 waits, each ≥ 0")
        try check(streamPingIntervalMs >= 0, "--stream-ping-interval-ms must be ≥ 0")
        try check(streamDisconnectCloseMs >= 0, "--stream-disconnect-close-ms must be ≥ 0")
        try check(streamMonthlyQuota >= 0, "--stream-monthly-quota must be ≥ 0")
        try check(streamQueueLimit >= 0, "--stream-queue-limit must be ≥ 0")
        try check(streamTicketTTL >= 1, "--stream-ticket-ttl must be ≥ 1")
    }
}
