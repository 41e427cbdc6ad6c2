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
    /// `report.sla_days`: the default service level in days (``sla`` is made from it unless a
    /// caller sets a policy of its own).
    public var slaDays = 30 {
        didSet { sla = StatsSLA(hours: Double(slaDays) * 24) }
    }
    /// How many hours an instance of a template may take; every SLA figure asks this.
    public var sla = StatsSLA(hours: 30 * 24)
    /// When the first instance of the whole mirror was created: periods before it have no data
    /// (not 0). Nil = unknown (every period is shown with its counts).
    public var firstMirrored: Int64?
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
        // the `sla:` keys (SPEC 8) when any template has a level; else report.sla_days for every template
        let policy = SLAPolicy(config.sla)
        sla = policy.isEmpty ? StatsSLA(hours: Double(config.report.slaDays) * 24) : StatsSLA(policy: policy)
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

/// The service level of each template: how many hours an instance may take from creation until
/// it is final. An instance open longer, or final after longer, is overdue (a breach).
public struct StatsSLA: Sendable, Equatable {
    /// Hours for templates without their own; nil or ≤ 0 = no service level.
    public var defaultHours: Double?
    /// Hours by process code (≤ 0 = none for that template).
    public var templateHours: [String: Double]

    /// The `sla:` keys (SPEC 8), when they set any level: they answer instead of the hours above.
    public var policy: SLAPolicy?

    public init(hours: Double?, templates: [String: Double] = [:]) {
        defaultHours = hours
        templateHours = templates
    }

    /// The levels of the `sla:` keys (`sla.hours`, `sla.node_hours`, `sla.templates`).
    public init(policy: SLAPolicy) {
        self.init(hours: nil)
        self.policy = policy
    }

    /// The hours of `processCode`, nil when it has no service level.
    public func hours(for processCode: String) -> Double? {
        if let policy { return policy.hours(for: processCode).map(Double.init) }
        guard let hours = templateHours[processCode] ?? defaultHours, hours > 0 else { return nil }
        return hours
    }

    /// How long an instance of `processCode` may wait at one node (`sla.node_hours`), nil: no limit.
    public func nodeHours(for processCode: String) -> Double? {
        policy?.nodeHours(for: processCode).map(Double.init)
    }

    /// Where an open instance of `processCode` stands at `now` (epoch ms): the level it passed
    /// first — the larger excess — of its own (`hours`, counted from `createTime`) and its node's
    /// (`node_hours`, counted from `nodeSince`); nil while it is within both. The one rule behind
    /// the report's overdue list, the overdue notices and the digests.
    public func breach(processCode: String, createTime: Int64, nodeSince: Int64?, now: Int64) -> SLABreach? {
        var candidates: [SLABreach] = []
        if let hours = hours(for: processCode) {
            candidates.append(SLABreach(kind: .total, since: createTime, limitHours: hours, now: now))
        }
        if let hours = nodeHours(for: processCode), let nodeSince {
            candidates.append(SLABreach(kind: .node, since: nodeSince, limitHours: hours, now: now))
        }
        return candidates.filter { now > $0.dueAt }.min { $0.dueAt < $1.dueAt }
    }

    /// The one value every template shares, nil when they differ or none has one.
    public func uniformHours(over codes: [String]) -> Double? {
        let values = Set(codes.map { hours(for: $0) ?? -1 })
        guard values.count == 1, let only = values.first, only > 0 else {
            return codes.isEmpty ? hours(for: "") : nil
        }
        return only
    }
}

/// An open instance past a service level (``StatsSLA/breach(processCode:createTime:nodeSince:now:)``).
public struct SLABreach: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Open longer than `sla.hours` since its creation.
        case total
        /// Waiting longer than `sla.node_hours` at its current node.
        case node
    }

    public var kind: Kind
    /// When it became overdue, epoch ms.
    public var dueAt: Int64
    /// The limit it passed, hours.
    public var limitHours: Double
    /// How long it has waited (since creation for `total`, at the node for `node`), hours.
    public var waitedHours: Double

    init(kind: Kind, since: Int64, limitHours: Double, now: Int64) {
        self.kind = kind
        self.limitHours = limitHours
        dueAt = since + Int64((limitHours * StatsMath.millisecondsPerHour).rounded())
        waitedHours = Double(max(0, now - since)) / StatsMath.millisecondsPerHour
    }

    /// By how much it is past its limit, hours.
    public var excessHours: Double { waitedHours - limitHours }
}
