/// The gateway: every call's chain of checks, then dispatch to the part that answers it.
///
/// The chain: arrival stamp, counters, injected fault, IP, token, scope, monthly quota and
/// rate windows, random faults, the part's handler, random timeout; the answer leaves after
/// the latency and the part's hold (a Bitable table's occupancy, released just before the
/// answer is written). Calls are dispatched by endpoint family; `/__admin/*` goes to the
/// admin API. The gateway keeps no state of its own: it is all in the parts
/// (`SandboxParts`).
final class SandboxCore: EnvelopeAnswering, Sendable {
    let parts: SandboxParts
    let admin: AdminAPI
    private let faultAnswers: FaultAnswers
    private let authenticator: Authenticator

    var envelopes: Envelopes { parts.envelopes }

    init(options: SandboxOptions) {
        parts = SandboxParts(options: options)
        admin = AdminAPI(parts: parts)
        faultAnswers = FaultAnswers(envelopes: parts.envelopes, appKey: parts.identity.appKey)
        authenticator = Authenticator(
            envelopes: parts.envelopes, faultAnswers: faultAnswers, dingtalk: parts.dingtalk,
            bitable: parts.bitable)
    }

    // MARK: Entry

    /// Answers one request (on the server's thread pool; any number at once).
    func handle(_ request: SandboxRequest) -> Outcome {
        if request.path == "/__admin" || request.path.hasPrefix("/__admin/") {
            return Outcome(response: admin.handle(request))
        }
        if request.path == "/connect" {
            // The Stream WebSocket, reached as plain HTTP: the upgrade was refused or not asked for.
            return Outcome(response: parts.stream.refuseHandshake(request))
        }
        switch Router.match(method: request.method, path: request.path) {
        case .success(let match):
            return process(match.endpoint, match.params, request)
        case .failure(let miss):
            return unknownPath(miss.miss)
        }
    }

    private func unknownPath(_ miss: Router.Miss) -> Outcome {
        let latency = parts.settings.current.latencyMs
        switch miss {
        case .legacyUnknown:
            return Outcome(
                response: .json([
                    "errcode": 22, "errmsg": "不合法ApiName", "request_id": .string(envelopes.legacyRequestId())
                ]),
                delayMs: latency)
        case .newUnknown:
            return Outcome(
                response: newJSON(
                    .object([
                        ("code", "InvalidAction.NotFound"),
                        ("message", "Specified api is not found, please check your url and method."),
                        ("requestid", .string(envelopes.newRequestId()))
                    ]), status: 404), delayMs: latency)
        case .feishuUnknown, .other:
            return Outcome(response: .text("404 page not found", status: 404), delayMs: latency)
        }
    }

    // MARK: Chain

    private func process(_ endpoint: Endpoint, _ params: [String: String], _ request: SandboxRequest) -> Outcome {
        let now = parts.clock.nowMs()
        parts.quota.roll(now: now)
        let mono = parts.clock.monoNs()
        var ctx = CallContext(
            endpoint: endpoint, request: request, params: params, settings: parts.settings.current, nowMs: now,
            monoNs: mono, arrivalNs: min(request.arrivalNs ?? mono, mono))
        let counters = parts.counters
        counters.begin(endpoint)

        var delay = ctx.settings.latencyMs
        var response: SandboxResponse?
        var drop = false
        var forcedTimeout = false
        var trickle: (intervalMs: Int, pieceBytes: Int)?
        if let fault = parts.faults.take(for: endpoint) {
            switch fault {
            case .delay(let ms): delay += ms
            case .timeout: forcedTimeout = true
            case .trickle(let interval, let piece): trickle = (interval, piece)
            case .stuckCursor: ctx.stuckCursor = true
            case .drop:
                drop = true
                ctx.failed = true
            default: response = faultAnswers.answer(fault, &ctx)
            }
        }
        if response == nil, !drop {
            response = chain(&ctx, forcedTimeout: forcedTimeout)
        }
        counters.decide(endpoint, failed: ctx.failed, throttled: ctx.throttled)

        let table = ctx.touchedTable
        let occupancy = ctx.occupancy
        let bitable = parts.bitable
        let completion: @Sendable () -> Void = {
            counters.leave(endpoint)
            if let table { bitable.release(table, occupancy) }
        }
        var outcome = Outcome(response: drop ? nil : response, delayMs: delay + ctx.holdMs, completion: completion)
        if let trickle, !drop {
            counters.trickleStarted()
            outcome.trickle = Trickle(intervalMs: trickle.intervalMs, pieceBytes: trickle.pieceBytes) { completed in
                counters.trickleEnded(completed: completed)
            }
        }
        return outcome
    }

    /// IP, token, scope, quota and rate windows, random faults, the part, random timeout.
    private func chain(_ ctx: inout CallContext, forcedTimeout: Bool) -> SandboxResponse {
        let endpoint = ctx.endpoint
        let settings = ctx.settings
        if endpoint.isDingTalk, settings.dingtalkIPBlocked { return faultAnswers.answer(.ip, &ctx) }
        if endpoint.family != .webhook, !endpoint.isToken {
            if let failure = authenticator.check(&ctx) { return failure }
            if let scope = endpoint.scope, settings.revokedScopes.contains(scope) {
                return faultAnswers.answer(.permission, &ctx)
            }
        }
        switch admit(ctx) {
        case .admitted: break
        case .quotaExhausted: return faultAnswers.answer(.quota, &ctx)
        case .throttled(let limit, let resetSeconds):
            return faultAnswers.throttle(&ctx, limit: limit, resetSeconds: resetSeconds)
        }
        if !endpoint.isToken, endpoint.family != .webhook {
            if settings.throttleRate > 0, parts.faults.roll(settings.throttleRate) {
                return faultAnswers.answer(.throttle, &ctx)
            }
            if settings.errorRate > 0, parts.faults.roll(settings.errorRate) {
                return faultAnswers.answer(.serverError, &ctx)
            }
        }
        var response = dispatch(&ctx)
        let randomTimeout = endpoint.isBitable && settings.timeoutRate > 0 && parts.faults.roll(settings.timeoutRate)
        if forcedTimeout || randomTimeout {
            response = faultAnswers.answer(.timeout, &ctx)
        }
        return response
    }

    /// The monthly quota and the rate windows of the call's (app, API).
    private func admit(_ ctx: CallContext) -> QuotaCounter.Verdict {
        let s = ctx.settings
        let second: UInt64 = 1_000_000_000
        let windows: [(UInt64, Int)]
        let app: String
        switch ctx.endpoint.rateClass {
        case .none:
            windows = []
            app = ""
        case .dingtalk:
            windows = [(second, s.dingtalkQPS)]
            app = parts.identity.appKey
        case .feishuRead:
            windows = [(second, s.feishuReadQPS)]
            app = parts.identity.feishuAppId
        case .feishuWrite:
            windows = [(second, s.feishuWriteQPS)]
            app = parts.identity.feishuAppId
        case .feishuSchema:
            windows = [(second, s.feishuSchemaQPS)]
            app = parts.identity.feishuAppId
        case .webhook:
            windows = [(second, s.webhookPerSecond), (60 * second, s.webhookPerMinute)]
            app = ctx.param("hook")
        }
        let quota = ctx.endpoint.isDingTalk ? s.dingtalkMonthlyQuota : s.feishuMonthlyQuota
        return parts.quota.admit(
            ctx.endpoint, arrivalNs: ctx.arrivalNs, app: app, windows: windows, monthlyQuota: quota)
    }

    /// The part that answers the call.
    private func dispatch(_ ctx: inout CallContext) -> SandboxResponse {
        if ctx.endpoint == .dtStreamOpen { return parts.stream.open(&ctx) }
        switch ctx.endpoint.family {
        case .legacy, .new: return parts.dingtalk.handle(&ctx)
        case .feishu: return parts.bitable.handle(&ctx)
        case .webhook: return parts.webhook.handle(&ctx)
        }
    }
}
