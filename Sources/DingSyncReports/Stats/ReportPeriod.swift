import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// An ISO 8601 week (Monday to Sunday; week 1 holds the year's first Thursday) in
/// `sync.timezone`, as `report --week YYYY-Www` names it.
public struct ReportWeek: Sendable, Hashable {
    public var year: Int
    public var week: Int

    /// Parses `YYYY-Www` (e.g. `2025-W17`); nil when it is not one or the year has no such week.
    public init?(_ text: String) {
        let parts = text.uppercased().split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 8, parts.count == 2, parts[0].count == 4, parts[1].count == 3, parts[1].hasPrefix("W"),
            let year = Int(parts[0]), let week = Int(parts[1].dropFirst()), year >= 1970, week >= 1,
            week <= Self.weeks(in: year)
        else { return nil }
        self.year = year
        self.week = week
    }

    public init(year: Int, week: Int) {
        self.year = year
        self.week = week
    }

    /// `2025-W17`.
    public var text: String { String(format: "%04d-W%02d", year, week) }

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        return calendar
    }

    /// 52 or 53: a year has 53 ISO weeks when 28 December falls in week 53.
    static func weeks(in year: Int) -> Int {
        let calendar = calendar(TimeZone(identifier: "UTC")!)
        guard let date = calendar.date(from: DateComponents(year: year, month: 12, day: 28)) else { return 52 }
        return calendar.component(.weekOfYear, from: date)
    }

    /// The first millisecond of the week's Monday in `timeZone`.
    public func start(in timeZone: TimeZone) -> Int64 {
        let calendar = Self.calendar(timeZone)
        let date =
            calendar.date(from: DateComponents(weekday: 2, weekOfYear: week, yearForWeekOfYear: year))
            ?? Date(timeIntervalSince1970: 0)
        return StatsOptions.milliseconds(date)
    }

    /// The last millisecond of the week's Sunday in `timeZone`.
    public func end(in timeZone: TimeZone) -> Int64 {
        let calendar = Self.calendar(timeZone)
        let start = Date(timeIntervalSince1970: Double(start(in: timeZone)) / 1000)
        let next = calendar.date(byAdding: .day, value: 7, to: start) ?? start.addingTimeInterval(7 * 86_400)
        return StatsOptions.milliseconds(next) - 1
    }
}

/// The period of a report: a calendar month or an ISO week.
public enum ReportPeriod: Sendable, Hashable {
    case month(ReportMonth)
    case week(ReportWeek)

    /// `2025-04` or `2025-W17`.
    public var text: String {
        switch self {
        case .month(let month): return month.text
        case .week(let week): return week.text
        }
    }

    /// 月报 or 周报.
    public var kind: String {
        if case .week = self { return "周报" }
        return "月报"
    }

    /// 本月 or 本周.
    var this: String {
        if case .week = self { return "本周" }
        return "本月"
    }

    public func start(in timeZone: TimeZone) -> Int64 {
        switch self {
        case .month(let month): return month.start(in: timeZone)
        case .week(let week): return week.start(in: timeZone)
        }
    }

    public func end(in timeZone: TimeZone) -> Int64 {
        switch self {
        case .month(let month): return month.end(in: timeZone)
        case .week(let week): return week.end(in: timeZone)
        }
    }

    /// The month the trend ends with: the month of the period's last day.
    public func trendMonth(in timeZone: TimeZone) -> ReportMonth {
        switch self {
        case .month(let month): return month
        case .week: return ReportMonth.containing(end(in: timeZone), in: timeZone)
        }
    }
}
