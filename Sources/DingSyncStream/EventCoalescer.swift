import Foundation

/// Events waiting for their instance's detail read: events of one instance within the window
/// (`stream.coalesce_ms`) share one read. A batch is due `window` after its first event; every
/// instance waiting then goes into it (one lock, one batch write). Pure: the caller gives the time.
public struct EventCoalescer: Sendable {
    public let window: TimeInterval
    /// Events per instance id, in arrival order of the instances.
    private var waiting: [String: [ApprovalEvent]] = [:]
    private var order: [String] = []
    /// When each waiting instance's first and latest events arrived.
    private var arrivals: [String: (first: Date, last: Date)] = [:]

    public init(window: TimeInterval) {
        self.window = max(0, window)
    }

    /// Adds an event. Returns false when an event with the same id is already waiting (a
    /// redelivery before the first copy was committed): its message id is kept, so both are acked.
    @discardableResult
    public mutating func add(_ event: ApprovalEvent, at now: Date) -> Bool {
        let id = event.processInstanceId
        let duplicate = waiting[id]?.contains { $0.eventId == event.eventId } ?? false
        if waiting[id] == nil { order.append(id) }
        waiting[id, default: []].append(event)
        arrivals[id] = (first: arrivals[id]?.first ?? now, last: now)
        return !duplicate
    }

    /// Whether an event with this id is waiting.
    public func isWaiting(eventId: String) -> Bool {
        waiting.values.contains { $0.contains { $0.eventId == eventId } }
    }

    public var isEmpty: Bool { order.isEmpty }

    /// Instances waiting.
    public var instanceCount: Int { order.count }

    /// When the waiting batch is due (nil when nothing waits).
    public var deadline: Date? { arrivals.values.map(\.first).min().map { $0.addingTimeInterval(window) } }

    /// Whether the batch is due at `now`.
    public func isDue(at now: Date) -> Bool {
        guard let deadline else { return false }
        return now >= deadline
    }

    /// Takes every waiting instance with its events, in arrival order, and empties the coalescer.
    public mutating func take() -> [(instanceId: String, events: [ApprovalEvent])] {
        take(settledBy: .distantFuture)
    }

    /// Takes the waiting instances whose latest event arrived at `settled` or before, in arrival
    /// order; an instance whose events are still arriving (one change of DingTalk's comes as
    /// several events, a few milliseconds apart) waits for the next batch, so that it is read
    /// once, after all of them.
    public mutating func take(settledBy settled: Date) -> [(instanceId: String, events: [ApprovalEvent])] {
        let ready = order.filter { (arrivals[$0]?.last ?? .distantPast) <= settled }
        let batch = ready.map { (instanceId: $0, events: waiting[$0] ?? []) }
        for id in ready {
            waiting[id] = nil
            arrivals[id] = nil
        }
        order.removeAll { waiting[$0] == nil }
        return batch
    }
}
