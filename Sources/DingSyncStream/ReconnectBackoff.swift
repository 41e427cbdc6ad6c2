import Foundation

/// The wait before reopening a dropped connection: 1 s doubling to 60 s, plus up to 1 s of
/// jitter (reference §11.5); reset once a frame arrives on the new connection.
public struct ReconnectBackoff: Sendable, Equatable {
    public let initial: TimeInterval
    public let maximum: TimeInterval
    public let maxJitter: TimeInterval
    /// Failed attempts since the last reset.
    public private(set) var attempts = 0

    public init(initial: TimeInterval = 1, maximum: TimeInterval = 60, maxJitter: TimeInterval = 1) {
        self.initial = initial
        self.maximum = maximum
        self.maxJitter = maxJitter
    }

    /// The base delay of the next attempt, without jitter.
    public var nextBase: TimeInterval {
        min(maximum, initial * pow(2, Double(min(attempts, 30))))
    }

    /// The delay before the next attempt (`jitter` in 0...1 picks the share of `maxJitter`) and counts it.
    public mutating func next(jitter: Double = Double.random(in: 0...1)) -> TimeInterval {
        let delay = nextBase + maxJitter * min(1, max(0, jitter))
        attempts += 1
        return delay
    }

    /// A frame arrived: the next drop starts again at `initial`.
    public mutating func reset() { attempts = 0 }
}
