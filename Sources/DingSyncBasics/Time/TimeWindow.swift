import Foundation

/// A creation-time window for one listing query, `start...end` in epoch milliseconds.
public struct TimeWindow: Sendable, Equatable, CustomStringConvertible {
    public var start: Date
    public var end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    public var description: String { "\(start.formatted(.iso8601)) … \(end.formatted(.iso8601))" }

    /// The window cut into consecutive slices of at most `maxSpan` seconds.
    public func slices(maxSpan: TimeInterval) -> [TimeWindow] {
        guard end.timeIntervalSince(start) > maxSpan else { return [self] }
        var result: [TimeWindow] = []
        var cursor = start
        while cursor < end {
            let next = min(cursor.addingTimeInterval(maxSpan), end)
            result.append(TimeWindow(start: cursor, end: next))
            cursor = next
        }
        return result
    }
}

extension TimeWindow {
    /// The longest window one DingTalk listing query accepts (reference §2: 120 days).
    public static let maxListingSpan: TimeInterval = 120 * 86_400
}
