import Foundation

/// What `watch` did since its last summary line (SPEC 7): events received, processed, ignored and
/// redelivered, rows written, detail calls, and the latency from an event's birth to its commit.
public struct WatchStats: Sendable, Equatable {
    public var received = 0
    public var processed = 0
    public var ignored = 0
    public var redelivered = 0
    public var rowsWritten = 0
    public var detailCalls = 0
    public var reconnects = 0
    /// Seconds from `eventBornTime` to the commit, one per processed event that had a birth time.
    public var latencies: [TimeInterval] = []

    public init() {}

    /// The value below which `fraction` of `values` lie (nearest rank); nil for none.
    public static func percentile(_ values: [TimeInterval], _ fraction: Double) -> TimeInterval? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    public var medianLatency: TimeInterval? { Self.percentile(latencies, 0.5) }
    public var p95Latency: TimeInterval? { Self.percentile(latencies, 0.95) }

    /// The summary line, e.g. "watch: last 60 min: 12 events received, 9 processed, 2 ignored,
    /// 1 redelivered; 14 rows written, 7 detail calls; latency median 1.4 s, p95 2.9 s; 0 reconnects".
    public func line(minutes: Int) -> String {
        let latency: String
        if let median = medianLatency, let p95 = p95Latency {
            latency = "latency median \(Self.seconds(median)), p95 \(Self.seconds(p95))"
        } else {
            latency = "latency n/a (no event committed)"
        }
        return "watch: last \(minutes) min: \(received) events received, \(processed) processed, \(ignored) ignored, "
            + "\(redelivered) redelivered; \(rowsWritten) rows written, \(detailCalls) detail calls; \(latency); "
            + "\(reconnects) reconnects"
    }

    static func seconds(_ value: TimeInterval) -> String {
        String(format: "%.1f s", max(0, value))
    }
}
