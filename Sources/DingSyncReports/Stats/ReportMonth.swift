import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// A calendar month in `sync.timezone`, as `report --month YYYY-MM` names it.
public struct ReportMonth: Sendable, Hashable {
    public var year: Int
    public var month: Int

    /// Parses `YYYY-MM`; nil when it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 7, parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month), year >= 1970
        else { return nil }
        self.year = year
        self.month = month
    }

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// `2025-04`.
    public var text: String { String(format: "%04d-%02d", year, month) }

    /// This month moved by `months` (negative = earlier).
    public func adding(months: Int) -> ReportMonth {
        let index = year * 12 + (month - 1) + months
        return ReportMonth(year: index / 12, month: index % 12 + 1)
    }

    /// The first millisecond of the month in `timeZone`.
    public func start(in timeZone: TimeZone) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date =
            calendar.date(from: DateComponents(year: year, month: month, day: 1)) ?? Date(timeIntervalSince1970: 0)
        return StatsOptions.milliseconds(date)
    }

    /// The last millisecond of the month in `timeZone`.
    public func end(in timeZone: TimeZone) -> Int64 { adding(months: 1).start(in: timeZone) - 1 }

    /// The month an epoch-millisecond time falls in, in `timeZone`.
    public static func containing(_ milliseconds: Int64, in timeZone: TimeZone) -> ReportMonth {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents(
            [.year, .month], from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        return ReportMonth(year: parts.year ?? 1970, month: parts.month ?? 1)
    }
}

extension ReportMonth: Comparable {
    public static func < (lhs: ReportMonth, rhs: ReportMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }
}
