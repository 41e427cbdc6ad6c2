import NIOCore

/// The Stream gateway's options, fixed at start (`SandboxOptions.stream*`).
struct StreamConfig: Sendable {
    var ackTimeoutMs: Int
    var redeliveryMs: [Int]
    var pingIntervalMs: Int
    var disconnectCloseMs: Int
    var monthlyQuota: Int
    var queueLimit: Int
    var ticketTTLMs: Int64
    var commentEvents: Bool

    init(_ o: SandboxOptions) {
        ackTimeoutMs = o.streamAckTimeoutMs
        redeliveryMs = o.streamRedeliveryMs
        pingIntervalMs = o.streamPingIntervalMs
        disconnectCloseMs = o.streamDisconnectCloseMs
        monthlyQuota = o.streamMonthlyQuota
        queueLimit = o.streamQueueLimit
        ticketTTLMs = Int64(o.streamTicketTTL) * 1000
        commentEvents = o.streamCommentEvents
    }
}

/// Everything the Stream gateway knows, touched only under its lock (`StreamGateway`).
///
/// Its methods change the state and say what to do afterwards (`StreamAction`: frames to
/// send, channels to close, timers to set); the gateway does that once the lock is released.
struct StreamState {
    /// A ticket from `connections/open`.
    struct Ticket {
        var issuedMs: Int64
        var ua: String
        var localIp: String
        /// When it was used for a connection (single use).
        var usedMs: Int64?
    }

    /// One open WebSocket.
    struct Connection {
        let id: Int
        let channel: any Channel
        let openedMs: Int64
        let ua: String
        let localIp: String
        let remote: String
        /// When a SYSTEM `disconnect` was sent (no new events from then on).
        var disconnectingSinceMs: Int64?
        var delivered = 0
        var acked = 0
        var pingsSent = 0
        var pingsAnswered = 0
        /// Pings awaiting their echo: messageId → opaque.
        var openPings: [String: String] = [:]
        /// messageIds of SYSTEM frames whose (optional) acks are ignored.
        var systemMessages: Set<String> = []
    }

    /// An event not yet consumed and how often it has been delivered.
    struct Pending {
        var event: StreamEvent
        var attempts: Int
    }

    /// A delivery awaiting its ack.
    struct Delivery {
        var pending: Pending
        var connectionId: Int
        /// A duplicate (the `duplicate` fault): its ack is taken, its silence ignored.
        var copy: Bool
        var sentMs: Int64
    }

    let config: StreamConfig
    /// Bumped by a reset; timers of an earlier generation do nothing.
    let generation: Int
    var rng: SplitMix64
    var tickets: [String: Ticket] = [:]
    var connections: [Int: Connection] = [:]
    var nextConnectionId = 1
    /// Events waiting for a connection, oldest first.
    var queue: [Pending] = []
    /// Deliveries awaiting their ack, by messageId.
    var inFlight: [String: Delivery] = [:]
    /// Events waiting for their redelivery timer, by eventId.
    var awaitingRedelivery: [String: Pending] = [:]
    /// The faults: the next N deliveries are lost / duplicated.
    var loseNext = 0
    var duplicateNext = 0
    var counters = StreamCounters()
    /// The natural month (Beijing, sandbox clock) being counted, and its deliveries.
    var monthKey = ""
    var monthDelivered = 0
    var monthOverQuota = 0
    private var messageSeq = 0

    init(config: StreamConfig, seed: UInt64, generation: Int) {
        self.config = config
        self.generation = generation
        rng = SplitMix64(seed: (seed ^ 0x57BE_A300_0000_0009) &+ UInt64(generation))
    }

    /// A messageId shaped like the reference's `213d841d_972_1898bb26334_70a7`: unique per frame.
    mutating func messageId(nowMs: Int64) -> String {
        messageSeq += 1
        return "\(rng.hex(8))_\(messageSeq)_\(String(max(0, nowMs), radix: 16))_\(rng.hex(4))"
    }

    /// Open connections that take events (not disconnecting), by id.
    var eligibleConnections: [Int] {
        connections.values.filter { $0.disconnectingSinceMs == nil }.map(\.id).sorted()
    }
}

/// What to do once the gateway's lock is released.
enum StreamAction {
    /// A text frame.
    case send(any Channel, String)
    /// Close now, without a close frame (a dropped connection).
    case drop(any Channel)
    /// A close frame (1000), then close.
    case close(any Channel)
    /// Fire `timer` after `ms` on `loop`.
    case schedule(any EventLoop, ms: Int, StreamTimer)
}

/// The gateway's timers; each names the state generation it belongs to.
enum StreamTimer: Sendable {
    /// The ack deadline of a delivery.
    case ackDeadline(generation: Int, messageId: String)
    /// The redelivery of an event.
    case redeliver(generation: Int, eventId: String)
    /// The next SYSTEM ping on a connection.
    case ping(generation: Int, connectionId: Int)
    /// The close that follows a SYSTEM disconnect.
    case closeDisconnected(generation: Int, connectionId: Int)
}
