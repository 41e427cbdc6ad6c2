import NIOConcurrencyHelpers

/// The faults to come: pending injections by endpoint and the random-fault draws.
///
/// Injections come from `/__admin/faults`; the draws serve the error, throttle and timeout
/// rates. Behind their own lock.
final class FaultInjector: @unchecked Sendable {
    private let lock = NIOLock()
    private let seed: UInt64
    private var injections: [Injection] = []
    private var nextId = 1
    private var rng: SplitMix64

    init(seed: UInt64) {
        self.seed = seed
        rng = FaultInjector.generator(seed)
    }

    private static func generator(_ seed: UInt64) -> SplitMix64 { SplitMix64(seed: seed ^ 0xFA17_0000_0000_0006) }

    /// The fault the first pending injection matching `endpoint` holds, used up by one call.
    func take(for endpoint: Endpoint) -> FaultKind? {
        lock.withLock {
            guard let index = injections.firstIndex(where: { $0.remaining > 0 && $0.matches(endpoint) }) else {
                return nil
            }
            let fault = injections[index].fault
            injections[index].remaining -= 1
            if injections[index].remaining <= 0 { injections.remove(at: index) }
            return fault
        }
    }

    /// Queues `fault` for the next `count` calls matching `pattern`; returns the injection's id.
    func add(pattern: String, count: Int, fault: FaultKind, json: JSONValue) -> Int {
        lock.withLock {
            let id = nextId
            nextId += 1
            injections.append(Injection(id: id, pattern: pattern, remaining: count, fault: fault, json: json))
            return id
        }
    }

    /// The pending injections as the admin API lists them.
    func pendingJSON() -> JSONValue {
        lock.withLock {
            .array(
                injections.map { inj in inj.json.setting("id", .int(inj.id)).setting("remaining", .int(inj.remaining)) }
            )
        }
    }

    /// Drops every pending injection (`DELETE /__admin/faults`).
    func clear() {
        lock.withLock { injections = [] }
    }

    /// One random draw: true with probability `rate` (call only when `rate > 0`).
    func roll(_ rate: Double) -> Bool {
        lock.withLock { rng.chance(rate) }
    }

    /// Nothing pending, ids and random draws from the start (admin reset).
    func reset() {
        lock.withLock {
            injections = []
            nextId = 1
            rng = FaultInjector.generator(seed)
        }
    }
}
