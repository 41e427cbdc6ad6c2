import NIOCore

/// Tickets, connections, SYSTEM frames (ping, disconnect) and client frames. Every method
/// runs under the gateway's lock.
extension StreamState {
    // MARK: Tickets

    /// Why a handshake's ticket is refused.
    enum TicketProblem: String {
        case missing = "ticket is required: GET /connect?ticket=…"
        case unknown = "ticket is unknown"
        case used = "ticket was already used (one connection per ticket)"
        case expired = "ticket has expired"
    }

    /// A new ticket (a UUID), valid for one connection within the TTL.
    mutating func issueTicket(nowMs: Int64, ua: String, localIp: String) -> String {
        // Forget tickets long past their use.
        if tickets.count > 256 {
            tickets = tickets.filter { nowMs - $0.value.issuedMs <= config.ticketTTLMs + 600_000 }
        }
        let ticket = rng.uuid4()
        tickets[ticket] = Ticket(issuedMs: nowMs, ua: ua, localIp: localIp, usedMs: nil)
        counters.ticketsIssued += 1
        return ticket
    }

    /// What is wrong with `ticket` at `nowMs` (nil: usable).
    func ticketProblem(_ ticket: String?, nowMs: Int64) -> TicketProblem? {
        guard let ticket, !ticket.isEmpty else { return .missing }
        guard let entry = tickets[ticket] else { return .unknown }
        if entry.usedMs != nil { return .used }
        if nowMs - entry.issuedMs > config.ticketTTLMs { return .expired }
        return nil
    }

    /// Uses `ticket` for a connection if it is usable; whether it was.
    mutating func redeem(_ ticket: String?, nowMs: Int64) -> Bool {
        guard ticketProblem(ticket, nowMs: nowMs) == nil, let ticket else { return false }
        tickets[ticket]?.usedMs = nowMs
        return true
    }

    // MARK: Connections

    /// Registers an upgraded connection; flushes the queue to the open connections and starts
    /// its pings. Returns its id.
    mutating func connect(
        _ channel: any Channel, ticket: String, nowMs: Int64, sender: Sender,
        into actions: inout [StreamAction]
    ) -> Int {
        let id = nextConnectionId
        nextConnectionId += 1
        let entry = tickets[ticket]
        connections[id] = Connection(
            id: id, channel: channel, openedMs: nowMs, ua: entry?.ua ?? "", localIp: entry?.localIp ?? "",
            remote: channel.remoteAddress?.description ?? "")
        counters.connectionsOpened += 1
        if config.pingIntervalMs > 0 {
            actions.append(
                .schedule(
                    channel.eventLoop, ms: config.pingIntervalMs,
                    .ping(generation: generation, connectionId: id)))
        }
        flushQueue(nowMs: nowMs, sender: sender, into: &actions)
        return id
    }

    /// Connection `id` closed (its deliveries awaiting an ack time out and are redelivered).
    mutating func disconnected(_ id: Int, channel: any Channel) {
        guard let connection = connections[id], connection.channel === channel else { return }
        connections[id] = nil
        counters.connectionsClosed += 1
    }

    /// The ping timer of connection `id`: a SYSTEM ping, and the next one scheduled.
    mutating func ping(_ id: Int, nowMs: Int64, into actions: inout [StreamAction]) {
        guard var connection = connections[id] else { return }
        let messageId = messageId(nowMs: nowMs)
        let opaque = rng.uuid4()
        if connection.openPings.count >= 64 { connection.openPings = [:] }
        connection.openPings[messageId] = opaque
        connection.pingsSent += 1
        connections[id] = connection
        counters.pingsSent += 1
        let text = StreamFrames.system(
            topic: "ping", messageId: messageId, nowMs: nowMs,
            data: .object([("opaque", .string(opaque))]))
        actions.append(.send(connection.channel, text))
        actions.append(
            .schedule(
                connection.channel.eventLoop, ms: config.pingIntervalMs,
                .ping(generation: generation, connectionId: id)))
    }

    /// Sends a SYSTEM disconnect to `ids` (nil: every connection) and closes each `closeAfterMs`
    /// later; they get no new events meanwhile. Returns the ids.
    mutating func disconnect(_ ids: [Int]?, closeAfterMs: Int, nowMs: Int64, into actions: inout [StreamAction])
        -> [Int]
    {
        let targets = (ids ?? connections.keys.sorted()).filter { connections[$0]?.disconnectingSinceMs == nil }
        for id in targets {
            guard var connection = connections[id] else { continue }
            let messageId = messageId(nowMs: nowMs)
            connection.disconnectingSinceMs = nowMs
            connection.systemMessages.insert(messageId)
            connections[id] = connection
            counters.disconnectsSent += 1
            let text = StreamFrames.system(
                topic: "disconnect", messageId: messageId, nowMs: nowMs,
                data: .object([("reason", "connection is expired")]))
            actions.append(.send(connection.channel, text))
            actions.append(
                .schedule(
                    connection.channel.eventLoop, ms: closeAfterMs,
                    .closeDisconnected(generation: generation, connectionId: id)))
        }
        return targets
    }

    /// The close that follows a disconnect.
    func closeDisconnected(_ id: Int, into actions: inout [StreamAction]) {
        guard let connection = connections[id] else { return }
        actions.append(.close(connection.channel))
    }

    /// Closes `ids` (nil: every connection) at once, without a close frame. Returns the ids.
    func drop(_ ids: [Int]?, into actions: inout [StreamAction]) -> [Int] {
        let targets = ids ?? connections.keys.sorted()
        for id in targets {
            if let connection = connections[id] { actions.append(.drop(connection.channel)) }
        }
        return targets
    }

    // MARK: Client frames

    /// A text frame from connection `id`: a ping's echo, the (optional) ack of a disconnect, or
    /// an event ack; anything else is counted as a bad frame.
    mutating func received(_ text: String, from id: Int, loop: any EventLoop, into actions: inout [StreamAction]) {
        guard let ack = StreamFrames.parseAck(text) else {
            counters.badFrames += 1
            return
        }
        if let opaque = connections[id]?.openPings.removeValue(forKey: ack.messageId) {
            if ack.code == 200, ack.opaque == opaque {
                connections[id]?.pingsAnswered += 1
                counters.pingsAnswered += 1
            }
            return
        }
        if connections[id]?.systemMessages.remove(ack.messageId) != nil { return }
        acknowledge(ack, from: id, loop: loop, into: &actions)
    }
}
