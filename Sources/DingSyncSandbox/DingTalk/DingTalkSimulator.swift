import NIOConcurrencyHelpers

/// The DingTalk part: the world (org, templates, instances), the app token, both API families.
///
/// The families are the legacy `/topapi` and the new `/v1.0` API. Its state is touched only
/// under `lock`: `handle` takes it for the whole call, the admin methods for theirs. While
/// holding it the part calls nothing but the shared envelopes. Every change of an instance is
/// reported to the observers (`observeInstanceChanges`).
final class DingTalkSimulator: EnvelopeAnswering, @unchecked Sendable {
    let lock = NIOLock()
    let envelopes: Envelopes
    let identity: SandboxIdentity
    let options: SandboxOptions
    private let originMs: Int64

    /// The organisation and its approvals.
    var world: DingTalkWorld
    /// The app's token (one per app, shared by both families) and its expiry, sandbox ms.
    var token: String?
    var tokenExpiry: Int64 = 0
    /// Generates tokens.
    var tokenRng: SplitMix64
    /// The admin's instance factory (and the seeds of its flow engines).
    var factory: InstanceFactory
    private var observers: [InstanceObserver] = []

    /// Generates the world of `options` (seed, instances, days) at `originMs`.
    init(options: SandboxOptions, identity: SandboxIdentity, envelopes: Envelopes, originMs: Int64) {
        self.options = options
        self.identity = identity
        self.envelopes = envelopes
        self.originMs = originMs
        world = DingTalkSimulator.makeWorld(options, originMs)
        tokenRng = DingTalkSimulator.tokenGenerator(options.seed)
        factory = DingTalkSimulator.makeFactory(options.seed)
    }

    private static func makeWorld(_ options: SandboxOptions, _ originMs: Int64) -> DingTalkWorld {
        DatasetGenerator(seed: options.seed, nowMs: originMs).makeWorld(
            instances: options.instances, days: options.days)
    }

    private static func tokenGenerator(_ seed: UInt64) -> SplitMix64 { SplitMix64(seed: seed ^ 0xD1D7_70CE_0000_0008) }

    private static func makeFactory(_ seed: UInt64) -> InstanceFactory {
        InstanceFactory(rng: SplitMix64(seed: seed ^ 0xAD31_0000_0000_0007), forms: FormGenerator())
    }

    /// The world as it was at start, and no token (admin reset).
    ///
    /// Same seed, same clock origin. Observers stay subscribed; they are not told about the
    /// new world.
    func reset() {
        let fresh = DingTalkSimulator.makeWorld(options, originMs)
        lock.withLock {
            world = fresh
            token = nil
            tokenExpiry = 0
            tokenRng = DingTalkSimulator.tokenGenerator(options.seed)
            factory = DingTalkSimulator.makeFactory(options.seed)
        }
    }

    // MARK: Dispatch

    /// Answers a call of either DingTalk family (the gateway has checked everything else).
    func handle(_ ctx: inout CallContext) -> SandboxResponse {
        lock.withLock {
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
            case .dtPremiumInstances: return premiumInstances(&ctx)
            default:
                ctx.failed = true
                return .text("404 page not found", status: 404)
            }
        }
    }

    // MARK: Token

    /// Issues or renews the app's token: a valid token is returned again with a fresh
    /// lifetime; an expired one is replaced. Called under the lock.
    func issueToken(now: Int64, lifetimeSeconds: Int) -> String {
        let lifetime = Int64(lifetimeSeconds) * 1000
        if let token, now < tokenExpiry {
            tokenExpiry = now + lifetime
            return token
        }
        let fresh = tokenRng.hex(32)
        token = fresh
        tokenExpiry = now + lifetime
        return fresh
    }

    /// Whether `candidate` is the app's token and has not expired at `now`.
    func tokenValid(_ candidate: String, now: Int64) -> Bool {
        lock.withLock { candidate == token && now < tokenExpiry }
    }

    /// The token expires at `now` at the latest (`/__admin/tokens/expire`).
    func expireTokens(now: Int64) {
        lock.withLock { tokenExpiry = min(tokenExpiry, now) }
    }

    // MARK: Read-only views

    /// Every template's process code, in template order.
    var processCodes: [String] { lock.withLock { world.templates.map(\.code) } }

    /// Template names by process code.
    var templateNames: [String: String] {
        lock.withLock { Dictionary(uniqueKeysWithValues: world.templates.map { ($0.code, $0.name) }) }
    }

    /// What `/__admin/info` shows of the world.
    struct Overview: Sendable {
        var processCodes: [String]
        var orgName: String
        var instances: Int
        var users: Int
        var departments: Int
    }

    /// Process codes, organisation name and sizes, read in one step.
    var overview: Overview {
        lock.withLock {
            Overview(
                processCodes: world.templates.map(\.code), orgName: world.orgName, instances: world.instances.count,
                users: world.users.count, departments: world.departments.count)
        }
    }

    // MARK: Instance changes

    /// Subscribes `observer` to every instance change from now on.
    ///
    /// The seam of the Stream gateway (`SandboxParts` subscribes it). Observers are called in
    /// subscription order, on the thread that made the change, after the part's lock is
    /// released.
    func observeInstanceChanges(_ observer: @escaping InstanceObserver) {
        lock.withLock { observers.append(observer) }
    }

    /// Tells the observers about `changes`, in order. Call without holding the lock.
    func publish(_ changes: [InstanceChange]) {
        guard !changes.isEmpty else { return }
        let current = lock.withLock { observers }
        for change in changes {
            for observer in current { observer(change) }
        }
    }
}
