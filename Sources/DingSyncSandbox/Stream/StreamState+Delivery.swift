import NIOCore

/// Events: numbering, delivery to one random connection, acks, timeouts, redeliveries,
/// the lose and duplicate faults, the monthly count. Every method runs under the gateway's lock.
extension StreamState {
    /// Who pushes frames and their texts: the gateway's identity in the headers.
    struct Sender {
        var corpId: String
        var unifiedAppId: String
    }

    /// Numbers `payloads` (born at `bornMs`) and delivers each or queues it.
    mutating func publish(
        _ payloads: [StreamPayload], bornMs: Int64, nowMs: Int64, sender: Sender,
        into actions: inout [StreamAction]
    ) {
        for payload in payloads {
            counters.generated += 1
            let event = StreamEvent(eventId: rng.hex(32), bornMs: bornMs, payload: payload)
            dispatch(Pending(event: event, attempts: 0), nowMs: nowMs, sender: sender, into: &actions)
        }
    }

    /// Delivers `pending` to one open connection chosen at random, or queues it when there is
    /// none (dropped when the queue is full).
    mutating func dispatch(_ pending: Pending, nowMs: Int64, sender: Sender, into actions: inout [StreamAction]) {
        let ids = eligibleConnections
        guard !ids.isEmpty else {
            if queue.count < config.queueLimit {
                queue.append(pending)
            } else {
                counters.dropped += 1
            }
            return
        }
        deliver(pending, to: rng.pick(ids), nowMs: nowMs, sender: sender, into: &actions)
    }

    /// Delivers every queued event (a connection has opened).
    mutating func flushQueue(nowMs: Int64, sender: Sender, into actions: inout [StreamAction]) {
        let waiting = queue
        queue = []
        for pending in waiting {
            dispatch(pending, nowMs: nowMs, sender: sender, into: &actions)
        }
    }

    /// One delivery on connection `id`: counted, then lost (the fault: never sent, never
    /// redelivered), or sent with an ack deadline, and perhaps sent twice (the fault).
    private mutating func deliver(
        _ pending: Pending, to id: Int, nowMs: Int64, sender: Sender,
        into actions: inout [StreamAction]
    ) {
        guard let connection = connections[id] else { return }
        var pending = pending
        pending.attempts += 1
        if pending.attempts > 1 { counters.redelivered += 1 }
        let overQuota = countDelivery(nowMs: nowMs, connectionId: id)
        if loseNext > 0 {
            loseNext -= 1
            counters.lost += 1
            return
        }
        send(pending, copy: false, on: connection, overQuota: overQuota, nowMs: nowMs, sender: sender, into: &actions)
        if duplicateNext > 0 {
            duplicateNext -= 1
            counters.duplicated += 1
            let again = countDelivery(nowMs: nowMs, connectionId: id)
            send(pending, copy: true, on: connection, overQuota: again, nowMs: nowMs, sender: sender, into: &actions)
        }
    }

    private mutating func send(
        _ pending: Pending, copy: Bool, on connection: Connection, overQuota: Bool,
        nowMs: Int64, sender: Sender, into actions: inout [StreamAction]
    ) {
        let messageId = messageId(nowMs: nowMs)
        let text = StreamFrames.event(
            pending.event, messageId: messageId, nowMs: nowMs, corpId: sender.corpId,
            unifiedAppId: sender.unifiedAppId, overQuota: overQuota)
        inFlight[messageId] = Delivery(pending: pending, connectionId: connection.id, copy: copy, sentMs: nowMs)
        actions.append(.send(connection.channel, text))
        actions.append(
            .schedule(
                connection.channel.eventLoop, ms: config.ackTimeoutMs,
                .ackDeadline(generation: generation, messageId: messageId)))
    }

    /// Counts one EVENT delivery for the connection and the month; whether it is past the
    /// monthly quota.
    private mutating func countDelivery(nowMs: Int64, connectionId: Int) -> Bool {
        counters.delivered += 1
        connections[connectionId]?.delivered += 1
        roll(nowMs: nowMs)
        monthDelivered += 1
        guard config.monthlyQuota > 0, monthDelivered > config.monthlyQuota else { return false }
        counters.overQuota += 1
        monthOverQuota += 1
        return true
    }

    /// Starts a new month's count when the sandbox clock is in another natural month (Beijing).
    mutating func roll(nowMs: Int64) {
        let p = TimeFormat.parts(ms: nowMs, offsetSeconds: TimeFormat.beijingOffset)
        let key = "\(p.year)-\(TimeFormat.pad(p.month))"
        if key != monthKey {
            monthKey = key
            monthDelivered = 0
            monthOverQuota = 0
        }
    }

    // MARK: Acks and timers

    /// An event ack from connection `id`: consumed, or (LATER, code ≠ 200) redelivered later.
    mutating func acknowledge(
        _ ack: StreamFrames.Ack, from id: Int, loop: any EventLoop,
        into actions: inout [StreamAction]
    ) {
        guard let delivery = inFlight.removeValue(forKey: ack.messageId) else {
            counters.acksUnknown += 1
            return
        }
        if delivery.copy { return }
        if ack.consumes {
            counters.acked += 1
            connections[delivery.connectionId]?.acked += 1
            return
        }
        counters.nacked += 1
        retry(delivery.pending, loop: loop, into: &actions)
    }

    /// The ack deadline of `messageId` passed: if still unanswered, the event is redelivered later.
    mutating func ackDeadline(_ messageId: String, loop: any EventLoop, into actions: inout [StreamAction]) {
        guard let delivery = inFlight.removeValue(forKey: messageId), !delivery.copy else { return }
        counters.timedOut += 1
        retry(delivery.pending, loop: loop, into: &actions)
    }

    /// Waits for the next redelivery of `pending`, or gives it up after the last one.
    private mutating func retry(_ pending: Pending, loop: any EventLoop, into actions: inout [StreamAction]) {
        let index = pending.attempts - 1
        guard index >= 0, index < config.redeliveryMs.count else {
            counters.givenUp += 1
            return
        }
        awaitingRedelivery[pending.event.eventId] = pending
        actions.append(
            .schedule(
                loop, ms: config.redeliveryMs[index],
                .redeliver(generation: generation, eventId: pending.event.eventId)))
    }

    /// The redelivery timer of `eventId` fired.
    mutating func redeliver(_ eventId: String, nowMs: Int64, sender: Sender, into actions: inout [StreamAction]) {
        guard let pending = awaitingRedelivery.removeValue(forKey: eventId) else { return }
        dispatch(pending, nowMs: nowMs, sender: sender, into: &actions)
    }
}
