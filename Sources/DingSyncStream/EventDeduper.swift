import Foundation

/// The event ids already handled (committed and acked), newest last, bounded: a redelivered
/// event (same `eventId`, reference §11.3) costs nothing. `recent` is what `watch` saves in
/// the state database so that a restart does not process again what it already acked.
public struct EventDeduper: Sendable, Equatable {
    public let capacity: Int
    private var order: [String] = []
    private var known: Set<String> = []

    public init(capacity: Int = 2000, recent: [String] = []) {
        self.capacity = max(1, capacity)
        for id in recent { insert(id) }
    }

    /// Whether `eventId` was handled already.
    public func contains(_ eventId: String) -> Bool { known.contains(eventId) }

    /// Records a handled event; the oldest is forgotten past `capacity`.
    public mutating func insert(_ eventId: String) {
        guard !eventId.isEmpty, known.insert(eventId).inserted else { return }
        order.append(eventId)
        if order.count > capacity {
            let drop = order.count - capacity
            for id in order.prefix(drop) { known.remove(id) }
            order.removeFirst(drop)
        }
    }

    /// The remembered ids, oldest first.
    public var recent: [String] { order }
}
