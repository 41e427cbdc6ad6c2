import DingSyncBasics
import Foundation

/// The period of a digest (SPEC 8): a calendar day or an ISO week (Monday to Sunday) in
/// `sync.timezone`, as `[start, end)` in epoch ms.
public struct DigestPeriod: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case day, week
    }

    public var kind: Kind
    public var start: Int64
    public var end: Int64
    /// `2025-04-14` or `2025-W16`.
    public var label: String

    /// The day or ISO week containing `date` (a moment; its calendar day in `timeZone` counts).
    public static func containing(_ date: Date, kind: Kind, timeZone: TimeZone) -> DigestPeriod {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        switch kind {
        case .day:
            let start = calendar.startOfDay(for: date)
            let end = calendar.date(byAdding: .day, value: 1, to: start) ?? start
            let parts = calendar.dateComponents([.year, .month, .day], from: start)
            let label = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
            return DigestPeriod(kind: .day, start: ms(start), end: ms(end), label: label)
        case .week:
            let interval = calendar.dateInterval(of: .weekOfYear, for: date)
            let start = interval?.start ?? calendar.startOfDay(for: date)
            let end = interval?.end ?? start.addingTimeInterval(7 * 86_400)
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: start)
            let label = String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0)
            return DigestPeriod(kind: .week, start: ms(start), end: ms(end), label: label)
        }
    }

    /// The default period at `now`: yesterday, or the last complete ISO week.
    public static func last(_ kind: Kind, now: Date, timeZone: TimeZone) -> DigestPeriod {
        let current = containing(now, kind: kind, timeZone: timeZone)
        return current.previous(timeZone: timeZone)
    }

    /// The period just before this one.
    public func previous(timeZone: TimeZone) -> DigestPeriod {
        Self.containing(Date(timeIntervalSince1970: Double(start - 1) / 1000), kind: kind, timeZone: timeZone)
    }

    /// Whether the period has not ended at `now` (its figures are "to date").
    public func isRunning(now: Date) -> Bool { Self.ms(now) < end }

    public static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
