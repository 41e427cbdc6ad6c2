import NIOConcurrencyHelpers

/// The answer envelopes of each family and the request ids they carry.
///
/// Legacy `request_id`, new-API `requestid` with the `x-acs-*` headers, Feishu `log_id` with
/// `X-Tt-Logid`. Shared by the gateway and the parts; the ids come from one seeded generator
/// behind its own lock (never held while anything else is locked from here).
final class Envelopes: @unchecked Sendable {
    private let lock = NIOLock()
    private let seed: UInt64
    private var noise: SplitMix64

    init(seed: UInt64) {
        self.seed = seed
        noise = Envelopes.generator(seed)
    }

    private static func generator(_ seed: UInt64) -> SplitMix64 { SplitMix64(seed: seed ^ 0x0015_E000_0000_0005) }

    /// Ids from the start again (admin reset).
    func reset() {
        lock.withLock { noise = Envelopes.generator(seed) }
    }

    // MARK: Ids

    /// A legacy `request_id`: 13 lowercase alphanumerics.
    func legacyRequestId() -> String { lock.withLock { noise.lowerAlnum(13) } }

    /// A new-API `requestid`: uppercase hex in the 8-4-4-4-12 layout.
    func newRequestId() -> String {
        lock.withLock {
            "\(noise.hex(8, upper: true))-\(noise.hex(4, upper: true))-\(noise.hex(4, upper: true))-\(noise.hex(4, upper: true))-\(noise.hex(12, upper: true))"
        }
    }

    /// A Feishu `log_id`.
    func logId() -> String { lock.withLock { "02" + noise.digits(13) + noise.hex(26) } }

    private func traceId() -> String { lock.withLock { noise.hex(32) } }

    // MARK: DingTalk legacy (HTTP 200, errcode)

    func legacyOK(_ pairs: [(String, JSONValue)]) -> SandboxResponse {
        .json(.object([("errcode", 0), ("errmsg", "ok")] + pairs + [("request_id", .string(legacyRequestId()))]))
    }

    func legacyError(_ ctx: inout CallContext, _ errcode: Int, _ errmsg: String, sub: (String, String)? = nil)
        -> SandboxResponse
    {
        ctx.failed = true
        var pairs: [(String, JSONValue)] = [("errcode", .int(errcode)), ("errmsg", .string(errmsg))]
        if let sub {
            pairs.append(("sub_code", .string(sub.0)))
            pairs.append(("sub_msg", .string(sub.1)))
        }
        pairs.append(("request_id", .string(legacyRequestId())))
        return .json(.object(pairs))
    }

    // MARK: DingTalk new (HTTP status, code/message/requestid)

    func newJSON(_ value: JSONValue, status: Int = 200) -> SandboxResponse {
        let id = newRequestId()
        return .json(value, status: status, headers: [("x-acs-request-id", id), ("x-acs-trace-id", traceId())])
    }

    func newError(_ ctx: inout CallContext, _ status: Int, _ code: String, _ message: String, scopes: [String]? = nil)
        -> SandboxResponse
    {
        ctx.failed = true
        var pairs: [(String, JSONValue)] = [
            ("code", .string(code)), ("requestid", .string(newRequestId())), ("message", .string(message))
        ]
        if let scopes { pairs.append(("accessdenieddetail", .object([("requiredScopes", .strings(scopes))]))) }
        return newJSON(.object(pairs), status: status)
    }

    // MARK: Feishu (code/msg/data)

    func feishuOK(_ data: JSONValue) -> SandboxResponse {
        .json(.object([("code", 0), ("msg", "success"), ("data", data)]), headers: [("X-Tt-Logid", logId())])
    }

    func feishuError(
        _ ctx: inout CallContext, _ error: FeishuError, headers: [(String, String)] = [],
        extra: [(String, JSONValue)] = []
    ) -> SandboxResponse {
        ctx.failed = true
        let log = logId()
        let errorObject = JSONValue.object([("log_id", .string(log))] + extra)
        return .json(
            .object([
                ("code", .int(error.code)), ("msg", .string(error.msg)), ("data", .object([])), ("error", errorObject)
            ]),
            status: error.status, headers: [("X-Tt-Logid", log)] + headers)
    }

    // MARK: Feishu bot

    func webhookFailure(_ ctx: inout CallContext, _ code: Int, _ msg: String, status: Int = 200) -> SandboxResponse {
        ctx.failed = true
        return .json(.object([("code", .int(code)), ("msg", .string(msg)), ("data", .object([]))]), status: status)
    }
}

/// Whatever answers in the platforms' envelopes: the helpers of `Envelopes` without a prefix.
///
/// The gateway and the parts conform.
protocol EnvelopeAnswering {
    var envelopes: Envelopes { get }
}

extension EnvelopeAnswering {
    func legacyOK(_ pairs: [(String, JSONValue)]) -> SandboxResponse { envelopes.legacyOK(pairs) }

    func legacyError(_ ctx: inout CallContext, _ errcode: Int, _ errmsg: String, sub: (String, String)? = nil)
        -> SandboxResponse
    {
        envelopes.legacyError(&ctx, errcode, errmsg, sub: sub)
    }

    func newJSON(_ value: JSONValue, status: Int = 200) -> SandboxResponse { envelopes.newJSON(value, status: status) }

    func newError(_ ctx: inout CallContext, _ status: Int, _ code: String, _ message: String, scopes: [String]? = nil)
        -> SandboxResponse
    {
        envelopes.newError(&ctx, status, code, message, scopes: scopes)
    }

    func feishuOK(_ data: JSONValue) -> SandboxResponse { envelopes.feishuOK(data) }

    func feishuError(
        _ ctx: inout CallContext, _ error: FeishuError, headers: [(String, String)] = [],
        extra: [(String, JSONValue)] = []
    ) -> SandboxResponse {
        envelopes.feishuError(&ctx, error, headers: headers, extra: extra)
    }

    func webhookFailure(_ ctx: inout CallContext, _ code: Int, _ msg: String, status: Int = 200) -> SandboxResponse {
        envelopes.webhookFailure(&ctx, code, msg, status: status)
    }
}
