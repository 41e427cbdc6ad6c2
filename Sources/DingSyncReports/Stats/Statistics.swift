import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Every figure of `dingsync stats` and the report, computed by ``StatsEngine`` from the mirror.
///
/// Rates are fractions (0.75 = 75 %), durations days (hours where named so), times epoch
/// milliseconds. A figure that would divide by zero is nil ("—"), never NaN.
public struct Statistics: Sendable, Equatable {
    public var options: StatsOptions
    public var overview: StatsOverview
    public var departments: [GroupStats]
    public var categories: [GroupStats]
    public var templates: [GroupStats]
    public var monthly: [MonthStats]
    public var topApplicants: [ApplicantStats]
    public var efficiency: EfficiencyStats
    public var efficiencyByTemplate: [TemplateEfficiency]
    public var approvers: [ApproverStats]
    public var waiting: [WaitingInstance]
    public var slowNodes: [NodeWait]
    public var frequentRevokers: [RevocationAnomaly]
    public var duplicates: [DuplicatePair]
    public var slowInstances: [SlowInstance]
    public var amounts: [AmountDistribution]
    /// Every open instance past its service level now, most overdue first (not capped).
    public var overdue: [OverdueInstance] = []
    /// Template names by process code (``StatsEngine/templateNames(_:)``); a code without one is absent.
    public var templateNames: [String: String] = [:]

    /// The whole period ended before the first mirrored instance: its figures are "no data", not 0.
    public var beforeFirstData: Bool {
        guard let first = options.firstMirrored, let end = options.to else { return false }
        return end < first
    }

    /// The template's name, else its code.
    public func templateName(_ code: String) -> String { templateNames[code] ?? code }
    /// Detail-line amounts by a sub-field's value; nil when no detail category field is configured.
    public var detailAmounts: [DetailCategoryAmount]? = nil
}

/// How many instances ended how; `passRate` = approved / finished.
public struct StatusCounts: Sendable, Equatable {
    public var created = 0
    public var approved = 0
    public var refused = 0
    public var revoked = 0
    public var cancelled = 0
    public var running = 0
    public var other = 0

    public init() {}

    init<S: Sequence>(_ instances: S) where S.Element == StatsInstance {
        for instance in instances { add(instance.outcome) }
    }

    mutating func add(_ outcome: StatsOutcome) {
        created += 1
        switch outcome {
        case .approved: approved += 1
        case .refused: refused += 1
        case .revoked: revoked += 1
        case .cancelled: cancelled += 1
        case .running: running += 1
        case .other: other += 1
        }
    }

    /// Every instance no longer running: approved + refused + revoked + cancelled + other.
    public var finished: Int { created - running }
    /// approved / finished; nil when nothing finished.
    public var passRate: Double? { StatsMath.ratio(approved, finished) }
}

/// The 总体概览 figures.
public struct StatsOverview: Sendable, Equatable {
    public var counts: StatusCounts
    /// Distinct applicants (by userid).
    public var applicants: Int
    /// Distinct departments of the applicants' instances.
    public var departments: Int
    public var templates: Int
    /// The sum of the instances' amounts; nil when none has one.
    public var totalAmount: Double?
}

/// One row of "by department", "by category" or "by template".
public struct GroupStats: Sendable, Equatable {
    /// The grouping key: department id, category value, process code.
    public var key: String
    /// What to show: department name, category value, template name (from titles) or code.
    public var name: String
    public var counts: StatusCounts
    public var applicants: Int
    public var totalAmount: Double?
    /// 1 = the most instances; ties share a rank (1, 2, 2, 4).
    public var rank: Int
}

/// One month of the trend, bucketed by creation time in `sync.timezone`.
public struct MonthStats: Sendable, Equatable {
    /// `2025-04`.
    public var month: String
    public var counts: StatusCounts
    /// Distinct applicants who created an instance that month.
    public var applicants: Int
    /// False for a month that ended before the first mirrored instance: no data, not 0.
    public var hasData = true
    /// The month is still running ("to date").
    public var toDate = false
}

/// One row of the top-applicant list.
public struct ApplicantStats: Sendable, Equatable {
    public var rank: Int
    public var userId: String
    public var name: String
    public var department: String
    public var counts: StatusCounts
    public var totalAmount: Double?
}

/// Durations, in days, of finished instances.
public struct EfficiencyStats: Sendable, Equatable {
    /// Finished instances with both times (the sample).
    public var finished: Int
    public var meanDays: Double?
    public var medianDays: Double?
    public var p90Days: Double?
    public var minDays: Double?
    public var maxDays: Double?
    /// The service level in hours when all these instances share one; nil when none or mixed.
    public var slaHours: Double?
    /// Final instances with a service level (the finished part of the SLA sample).
    public var slaFinished = 0
    /// Final within their service level (duration ≤ SLA).
    public var withinSLA: Int
    /// Final, but after their service level.
    public var finishedLate = 0
    /// Still open and already past their service level (breaches, though not final).
    public var openBreaches = 0
    /// Still open and within their service level (not counted either way yet).
    public var openWithin = 0
    /// withinSLA / (slaFinished + openBreaches): open breaches count against the share; nil
    /// when there is nothing to count.
    public var withinSLAShare: Double?
}

/// Efficiency of one template.
public struct TemplateEfficiency: Sendable, Equatable {
    public var processCode: String
    public var name: String
    public var efficiency: EfficiencyStats
}

/// One approver's load.
public struct ApproverStats: Sendable, Equatable {
    public var userId: String
    public var name: String
    /// Their own decisions (EXECUTE_TASK_NORMAL / EXECUTE_TASK_AGENT operation records).
    public var actions: Int
    public var agreed: Int
    public var refused: Int
    /// Completed tasks with both times (the sample of `meanHoursToAct`).
    public var completedTasks: Int
    /// Mean of (task finish − task creation) in hours over completed tasks.
    public var meanHoursToAct: Double?
    /// Tasks waiting for them now (RUNNING).
    public var pendingTasks: Int
    /// Median and p90 of the same hours.
    public var medianHoursToAct: Double?
    public var p90HoursToAct: Double?
}

/// A running instance and how long it has waited at its current node.
public struct WaitingInstance: Sendable, Equatable {
    public var instanceId: String
    public var businessId: String
    public var title: String
    public var processCode: String
    public var applicant: String
    public var node: String
    public var approvers: String
    public var waitingSince: Int64
    public var waitingDays: Double
}

/// A node (per template): how long finished visits took there, apart from the visits stuck
/// there now (a few stuck instances must not make a quick node look slow, nor hide).
public struct NodeWait: Sendable, Equatable {
    public var processCode: String
    public var templateName: String
    public var node: String
    /// Instances that reached the node (visits): finished + waitingNow.
    public var visits: Int
    /// Visits that left the node (every task there final), the sample of the median and p90.
    public var finishedVisits: Int
    /// Median and p90 days of the finished visits.
    public var medianDays: Double?
    public var p90Days: Double?
    /// Visits still waiting there now, and the longest of their waits so far (days).
    public var waitingNow: Int
    public var longestWaitingDays: Double?
}

/// An open instance past its service level now.
public struct OverdueInstance: Sendable, Equatable {
    public var instanceId: String
    public var businessId: String
    public var title: String
    public var processCode: String
    public var templateName: String
    public var applicant: String
    public var department: String
    /// Where it waits and on whom (RUNNING tasks), as in ``WaitingInstance``.
    public var node: String
    public var approvers: [String]
    public var createTime: Int64
    /// The instance's service level in hours (nil when only a node limit applies).
    public var slaHours: Double?
    /// Days since creation, and days past the service level (or past the node limit, if more).
    public var ageDays: Double
    public var overdueDays: Double
    /// Days at the current node.
    public var nodeDays: Double
}

/// An applicant who revoked often.
public struct RevocationAnomaly: Sendable, Equatable {
    public var userId: String
    public var name: String
    public var department: String
    public var revoked: Int
    public var created: Int
    public var share: Double?
}

/// Two submissions that look like the same request sent twice.
public struct DuplicatePair: Sendable, Equatable {
    public enum Reason: String, Sendable {
        case sameAmount = "same_amount"
        /// Leave-type forms whose date ranges overlap.
        case overlappingDates = "overlapping_dates"
    }
    public var firstId: String
    public var secondId: String
    public var firstBusinessId: String
    public var secondBusinessId: String
    /// When the first of the two was created.
    public var firstCreateTime: Int64
    public var applicant: String
    public var processCode: String
    public var title: String
    public var amount: Double?
    /// The two forms' date ranges (overlappingDates).
    public var dates: String = ""
    public var hoursApart: Double
    public var reason: Reason
}

/// A finished instance far slower than its template's norm.
public struct SlowInstance: Sendable, Equatable {
    public var instanceId: String
    public var businessId: String
    public var processCode: String
    public var applicant: String
    public var durationDays: Double
    public var templateMedianDays: Double
    /// durationDays / templateMedianDays; nil when the median is zero.
    public var factor: Double?
}

/// One amount bucket [lower, upper) of a template.
public struct AmountBucket: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var counts: StatusCounts
    /// approved / (approved + refused); nil when none was decided.
    public var decidedApprovalRate: Double? { StatsMath.ratio(counts.approved, counts.approved + counts.refused) }
}

/// Amounts of one template and the suggested threshold below which nearly everything is approved.
public struct AmountDistribution: Sendable, Equatable {
    public var processCode: String
    public var name: String
    /// Instances with a non-negative amount.
    public var count: Int
    public var minimum: Double?
    public var median: Double?
    public var p90: Double?
    public var maximum: Double?
    public var mean: Double?
    public var total: Double?
    public var buckets: [AmountBucket]
    /// The largest bucket bound T such that instances with an amount below T were approved in at
    /// least `thresholdApprovalRate` of `thresholdMinimumSample` or more decided cases; nil if none.
    public var suggestedThreshold: Double?
    /// Decided (approved + refused) instances below the threshold, and how many were approved.
    public var decidedBelow: Int
    public var approvedBelow: Int
}
