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
    public var slaDays: Int
    /// Finished within `slaDays` days (duration ≤ slaDays).
    public var withinSLA: Int
    /// withinSLA / finished; nil when nothing finished.
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

/// A node (per template) and the mean time instances spent there.
public struct NodeWait: Sendable, Equatable {
    public var processCode: String
    public var templateName: String
    public var node: String
    /// Instances that reached the node (visits).
    public var visits: Int
    /// Visits still waiting there now.
    public var waitingNow: Int
    public var meanDays: Double?
    public var maxDays: Double?
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
        case sameTitle = "same_title"
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
