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
    /// 240 months lists only the months with data.
    public static func monthlyTrend(_ instances: [StatsInstance], options: StatsOptions) -> [MonthStats] {
        let bucketer = MonthBucketer(timeZone: options.timeZone)
        let grouped = Dictionary(grouping: instances) { bucketer.month($0.createTime) }
        let first = options.from.map(bucketer.month) ?? grouped.keys.min()
        let last = options.to.map(bucketer.month) ?? grouped.keys.max()
        var months = grouped.keys.sorted()
        if let first, let last, first <= last {
            let span = (last.year - first.year) * 12 + (last.month - first.month)
            if span < 240 { months = (0...span).map { first.adding(months: $0) } }
        }
        return months.map { month in
            let members = grouped[month] ?? []
            return MonthStats(
                month: month.text, counts: StatusCounts(members), applicants: Set(members.map(\.applicantKey)).count)
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
