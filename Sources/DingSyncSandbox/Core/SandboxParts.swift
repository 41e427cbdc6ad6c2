/// Every part of the sandbox, built once from the options.
///
/// The gateway (`SandboxCore`) and the admin API (`AdminAPI`) hold the same parts.
///
/// Simulators (own state, own lock): `dingtalk` (org, templates, instances, the app token,
/// both API families), `bitable` (base, tables, records, tenant tokens, write-conflict
/// occupancy), `webhook` (the bot's messages), `stream` (DingTalk Stream mode: tickets,
/// WebSocket connections, events in flight). Shared pieces (own small lock each; while they
/// hold it they take no other lock): `clock`, `settings`, `envelopes` (request ids),
/// `counters`, `quota` (monthly counts, rate windows), `faults` (pending and random faults),
/// `address`. A simulator holds its lock while it calls a shared piece, never the other way
/// round, and never while it calls another simulator: no two locks are ever taken in
/// opposite orders.
///
/// The Stream gateway subscribes to `dingtalk.observeInstanceChanges` (called after the
/// DingTalk part has released its lock) and pushes the events over its own connections.
struct SandboxParts: Sendable {
    let options: SandboxOptions
    let identity: SandboxIdentity
    let address: SandboxAddress
    let clock: SandboxClock
    let settings: SettingsStore
    let envelopes: Envelopes
    let counters: Counters
    let quota: QuotaCounter
    let faults: FaultInjector
    let dingtalk: DingTalkSimulator
    let bitable: BitableSimulator
    let webhook: WebhookSink
    let stream: StreamGateway

    /// Generates the world and creates the tables of `options`.
    init(options: SandboxOptions) {
        self.options = options
        identity = SandboxIdentity(seed: options.seed, webhookSecret: options.webhookSecret)
        address = SandboxAddress()
        clock = SandboxClock(nowMs: options.nowMs)
        settings = SettingsStore(options)
        envelopes = Envelopes(seed: options.seed)
        counters = Counters()
        quota = QuotaCounter()
        faults = FaultInjector(seed: options.seed)
        dingtalk = DingTalkSimulator(
            options: options, identity: identity, envelopes: envelopes, originMs: clock.originMs)
        bitable = BitableSimulator(options: options, identity: identity, envelopes: envelopes, address: address)
        webhook = WebhookSink(identity: identity, envelopes: envelopes, address: address)
        let stream = StreamGateway(
            options: options, identity: identity, envelopes: envelopes, clock: clock, address: address)
        self.stream = stream
        dingtalk.observeInstanceChanges { change in stream.publish(change) }
    }

    /// The whole sandbox back to its start (`POST /__admin/reset`).
    ///
    /// The same world and ids, empty tables, settings from the options, clock moves undone,
    /// counters and faults cleared. Part by part: a call in flight meanwhile may see some
    /// parts reset and others not.
    func reset() {
        clock.reset()
        settings.reset()
        faults.reset()
        counters.reset()
        quota.reset()
        envelopes.reset()
        dingtalk.reset()
        bitable.reset()
        webhook.reset()
        stream.reset()
    }
}
