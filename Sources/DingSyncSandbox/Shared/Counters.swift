import NIOConcurrencyHelpers

/// One endpoint's calls as `/__admin/counters` shows them.
struct EndpointStats: Sendable {
    var calls = 0
    var ok = 0
    var errors = 0
    var throttled = 0
    var inFlight = 0
    var maxConcurrency = 0
}

/// Answers sent by the `trickle` fault: begun, still sending, sent to the end, abandoned
/// because the client closed the connection.
struct TrickleStats: Sendable {
    var started = 0
    var active = 0
    var completed = 0
    var abandoned = 0

    func json() -> JSONValue {
        .object([
            ("started", .int(started)), ("active", .int(active)), ("completed", .int(completed)),
            ("abandoned", .int(abandoned))
        ])
    }
}

/// Per-endpoint call statistics and the `trickle` answers, behind their own lock.
final class Counters: @unchecked Sendable {
    private let lock = NIOLock()
    private var endpoints: [String: EndpointStats] = [:]
    private var trickles = TrickleStats()

    /// A call to `endpoint` arrives: counted and in flight.
    func begin(_ endpoint: Endpoint) {
        lock.withLock {
            var stats = endpoints[endpoint.rawValue, default: EndpointStats()]
            stats.calls += 1
            stats.inFlight += 1
            stats.maxConcurrency = max(stats.maxConcurrency, stats.inFlight)
            endpoints[endpoint.rawValue] = stats
        }
    }

    /// The call's answer is decided: an error (`failed`), throttled or not.
    func decide(_ endpoint: Endpoint, failed: Bool, throttled: Bool) {
        lock.withLock {
            var stats = endpoints[endpoint.rawValue, default: EndpointStats()]
            if throttled { stats.throttled += 1 }
            if failed { stats.errors += 1 } else { stats.ok += 1 }
            endpoints[endpoint.rawValue] = stats
        }
    }

    /// The call's answer is being written: no longer in flight.
    func leave(_ endpoint: Endpoint) {
        lock.withLock {
            // (After an admin reset the counters are new: never below zero.)
            if let current = endpoints[endpoint.rawValue]?.inFlight {
                endpoints[endpoint.rawValue]?.inFlight = max(0, current - 1)
            }
        }
    }

    /// A `trickle` answer begins.
    func trickleStarted() {
        lock.withLock {
            trickles.started += 1
            trickles.active += 1
        }
    }

    /// A `trickle` answer ended: sent to the end (`completed`) or abandoned.
    func trickleEnded(completed: Bool) {
        lock.withLock {
            trickles.active = max(0, trickles.active - 1)
            if completed { trickles.completed += 1 } else { trickles.abandoned += 1 }
        }
    }

    /// `POST /__admin/counters/reset`: the counts start again; calls in flight stay counted.
    func resetCounts() {
        lock.withLock {
            for key in endpoints.keys {
                let inFlight = endpoints[key]?.inFlight ?? 0
                endpoints[key] = EndpointStats(inFlight: inFlight)
            }
            trickles = TrickleStats(active: trickles.active)
        }
    }

    /// Everything forgotten (admin reset).
    func reset() {
        lock.withLock {
            endpoints = [:]
            trickles = TrickleStats()
        }
    }

    /// `counters.endpoints`: per endpoint name, sorted.
    func endpointsJSON() -> JSONValue {
        lock.withLock {
            .object(
                endpoints.keys.sorted().compactMap { key -> (String, JSONValue)? in
                    guard let s = endpoints[key] else { return nil }
                    return (
                        key,
                        .object([
                            ("calls", .int(s.calls)), ("ok", .int(s.ok)), ("errors", .int(s.errors)),
                            ("throttled", .int(s.throttled)), ("in_flight", .int(s.inFlight)),
                            ("max_concurrency", .int(s.maxConcurrency))
                        ])
                    )
                })
        }
    }

    /// `counters.trickles`.
    func tricklesJSON() -> JSONValue { lock.withLock { trickles.json() } }
}
