/// Credentials and fixed ids, derived from the seed (stable across admin resets).
struct SandboxIdentity: Sendable {
    var appKey: String
    var appSecret: String
    var feishuAppId: String
    var feishuAppSecret: String
    var appToken: String
    var webhookToken: String
    var webhookSecret: String

    init(seed: UInt64, webhookSecret: String?) {
        var rng = SplitMix64(seed: seed ^ 0xC4ED_E471_A150_0003)
        appKey = "ding" + rng.lowerAlnum(16)
        appSecret = rng.alnum(22) + "-" + rng.alnum(20) + "_" + rng.alnum(20)
        feishuAppId = "cli_" + rng.hex(16)
        feishuAppSecret = rng.alnum(32)
        appToken = "bascn" + rng.alnum(22)
        webhookToken = rng.uuid4()
        let generated = rng.alnum(22)
        self.webhookSecret = webhookSecret ?? generated
    }
}

struct EndpointStats: Sendable {
    var calls = 0
    var ok = 0
    var errors = 0
    var throttled = 0
    var inFlight = 0
    var maxConcurrency = 0
}

struct TableStats: Sendable {
    var calls = 0
    var reads = 0
    var writes = 0
    var conflicts = 0
    var maxConcurrency = 0
}

/// Answers sent by the `trickle` fault: begun, still sending, sent to the end, abandoned
/// because the client closed the connection.
struct TrickleStats: Sendable {
    var started = 0
    var active = 0
    var completed = 0
    var abandoned = 0

    func json() -> JSONValue {
        .object([("started", .int(started)), ("active", .int(active)), ("completed", .int(completed)),
                 ("abandoned", .int(abandoned))])
    }
}

struct WebhookMessage: Sendable {
    var receivedAt: Int64
    var body: JSONValue?
    var rawBody: String
    var signatureValid: Bool?
    var code: Int
}

/// Everything that changes while the sandbox runs. Only touched under the core's lock.
final class SandboxState: @unchecked Sendable {
    var dingtalk: DingTalkWorld
    var base: BitBase
    var settings: Settings
    var mainTableId: String?
    var actionTableId: String?

    // Tokens (expiry on the sandbox clock, ms).
    var dingtalkToken: String?
    var dingtalkTokenExpiry: Int64 = 0
    var feishuTokens: [String: Int64] = [:]
    var feishuLatestToken: String?

    // Limits and statistics.
    var windows: [String: SlidingWindow] = [:]
    var endpointStats: [String: EndpointStats] = [:]
    var tableStats: [String: TableStats] = [:]
    var monthKey = ""
    var monthlyDingTalk = 0
    var monthlyFeishu = 0
    var trickles = TrickleStats()

    // Faults.
    var injections: [Injection] = []
    var nextInjectionId = 1

    // Bitable idempotency: key → (canonical body, data answered).
    var clientTokens: [String: (body: String, data: JSONValue)] = [:]

    var webhookMessages: [WebhookMessage] = []

    // Generators: ids (tables, fields, records, tokens), noise (request ids), faults,
    // and the admin's instance factory.
    var idRng: SplitMix64
    var noiseRng: SplitMix64
    var faultRng: SplitMix64
    var factory: InstanceFactory

    init(dingtalk: DingTalkWorld, base: BitBase, settings: Settings, seed: UInt64) {
        self.dingtalk = dingtalk
        self.base = base
        self.settings = settings
        idRng = SplitMix64(seed: seed ^ 0x1D5E_ED00_0000_0004)
        noiseRng = SplitMix64(seed: seed ^ 0x0015_E000_0000_0005)
        faultRng = SplitMix64(seed: seed ^ 0xFA17_0000_0000_0006)
        factory = InstanceFactory(rng: SplitMix64(seed: seed ^ 0xAD31_0000_0000_0007), forms: FormGenerator())
    }

    // MARK: Ids

    func newTableId() -> String { "tbl" + idRng.alnum(13) }
    func newFieldId() -> String { "fld" + idRng.alnum(7) }
    func newRecordId() -> String { "rec" + idRng.alnum(11) }
    func newOptionId() -> String { "opt" + idRng.alnum(7) }
    func newViewId() -> String { "vew" + idRng.alnum(7) }
    func legacyRequestId() -> String { noiseRng.lowerAlnum(13) }
    func newRequestId() -> String {
        "\(noiseRng.hex(8, upper: true))-\(noiseRng.hex(4, upper: true))-\(noiseRng.hex(4, upper: true))-\(noiseRng.hex(4, upper: true))-\(noiseRng.hex(12, upper: true))"
    }
    func logId() -> String { "02" + noiseRng.digits(13) + noiseRng.hex(26) }
}
