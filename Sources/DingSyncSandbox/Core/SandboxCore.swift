import NIOConcurrencyHelpers
import NIOCore

/// One call being answered: what was asked, when, and what the handling decided.
struct CallContext {
    let endpoint: Endpoint
    let request: SandboxRequest
    let params: [String: String]
    let nowMs: Int64
    let monoNs: UInt64
    /// When the request arrived (its head was read); rate windows count this instant.
    let arrivalNs: UInt64
    var failed = false
    var throttled = false
    var holdMs = 0
    /// The Bitable table the call addressed (for in-flight statistics).
    var touchedTable: BitTable?
    /// Whether the call occupies that table (accepted reads and writes do).
    var occupancy: Endpoint.TableAccess = .none
    /// Set by write handlers once their change is applied (a later timeout keeps it).
    var committed = false
    /// The `stuck_cursor` fault: a listing answers the request's cursor instead of the next.
    var stuckCursor = false

    func param(_ name: String) -> String { params[name] ?? "" }
}

/// The simulator: state behind one lock, and the request pipeline every API call goes
/// through (injected fault → IP → token → scope → monthly quota → rate limit → random
/// faults → handler → random timeout), answered after the latency and table hold.
final class SandboxCore: @unchecked Sendable {
    let lock = NIOLock()
    let options: SandboxOptions
    let identity: SandboxIdentity
    let baseNowMs: Int64
    let startNs: UInt64
    /// Set once listening; used in messages that name the sandbox's own address.
    var baseURL = ""
    var state: SandboxState
    /// Admin clock moves (ms, may be negative). Behind its own small lock so that the
    /// HTTP server can stamp `Date` headers without waiting for the core's lock.
    let clockOffsetMs = NIOLockedValueBox<Int64>(0)

    init(options: SandboxOptions) {
        self.options = options
        self.identity = SandboxIdentity(seed: options.seed, webhookSecret: options.webhookSecret)
        self.baseNowMs = options.nowMs ?? TimeFormat.wallNowMs()
        self.startNs = NIODeadline.now().uptimeNanoseconds
        self.state = SandboxCore.makeState(options: options, identity: identity, nowMs: baseNowMs)
    }

    static func makeState(options: SandboxOptions, identity: SandboxIdentity, nowMs: Int64) -> SandboxState {
        let world = DatasetGenerator(seed: options.seed, nowMs: nowMs).makeWorld(instances: options.instances, days: options.days)
        let base = BitBase(appToken: identity.appToken, name: "审批同步")
        let state = SandboxState(dingtalk: world, base: base, settings: Settings(options), seed: options.seed)
        if options.createTables {
            let main = SandboxCore.createTable(in: state, name: "审批实例表", specs: Schema.main)
            let action = SandboxCore.createTable(in: state, name: "审批动作表", specs: Schema.action)
            state.mainTableId = main.id
            state.actionTableId = action.id
        }
        return state
    }

    /// Regenerates the world as it was at start (same seed, same clock origin).
    func resetWorld() {
        state = SandboxCore.makeState(options: options, identity: identity, nowMs: baseNowMs)
        clockOffsetMs.withLockedValue { $0 = 0 }
    }

    // MARK: Clock

    func monoNs() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    /// The sandbox clock: start time (or `--now`) plus elapsed time plus admin advances.
    /// Safe to call without the core's lock (the `Date` header reads it on the event loop).
    func nowMs() -> Int64 {
        baseNowMs + Int64((monoNs() &- startNs) / 1_000_000) + clockOffsetMs.withLockedValue { $0 }
    }

    // MARK: Entry

    func handle(_ request: SandboxRequest) -> Outcome {
        if request.path == "/__admin" || request.path.hasPrefix("/__admin/") {
            return Outcome(response: lock.withLock { admin(request) })
        }
        switch Router.match(method: request.method, path: request.path) {
        case let .success(match):
            return lock.withLock { process(match.endpoint, match.params, request) }
        case let .failure(miss):
            return lock.withLock { unknownPath(miss.miss, request) }
        }
    }

    private func unknownPath(_ miss: Router.Miss, _ request: SandboxRequest) -> Outcome {
        let latency = state.settings.latencyMs
        switch miss {
        case .legacyUnknown:
            return Outcome(response: .json(["errcode": 22, "errmsg": "不合法ApiName", "request_id": .string(state.legacyRequestId())]),
                           delayMs: latency)
        case .newUnknown:
            return Outcome(response: newJSON(.object([("code", "InvalidAction.NotFound"),
                                                      ("message", "Specified api is not found, please check your url and method."),
                                                      ("requestid", .string(state.newRequestId()))]), status: 404), delayMs: latency)
        case .feishuUnknown, .other:
            return Outcome(response: .text("404 page not found", status: 404), delayMs: latency)
        }
    }

    // MARK: Pipeline

    private func process(_ endpoint: Endpoint, _ params: [String: String], _ request: SandboxRequest) -> Outcome {
        let now = nowMs()
        rollMonth(now)
        let mono = monoNs()
        var ctx = CallContext(endpoint: endpoint, request: request, params: params, nowMs: now, monoNs: mono,
                              arrivalNs: min(request.arrivalNs ?? mono, mono))
        var stats = state.endpointStats[endpoint.rawValue, default: EndpointStats()]
        stats.calls += 1
        stats.inFlight += 1
        stats.maxConcurrency = max(stats.maxConcurrency, stats.inFlight)
        state.endpointStats[endpoint.rawValue] = stats

        var delay = state.settings.latencyMs
        var response: SandboxResponse?
        var drop = false
        var forcedTimeout = false
        var trickle: (intervalMs: Int, pieceBytes: Int)?
        if let index = state.injections.firstIndex(where: { $0.remaining > 0 && $0.matches(endpoint) }) {
            let fault = state.injections[index].fault
            state.injections[index].remaining -= 1
            if state.injections[index].remaining <= 0 { state.injections.remove(at: index) }
            switch fault {
            case let .delay(ms): delay += ms
            case .timeout: forcedTimeout = true
            case let .trickle(interval, piece): trickle = (interval, piece)
            case .stuckCursor: ctx.stuckCursor = true
            case .drop:
                drop = true
                ctx.failed = true
            default: response = faultResponse(fault, &ctx)
            }
        }
        if response == nil, !drop {
            response = pipeline(&ctx, forcedTimeout: forcedTimeout)
        }

        var finalStats = state.endpointStats[endpoint.rawValue, default: EndpointStats()]
        if ctx.throttled { finalStats.throttled += 1 }
        if ctx.failed { finalStats.errors += 1 } else { finalStats.ok += 1 }
        state.endpointStats[endpoint.rawValue] = finalStats

        let table = ctx.touchedTable
        let occupancy = ctx.occupancy
        let completion: @Sendable () -> Void = { [self] in
            lock.withLock {
                // (After an admin reset the counters are new: never below zero.)
                if let current = state.endpointStats[endpoint.rawValue]?.inFlight {
                    state.endpointStats[endpoint.rawValue]?.inFlight = max(0, current - 1)
                }
                if let table {
                    table.inFlight = max(0, table.inFlight - 1)
                    switch occupancy {
                    case .write: table.activeWrites = max(0, table.activeWrites - 1)
                    case .read: table.activeReads = max(0, table.activeReads - 1)
                    case .none: break
                    }
                }
            }
        }
        var outcome = Outcome(response: drop ? nil : response, delayMs: delay + ctx.holdMs, completion: completion)
        if let trickle, !drop {
            state.trickles.started += 1
            state.trickles.active += 1
            outcome.trickle = Trickle(intervalMs: trickle.intervalMs, pieceBytes: trickle.pieceBytes) { [self] completed in
                lock.withLock {
                    state.trickles.active = max(0, state.trickles.active - 1)
                    if completed { state.trickles.completed += 1 } else { state.trickles.abandoned += 1 }
                }
            }
        }
        return outcome
    }

    private func pipeline(_ ctx: inout CallContext, forcedTimeout: Bool) -> SandboxResponse {
        let endpoint = ctx.endpoint
        let settings = state.settings
        if endpoint.isDingTalk, settings.dingtalkIPBlocked { return faultResponse(.ip, &ctx) }
        if endpoint.family != .webhook, !endpoint.isToken {
            if let failure = authenticate(&ctx) { return failure }
            if let scope = endpoint.scope, settings.revokedScopes.contains(scope) { return faultResponse(.permission, &ctx) }
            if !endpoint.quotaExempt {
                let quota = endpoint.isDingTalk ? settings.dingtalkMonthlyQuota : settings.feishuMonthlyQuota
                let used = endpoint.isDingTalk ? state.monthlyDingTalk : state.monthlyFeishu
                if quota > 0, used >= quota { return faultResponse(.quota, &ctx) }
            }
        }
        if let limited = rateLimit(&ctx) { return limited }
        if !endpoint.quotaExempt {
            if endpoint.isDingTalk { state.monthlyDingTalk += 1 } else { state.monthlyFeishu += 1 }
        }
        if !endpoint.isToken, endpoint.family != .webhook {
            if settings.throttleRate > 0, state.faultRng.chance(settings.throttleRate) { return faultResponse(.throttle, &ctx) }
            if settings.errorRate > 0, state.faultRng.chance(settings.errorRate) { return faultResponse(.serverError, &ctx) }
        }
        var response = dispatch(&ctx)
        let randomTimeout = endpoint.isBitable && settings.timeoutRate > 0 && state.faultRng.chance(settings.timeoutRate)
        if forcedTimeout || randomTimeout {
            response = faultResponse(.timeout, &ctx)
        }
        return response
    }

    private func dispatch(_ ctx: inout CallContext) -> SandboxResponse {
        switch ctx.endpoint {
        case .dtGetToken: return legacyGetToken(&ctx)
        case .dtAccessToken: return newAccessToken(&ctx)
        case .dtLegacyListIds: return legacyListIds(&ctx)
        case .dtLegacyGet: return legacyGetInstance(&ctx)
        case .dtUserGet: return legacyUserGet(&ctx)
        case .dtDepartmentGet: return legacyDepartmentGet(&ctx)
        case .dtGetByName: return legacyGetByName(&ctx)
        case .dtListByUserId: return legacyListByUserId(&ctx)
        case .dtInstanceIds: return newInstanceIds(&ctx)
        case .dtInstanceGet: return newGetInstance(&ctx)
        case .dtProcessCode: return newProcessCode(&ctx)
        case .dtTemplates: return newTemplates(&ctx)
        case .fsToken: return feishuToken(&ctx)
        case .webhook: return webhook(&ctx)
        default: return bitable(&ctx)
        }
    }

    // MARK: Month, rate limits

    func rollMonth(_ now: Int64) {
        let p = TimeFormat.parts(ms: now, offsetSeconds: TimeFormat.beijingOffset)
        let key = "\(p.year)-\(TimeFormat.pad(p.month))"
        if key != state.monthKey {
            state.monthKey = key
            state.monthlyDingTalk = 0
            state.monthlyFeishu = 0
        }
    }

    private func rateLimit(_ ctx: inout CallContext) -> SandboxResponse? {
        let s = state.settings
        let endpoint = ctx.endpoint
        let windows: [(UInt64, Int)]
        let app: String
        switch endpoint.rateClass {
        case .none: return nil
        case .dingtalk: windows = [(1_000_000_000, s.dingtalkQPS)]; app = identity.appKey
        case .feishuRead: windows = [(1_000_000_000, s.feishuReadQPS)]; app = identity.feishuAppId
        case .feishuWrite: windows = [(1_000_000_000, s.feishuWriteQPS)]; app = identity.feishuAppId
        case .feishuSchema: windows = [(1_000_000_000, s.feishuSchemaQPS)]; app = identity.feishuAppId
        case .webhook:
            windows = [(1_000_000_000, s.webhookPerSecond), (60_000_000_000, s.webhookPerMinute)]
            app = ctx.param("hook")
        }
        for (index, (window, limit)) in windows.enumerated() {
            let key = "\(app)|\(endpoint.rawValue)|\(index)"
            if let wait = state.windows[key, default: SlidingWindow()].admit(at: ctx.arrivalNs, window: window, limit: limit) {
                // Undo the admissions of the earlier (shorter) windows? They were admitted; the
                // call was still made, which is how platform counters behave.
                let reset = max(1, Int((wait + 999_999_999) / 1_000_000_000))
                return throttleResponse(&ctx, limit: limit, resetSeconds: reset)
            }
        }
        return nil
    }

    // MARK: Authentication

    /// Checks the token for the call's family; nil when valid.
    private func authenticate(_ ctx: inout CallContext) -> SandboxResponse? {
        switch ctx.endpoint.family {
        case .legacy:
            var token = ctx.request.query("access_token")
            if token == nil, ctx.request.isFormBody {
                token = FormCoding.decode(ctx.request.bodyText).first(where: { $0.0 == "access_token" })?.1
            }
            guard let token, !token.isEmpty else {
                return legacyError(&ctx, 88, "ding talk error[subcode=40000,submsg=access_token is blank]", sub: ("40000", "access_token is blank"))
            }
            if !dingtalkTokenValid(token, now: ctx.nowMs) {
                return faultResponse(.tokenInvalid, &ctx)
            }
        case .new:
            guard let token = ctx.request.header("x-acs-dingtalk-access-token"), !token.isEmpty else {
                return newError(&ctx, 400, "AuthenticationFailed.MissingParameter", "缺少参数：x-acs-dingtalk-access-token")
            }
            if !dingtalkTokenValid(token, now: ctx.nowMs) { return faultResponse(.tokenInvalid, &ctx) }
        case .feishu:
            guard let header = ctx.request.header("authorization"), !header.trimmingSpaces.isEmpty else {
                return feishuError(&ctx, FeishuError(code: 99991661, msg: "Missing access token for authorization. Please make a request with token attached.", status: 400))
            }
            let parts = header.trimmingSpaces.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "Bearer", !parts[1].isEmpty else {
                return feishuError(&ctx, FeishuError(code: 99991671, msg: "Invalid access token format. The Authorization header must be \"Bearer <token>\".", status: 400))
            }
            let token = parts[1]
            if token.hasPrefix("u-") {
                return feishuError(&ctx, FeishuError(code: 99991668, msg: "Invalid access token for authorization. Please make a request with token attached.", status: 400))
            }
            guard token.hasPrefix("t-") else {
                return feishuError(&ctx, FeishuError(code: 99991671, msg: "Invalid access token format.", status: 400))
            }
            guard let expiry = state.feishuTokens[token], expiry > ctx.nowMs else { return faultResponse(.tokenInvalid, &ctx) }
        case .webhook:
            break
        }
        return nil
    }

    func dingtalkTokenValid(_ token: String, now: Int64) -> Bool {
        token == state.dingtalkToken && now < state.dingtalkTokenExpiry
    }
}
