/// What the Stream gateway counts (`GET /__admin/stream/counters`).
///
/// Events: `generated` (made from instance changes), `delivered` (EVENT frames pushed, every
/// redelivery and duplicate included, and the lost ones, which count as delivered), `acked`
/// (consumed by an ack), `nacked` (answered `LATER` or a code other than 200), `timed_out` (no
/// ack in time), `redelivered`, `lost` and `duplicated` (the faults), `given_up` (no
/// redelivery left), `dropped` (no connection and the queue full), `over_quota` (pushed
/// without content past the monthly quota).
struct StreamCounters: Sendable {
    var generated = 0
    var delivered = 0
    var acked = 0
    var nacked = 0
    var timedOut = 0
    var redelivered = 0
    var lost = 0
    var duplicated = 0
    var givenUp = 0
    var dropped = 0
    var overQuota = 0
    /// Ack frames whose messageId was not (or no longer) awaited: late, repeated or unknown.
    var acksUnknown = 0
    /// Client text frames that are not acks (not JSON, no `code` or `headers.messageId`), and
    /// binary frames.
    var badFrames = 0
    var connectionsOpened = 0
    var connectionsClosed = 0
    var ticketsIssued = 0
    /// `connections/open` with wrong credentials (401 authFailed).
    var authFailed = 0
    /// Handshakes refused (missing, unknown, used or expired ticket; not a WebSocket upgrade).
    var handshakesRefused = 0
    var pingsSent = 0
    /// Pings answered with code 200 and the same `opaque`.
    var pingsAnswered = 0
    var disconnectsSent = 0

    /// The counts, with the gauges the state knows.
    func json(queued: Int, inFlight: Int, awaitingRedelivery: Int, open: Int) -> [(String, JSONValue)] {
        [
            ("generated", .int(generated)), ("delivered", .int(delivered)), ("acked", .int(acked)),
            ("nacked", .int(nacked)), ("timed_out", .int(timedOut)), ("redelivered", .int(redelivered)),
            ("lost", .int(lost)), ("duplicated", .int(duplicated)), ("given_up", .int(givenUp)),
            ("dropped", .int(dropped)), ("over_quota", .int(overQuota)),
            ("pending", .int(queued + inFlight + awaitingRedelivery)), ("queued", .int(queued)),
            ("in_flight", .int(inFlight)), ("awaiting_redelivery", .int(awaitingRedelivery)),
            ("acks_unknown", .int(acksUnknown)), ("bad_frames", .int(badFrames)),
            (
                "connections",
                .object([
                    ("open", .int(open)), ("opened", .int(connectionsOpened)), ("closed", .int(connectionsClosed)),
                    ("tickets_issued", .int(ticketsIssued)), ("auth_failed", .int(authFailed)),
                    ("handshakes_refused", .int(handshakesRefused))
                ])
            ),
            (
                "system",
                .object([
                    ("pings_sent", .int(pingsSent)), ("pings_answered", .int(pingsAnswered)),
                    ("disconnects_sent", .int(disconnectsSent))
                ])
            )
        ]
    }
}
