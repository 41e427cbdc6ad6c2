/// The Stream part's side of the admin API (`/__admin/stream/*`): connections, drop and
/// disconnect, delivery faults, counters, pending events.
extension StreamGateway {
    /// `GET /__admin/info` `stream`: where to connect, the corp id of the events, the options.
    func infoJSON() -> JSONValue {
        .object([
            ("open_url", .string(address.url + "/v1.0/gateway/connections/open")),
            ("endpoint", .string(endpointURL)), ("event_corp_id", .string(sender.corpId)),
            ("event_unified_app_id", .string(sender.unifiedAppId)), ("ack_timeout_ms", .int(config.ackTimeoutMs)),
            ("redelivery_ms", .array(config.redeliveryMs.map { .int($0) })),
            ("ping_interval_ms", .int(config.pingIntervalMs)), ("disconnect_close_ms", .int(config.disconnectCloseMs)),
            ("monthly_quota", .int(config.monthlyQuota)), ("queue_limit", .int(config.queueLimit)),
            ("ticket_ttl_s", .int(config.ticketTTLMs / 1000)), ("comment_events", .bool(config.commentEvents))
        ])
    }

    /// `GET /__admin/stream/connections`.
    func connectionsJSON() -> JSONValue {
        let items = lock.withLock { () -> [JSONValue] in
            state.connections.values.sorted { $0.id < $1.id }.map { c in
                var b = ObjectBuilder()
                b.set("id", .int(c.id))
                b.set("state", c.disconnectingSinceMs == nil ? "open" : "disconnecting")
                b.set("opened_at", .int(c.openedMs))
                b.set("opened_at_text", TimeFormat.iso(c.openedMs))
                b.set("remote_address", c.remote)
                b.set("ua", c.ua)
                b.set("local_ip", c.localIp)
                b.set("delivered", .int(c.delivered))
                b.set("acked", .int(c.acked))
                b.set("in_flight", .int(state.inFlight.values.filter { $0.connectionId == c.id }.count))
                b.set("pings_sent", .int(c.pingsSent))
                b.set("pings_answered", .int(c.pingsAnswered))
                return b.value
            }
        }
        return .object([("endpoint", .string(endpointURL)), ("connections", .array(items))])
    }

    /// `POST /__admin/stream/drop`: closes `id` (nil: every connection) at once, no close frame.
    func drop(_ id: Int?) throws(AdminError) -> [Int] {
        var actions: [StreamAction] = []
        let ids = try lock.withLockTyped { () throws(AdminError) -> [Int] in
            if let id, state.connections[id] == nil { throw AdminError("connection \(id) not found", status: 404) }
            return state.drop(id.map { [$0] }, into: &actions)
        }
        perform(actions)
        return ids
    }

    /// `POST /__admin/stream/disconnect`: a SYSTEM disconnect to `id` (nil: every connection),
    /// closed `closeAfterMs` later (nil: `--stream-disconnect-close-ms`).
    func disconnect(_ id: Int?, closeAfterMs: Int?) throws(AdminError) -> [Int] {
        let now = clock.nowMs()
        let wait = closeAfterMs ?? config.disconnectCloseMs
        var actions: [StreamAction] = []
        let ids = try lock.withLockTyped { () throws(AdminError) -> [Int] in
            if let id, state.connections[id] == nil { throw AdminError("connection \(id) not found", status: 404) }
            return state.disconnect(id.map { [$0] }, closeAfterMs: wait, nowMs: now, into: &actions)
        }
        perform(actions)
        return ids
    }

    /// `POST /__admin/stream/faults`: the next `count` deliveries are lost (`lose`) or sent
    /// twice (`duplicate`); adds to what is pending. Returns the pending faults.
    func addFault(_ fault: String, count: Int) throws(AdminError) -> JSONValue {
        try lock.withLockTyped { () throws(AdminError) -> JSONValue in
            switch fault {
            case "lose": state.loseNext += count
            case "duplicate": state.duplicateNext += count
            default: throw AdminError("unknown stream fault \(fault): lose or duplicate")
            }
            return faultsLocked()
        }
    }

    /// `GET /__admin/stream/faults`.
    func faultsJSON() -> JSONValue { lock.withLock { faultsLocked() } }

    /// `DELETE /__admin/stream/faults`.
    func clearFaults() {
        lock.withLock {
            state.loseNext = 0
            state.duplicateNext = 0
        }
    }

    private func faultsLocked() -> JSONValue {
        .object([("lose", .int(state.loseNext)), ("duplicate", .int(state.duplicateNext))])
    }

    /// `GET /__admin/stream/counters`: the counts, the gauges, this month's deliveries against
    /// the monthly quota, pending faults.
    func countersJSON() -> JSONValue {
        let now = clock.nowMs()
        return lock.withLock {
            state.roll(nowMs: now)
            let inFlight = state.inFlight.values.filter { !$0.copy }.count
            let monthly = JSONValue.object([
                ("month", .string(state.monthKey)), ("events", .int(state.monthDelivered)),
                ("quota", .int(config.monthlyQuota)),
                (
                    "remaining",
                    config.monthlyQuota > 0 ? .int(max(0, config.monthlyQuota - state.monthDelivered)) : .null
                ),
                ("over_quota", .int(state.monthOverQuota))
            ])
            let counts = state.counters.json(
                queued: state.queue.count, inFlight: inFlight, awaitingRedelivery: state.awaitingRedelivery.count,
                open: state.connections.count)
            return .object(counts + [("monthly", monthly), ("faults", faultsLocked())])
        }
    }

    /// `POST /__admin/stream/counters/reset`: counts and this month's deliveries back to zero
    /// (events, connections and faults stay).
    func resetCounters() {
        lock.withLock {
            state.counters = StreamCounters()
            state.monthDelivered = 0
            state.monthOverQuota = 0
        }
    }

    /// `GET /__admin/stream/events`: events not yet consumed nor given up — queued (no
    /// connection), in flight (awaiting an ack) or awaiting their redelivery.
    func pendingEventsJSON() -> JSONValue {
        func item(_ p: StreamState.Pending, _ stage: String, messageId: String? = nil, connection: Int? = nil)
            -> JSONValue
        {
            var b = ObjectBuilder()
            b.set("event_id", p.event.eventId)
            b.set("event_type", p.event.payload.eventType)
            b.set("type", p.event.payload.type)
            b.set("instance_id", p.event.payload.instanceId)
            b.set("born_at", .int(p.event.bornMs))
            b.set("stage", stage)
            b.set("deliveries", .int(p.attempts))
            b.set("message_id", messageId)
            b.set("connection", connection.map { JSONValue.int($0) })
            return b.value
        }
        return lock.withLock {
            var items = state.queue.map { item($0, "queued") }
            for (messageId, d) in state.inFlight.sorted(by: { ($0.value.sentMs, $0.key) < ($1.value.sentMs, $1.key) })
            where !d.copy {
                items.append(item(d.pending, "in_flight", messageId: messageId, connection: d.connectionId))
            }
            for pending in state.awaitingRedelivery.values.sorted(by: { $0.event.eventId < $1.event.eventId }) {
                items.append(item(pending, "awaiting_redelivery"))
            }
            return .object([("events", .array(items))])
        }
    }
}
