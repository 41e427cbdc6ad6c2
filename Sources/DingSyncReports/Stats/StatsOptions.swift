import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
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
        self.init(
            timeZone: config.sync.timeZone, now: Self.milliseconds(now),
            from: from.map(Self.milliseconds), to: to.map(Self.milliseconds), template: template)
        categoryField = config.report.categoryField
        topN = config.report.topN
        slaDays = config.report.slaDays
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
