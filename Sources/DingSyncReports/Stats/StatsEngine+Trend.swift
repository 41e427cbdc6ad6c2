import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

extension StatsEngine {
    /// Created, approved, refused… and distinct applicants per month of creation, months taken in
    /// `options.timeZone` (an instance created at 2025-05-01 00:30 +08:00 is May, though it is
    /// still April in UTC). Every month from the period's first to its last is listed, empty
    /// months included; an open end is the first or last month with data. A period of more than
    /// 240 months lists only the months with data. A month before the one of the first mirrored
    /// instance (`options.firstMirrored`) has no data (not 0); the month of `now` is "to date".
    public static func monthlyTrend(_ instances: [StatsInstance], options: StatsOptions) -> [MonthStats] {
        let bucketer = MonthBucketer(timeZone: options.timeZone)
        let grouped = Dictionary(grouping: instances) { bucketer.month($0.createTime) }
        return monthlyTrend(
            counts: grouped.mapValues { StatusCounts($0) },
            applicants: grouped.mapValues { Set($0.map(\.applicantKey)).count }, options: options)
    }

    /// ``monthlyTrend(_:options:)`` from counts already bucketed by month.
    static func monthlyTrend(
        counts: [ReportMonth: StatusCounts], applicants: [ReportMonth: Int], options: StatsOptions
    ) -> [MonthStats] {
        let bucketer = MonthBucketer(timeZone: options.timeZone)
        let first = options.from.map(bucketer.month) ?? counts.keys.min()
        let last = options.to.map(bucketer.month) ?? counts.keys.max()
        var months = counts.keys.sorted()
        if let first, let last, first <= last {
            let span = (last.year - first.year) * 12 + (last.month - first.month)
            if span < 240 { months = (0...span).map { first.adding(months: $0) } }
        }
        let firstData = options.firstMirrored.map(bucketer.month)
        let current = bucketer.month(options.now)
        return months.map { month in
            let monthCounts = counts[month] ?? StatusCounts()
            return MonthStats(
                month: month.text, counts: monthCounts, applicants: applicants[month] ?? 0,
                hasData: monthCounts.created > 0 || firstData.map { month >= $0 } ?? true, toDate: month == current)
        }
    }
}

/// Buckets epoch-millisecond times into calendar months of one zone (one calendar, reused).
struct MonthBucketer {
    private let calendar: Calendar

    init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    func month(_ milliseconds: Int64) -> ReportMonth {
        let parts = calendar.dateComponents(
            [.year, .month], from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        return ReportMonth(year: parts.year ?? 1970, month: parts.month ?? 1)
    }
}
