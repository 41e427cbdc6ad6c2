import Foundation

/// The period and the settings a statistics run uses (`sync.timezone`, `report.*`, the anomaly
/// rules). Times are epoch milliseconds.
public struct StatsOptions: Sendable, Equatable {
    /// The zone months are bucketed in (`sync.timezone`), never UTC unless configured so.
    public var timeZone: TimeZone
    /// "Now" for running instances' waits (a parameter, so that tests are deterministic).
    public var now: Int64
    /// First creation time included (nil = open).
    public var from: Int64?
    /// Last creation time included (nil = open).
    public var to: Int64?
    /// Only this template, when the caller filtered on one (shown in the period line).
    public var template: String?
    /// `report.category_field`: the form field for "by category"; empty = no category figures.
    public var categoryField = ""
    /// `report.top_n`: top applicants, waiting instances and slow nodes listed.
    public var topN = 10
    /// `report.sla_days`: the share finished within this many days.
    public var slaDays = 30
    /// An applicant with at least this many revoked instances is listed as an anomaly.
    public var revocationThreshold = 3
    /// Two submissions closer than this are candidates for a duplicate.
    public var duplicateWindowHours = 24.0
    /// A finished instance slower than `slowFactor` × its template's median duration …
    public var slowFactor = 3.0
    /// … and at least this many days slower than that median is listed …
    public var slowMinimumExcessDays = 1.0
    /// … when its template has at least this many finished instances (a norm needs data).
    public var slowMinimumSample = 5
    /// The suggested amount threshold: below it at least this share of the decided instances …
    public var thresholdApprovalRate = 0.95
    /// … out of at least this many decided instances, were approved.
    public var thresholdMinimumSample = 10

    public init(timeZone: TimeZone, now: Int64, from: Int64? = nil, to: Int64? = nil, template: String? = nil) {
        self.timeZone = timeZone
        self.now = now
        self.from = from
        self.to = to
        self.template = template
    }

    /// Options from the configuration's `report.*` keys and zone.
    public init(config: Config, now: Date, from: Date?, to: Date?, template: String?) {
        self.init(timeZone: config.sync.timeZone, now: Self.milliseconds(now),
                  from: from.map(Self.milliseconds), to: to.map(Self.milliseconds), template: template)
        categoryField = config.report.categoryField
        topN = config.report.topN
        slaDays = config.report.slaDays
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

/// A calendar month in `sync.timezone`, as `report --month YYYY-MM` names it.
public struct ReportMonth: Sendable, Hashable {
    public var year: Int
    public var month: Int

    /// Parses `YYYY-MM`; nil when it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 7, parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month), year >= 1970 else { return nil }
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
        let date = calendar.date(from: DateComponents(year: year, month: month, day: 1)) ?? Date(timeIntervalSince1970: 0)
        return StatsOptions.milliseconds(date)
    }

    /// The last millisecond of the month in `timeZone`.
    public func end(in timeZone: TimeZone) -> Int64 { adding(months: 1).start(in: timeZone) - 1 }

    /// The month an epoch-millisecond time falls in, in `timeZone`.
    public static func containing(_ milliseconds: Int64, in timeZone: TimeZone) -> ReportMonth {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month], from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        return ReportMonth(year: parts.year ?? 1970, month: parts.month ?? 1)
    }
}

extension ReportMonth: Comparable {
    public static func < (lhs: ReportMonth, rhs: ReportMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }
}
