import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// The Stream part: DingTalk Stream mode (reference §11) on the sandbox's own port.
///
/// `POST /v1.0/gateway/connections/open` hands out single-use tickets; `GET /connect?ticket=`
/// upgrades to a WebSocket; every instance change (`DingTalkSimulator.observeInstanceChanges`)
/// becomes approval events pushed to one open connection chosen at random, redelivered until
/// acked or given up. Its state is touched only under `lock`; while holding it the part calls
/// only the shared clock (through its callers) and the envelopes, and it writes frames, closes
/// channels and sets timers only after releasing it (`StreamAction`).
final class StreamGateway: EnvelopeAnswering, @unchecked Sendable {
    let lock = NIOLock()
    let envelopes: Envelopes
    let config: StreamConfig
    let clock: SandboxClock
    private let identity: SandboxIdentity
    let address: SandboxAddress
    private let seed: UInt64
    /// `headers.eventCorpId` (`ding…`) and `eventUnifiedAppId` (a UUID), from the seed.
    let sender: StreamState.Sender
    var state: StreamState

    init(
        options: SandboxOptions, identity: SandboxIdentity, envelopes: Envelopes, clock: SandboxClock,
        address: SandboxAddress
    ) {
        self.envelopes = envelopes
        self.identity = identity
        self.clock = clock
        self.address = address
        seed = options.seed
        config = StreamConfig(options)
        var rng = SplitMix64(seed: options.seed ^ 0xC0DE_57E4_0000_000A)
        sender = StreamState.Sender(corpId: "ding" + rng.hex(17), unifiedAppId: rng.uuid4())
        state = StreamState(config: config, seed: options.seed, generation: 0)
    }

    /// Everything forgotten and every connection dropped (admin reset); timers already set do
    /// nothing.
    func reset() {
        let actions = lock.withLock { () -> [StreamAction] in
            let channels = state.connections.values.map(\.channel)
            state = StreamState(config: config, seed: seed, generation: state.generation + 1)
            return channels.map { StreamAction.drop($0) }
        }
        perform(actions)
    }

    // MARK: POST /v1.0/gateway/connections/open

    /// Checks the body and the app's credentials; answers the WebSocket endpoint and a ticket.
    func open(_ ctx: inout CallContext) -> SandboxResponse {
        let request: StreamOpenRequest
        do {
            let (clientId, clientSecret, json) = try StreamOpenRequest.credentials(ctx.request.body)
            guard clientId == identity.appKey, clientSecret == identity.appSecret else {
                lock.withLock { state.counters.authFailed += 1 }
                return newError(&ctx, 401, "authFailed", "鉴权失败")
            }
            request = try StreamOpenRequest.parse(json, clientId: clientId, clientSecret: clientSecret)
        } catch {
            return newError(&ctx, error.status, error.code, error.message)
        }
        let now = ctx.nowMs
        let ticket = lock.withLock { state.issueTicket(nowMs: now, ua: request.ua, localIp: request.localIp) }
        return newJSON(.object([("endpoint", .string(endpointURL)), ("ticket", .string(ticket))]))
    }

    /// `ws://HOST:PORT/connect` (the sandbox speaks plain HTTP).
    var endpointURL: String {
        let base = address.url
        let rest = base.hasPrefix("http://") ? String(base.dropFirst("http://".count)) : base
        return "ws://\(rest)/connect"
    }

    // MARK: GET /connect

    /// The HTTP server's WebSocket hook: upgrades `/connect` with a usable ticket (using it up).
    var webSocketHook: WebSocketHook {
        WebSocketHook(
            maxFrameSize: 1 << 20,
            shouldUpgrade: { [self] uri in
                let request = SandboxRequest(method: "GET", uri: uri, headers: [], body: [])
                guard request.path == "/connect" else { return false }
                let now = clock.nowMs()
                return lock.withLock { state.redeem(request.query("ticket"), nowMs: now) }
            },
            upgraded: { [self] channel, uri in
                let ticket = SandboxRequest(method: "GET", uri: uri, headers: [], body: []).query("ticket") ?? ""
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOWebSocketFrameAggregator(
                            minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 64,
                            maxAccumulatedFrameSize: 1 << 20))
                    try channel.pipeline.syncOperations.addHandler(StreamSocketHandler(gateway: self, ticket: ticket))
                }
            })
    }

    /// `/connect` reached as plain HTTP: no WebSocket handshake (or not as the connection's
    /// first request), or a ticket the upgrade refused. 400 without a ticket or without a
    /// handshake, 401 `invalidTicket` for an unknown, used or expired one.
    func refuseHandshake(_ request: SandboxRequest) -> SandboxResponse {
        let now = clock.nowMs()
        let problem = lock.withLock { () -> StreamState.TicketProblem? in
            state.counters.handshakesRefused += 1
            return state.ticketProblem(request.query("ticket"), nowMs: now)
        }
        func refusal(_ status: Int, _ code: String, _ message: String) -> SandboxResponse {
            envelopes.newJSON(
                .object([
                    ("code", .string(code)), ("requestid", .string(envelopes.newRequestId())),
                    ("message", .string(message))
                ]), status: status)
        }
        switch problem {
        case .missing?:
            return refusal(400, "missingTicket", StreamState.TicketProblem.missing.rawValue)
        case let problem?:
            return refusal(401, "invalidTicket", problem.rawValue)
        case nil:
            return refusal(
                400, "notWebSocket",
                "expected a WebSocket handshake (GET with Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Key, "
                    + "Sec-WebSocket-Version: 13) as the first request of a connection; the ticket is still unused")
        }
    }

    // MARK: Connections (called by StreamSocketHandler on the channel's event loop)

    func connected(_ channel: any Channel, ticket: String) -> Int {
        let now = clock.nowMs()
        var actions: [StreamAction] = []
        let id = lock.withLock { state.connect(channel, ticket: ticket, nowMs: now, sender: sender, into: &actions) }
        perform(actions)
        return id
    }

    func closed(_ id: Int, channel: any Channel) {
        lock.withLock { state.disconnected(id, channel: channel) }
    }

    func received(_ text: String, from id: Int, loop: any EventLoop) {
        var actions: [StreamAction] = []
        lock.withLock { state.received(text, from: id, loop: loop, into: &actions) }
        perform(actions)
    }

    func badFrame() {
        lock.withLock { state.counters.badFrames += 1 }
    }

    // MARK: Events

    /// Turns an instance change into events and pushes them (`observeInstanceChanges`).
    func publish(_ change: InstanceChange) {
        let payloads = StreamEventMapper.payloads(
            for: change, corpId: sender.corpId, commentEvents: config.commentEvents)
        guard !payloads.isEmpty else { return }
        let now = clock.nowMs()
        var actions: [StreamAction] = []
        lock.withLock { state.publish(payloads, bornMs: change.atMs, nowMs: now, sender: sender, into: &actions) }
        perform(actions)
    }

    // MARK: Actions and timers

    /// Does what the state asked for; called without the lock.
    func perform(_ actions: [StreamAction]) {
        for action in actions {
            switch action {
            case .send(let channel, let text):
                let frame = WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: text))
                channel.writeAndFlush(frame, promise: nil)
            case .drop(let channel):
                channel.close(promise: nil)
            case .close(let channel):
                var data = channel.allocator.buffer(capacity: 2)
                data.write(webSocketErrorCode: .normalClosure)
                let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
                channel.writeAndFlush(frame).whenComplete { _ in channel.close(promise: nil) }
            case .schedule(let loop, let ms, let timer):
                loop.scheduleTask(in: .milliseconds(Int64(ms))) { [self] in fire(timer, loop: loop) }
            }
        }
    }

    private func fire(_ timer: StreamTimer, loop: any EventLoop) {
        let now = clock.nowMs()
        var actions: [StreamAction] = []
        lock.withLock {
            switch timer {
            case .ackDeadline(let generation, let messageId):
                guard generation == state.generation else { return }
                state.ackDeadline(messageId, loop: loop, into: &actions)
            case .redeliver(let generation, let eventId):
                guard generation == state.generation else { return }
                state.redeliver(eventId, nowMs: now, sender: sender, into: &actions)
            case .ping(let generation, let id):
                guard generation == state.generation else { return }
                state.ping(id, nowMs: now, into: &actions)
            case .closeDisconnected(let generation, let id):
                guard generation == state.generation else { return }
                state.closeDisconnected(id, into: &actions)
            }
        }
        perform(actions)
    }
}
