import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// ``Statistics`` as the JSON of `dingsync stats --format json`: snake_case keys, rates as
/// fractions (4 decimals), days and hours with 2 (amounts 2), times as ISO 8601 in
/// `sync.timezone` plus epoch milliseconds; a figure that does not exist is `null`.
public enum StatsJSON {
    public static func encode(_ s: Statistics) -> JSON {
        let o = s.options
        var members: [(key: String, value: JSON)] = [
            (
                "period",
                .object([
                    ("from", .string(o.from.map { iso($0, o.timeZone) })),
                    ("to", .string(o.to.map { iso($0, o.timeZone) })),
                    ("from_ms", .int(o.from)), ("to_ms", .int(o.to)), ("time_zone", .string(o.timeZone.identifier)),
                    ("template", .string(o.template)), ("has_data", .bool(!s.beforeFirstData))
                ])
            ),
            ("generated_at", .string(iso(o.now, o.timeZone))),
            (
                "settings",
                .object([
                    ("category_field", .string(o.categoryField)), ("top_n", .int(o.topN)), ("sla_days", .int(o.slaDays))
                ])
            ),
            ("overview", overview(s.overview)),
            ("by_department", .array(s.departments.map(group))),
            ("by_category", .array(s.categories.map(group))),
            ("by_template", .array(s.templates.map(group))),
            (
                "monthly",
                .array(
                    s.monthly.map { m in
                        .object(
                            [("month", .string(m.month))] + counts(m.counts)
                                + [
                                    ("applicants", .int(m.applicants)), ("has_data", .bool(m.hasData)),
                                    ("to_date", .bool(m.toDate))
                                ])
                    })
            ),
            (
                "top_applicants",
                .array(
                    s.topApplicants.map { a in
                        .object(
                            [
                                ("rank", .int(a.rank)), ("user_id", .string(a.userId)), ("name", .string(a.name)),
                                ("department", .string(a.department))
                            ]
                                + counts(a.counts) + [("total_amount", .number(a.totalAmount, places: 2))])
                    })
            ),
            ("efficiency", efficiency(s.efficiency)),
            (
                "efficiency_by_template",
                .array(
                    s.efficiencyByTemplate.map { t in
                        .object([
                            ("process_code", .string(t.processCode)), ("name", .string(t.name)),
                            ("efficiency", efficiency(t.efficiency))
                        ])
                    })
            ),
            ("approvers", .array(s.approvers.map(approver))),
            (
                "bottlenecks",
                .object([
                    ("waiting_instances", .array(s.waiting.map { w in waiting(w, o.timeZone) })),
                    ("slow_nodes", .array(s.slowNodes.map(node))),
                    ("overdue", .array(s.overdue.map { overdue($0, o.timeZone) }))
                ])
            ),
            (
                "anomalies",
                .object([
                    ("frequent_revokers", .array(s.frequentRevokers.map(revoker))),
                    ("duplicates", .array(s.duplicates.map { d in duplicate(d, o.timeZone) })),
                    ("slow_instances", .array(s.slowInstances.map(slow)))
                ])
            ),
            ("amounts", .array(s.amounts.map(amounts)))
        ]
        if let detail = s.detailAmounts { members.append((key: "detail_amounts", value: DetailAmounts.json(detail))) }
        return .object(members)
    }

    static func iso(_ milliseconds: Int64, _ zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    static func counts(_ c: StatusCounts) -> [(key: String, value: JSON)] {
        [
            ("created", .int(c.created)), ("approved", .int(c.approved)), ("refused", .int(c.refused)),
            ("revoked", .int(c.revoked)),
            ("cancelled", .int(c.cancelled)), ("running", .int(c.running)), ("other", .int(c.other)),
            ("finished", .int(c.finished)),
            ("pass_rate", .number(c.passRate, places: 4))
        ]
    }

    static func overview(_ o: StatsOverview) -> JSON {
        .object(
            counts(o.counts) + [
                ("applicants", .int(o.applicants)), ("departments", .int(o.departments)),
                ("templates", .int(o.templates)), ("total_amount", .number(o.totalAmount, places: 2))
            ])
    }

    static func group(_ g: GroupStats) -> JSON {
        .object(
            [("rank", .int(g.rank)), ("key", .string(g.key)), ("name", .string(g.name))] + counts(g.counts)
                + [("applicants", .int(g.applicants)), ("total_amount", .number(g.totalAmount, places: 2))])
    }

    static func efficiency(_ e: EfficiencyStats) -> JSON {
        .object([
            ("finished", .int(e.finished)), ("mean_days", .number(e.meanDays, places: 2)),
            ("median_days", .number(e.medianDays, places: 2)),
            ("p90_days", .number(e.p90Days, places: 2)), ("min_days", .number(e.minDays, places: 2)),
            ("max_days", .number(e.maxDays, places: 2)),
            ("sla_hours", .number(e.slaHours, places: 2)), ("sla_finished", .int(e.slaFinished)),
            ("within_sla", .int(e.withinSLA)), ("finished_late", .int(e.finishedLate)),
            ("open_breaches", .int(e.openBreaches)), ("open_within", .int(e.openWithin)),
            ("within_sla_share", .number(e.withinSLAShare, places: 4))
        ])
    }

    static func approver(_ a: ApproverStats) -> JSON {
        .object([
            ("user_id", .string(a.userId)), ("name", .string(a.name)), ("actions", .int(a.actions)),
            ("agreed", .int(a.agreed)),
            ("refused", .int(a.refused)), ("completed_tasks", .int(a.completedTasks)),
            ("mean_hours_to_act", .number(a.meanHoursToAct, places: 2)),
            ("median_hours_to_act", .number(a.medianHoursToAct, places: 2)),
            ("p90_hours_to_act", .number(a.p90HoursToAct, places: 2)), ("pending_tasks", .int(a.pendingTasks))
        ])
    }

    static func waiting(_ w: WaitingInstance, _ zone: TimeZone) -> JSON {
        .object([
            ("instance_id", .string(w.instanceId)), ("business_id", .string(w.businessId)), ("title", .string(w.title)),
            ("process_code", .string(w.processCode)), ("applicant", .string(w.applicant)), ("node", .string(w.node)),
            ("approvers", .string(w.approvers)), ("waiting_since", .string(iso(w.waitingSince, zone))),
            ("waiting_days", .number(w.waitingDays, places: 2))
        ])
    }

    static func node(_ n: NodeWait) -> JSON {
        .object([
            ("process_code", .string(n.processCode)), ("template", .string(n.templateName)), ("node", .string(n.node)),
            ("visits", .int(n.visits)), ("finished_visits", .int(n.finishedVisits)),
            ("median_days", .number(n.medianDays, places: 2)), ("p90_days", .number(n.p90Days, places: 2)),
            ("waiting_now", .int(n.waitingNow)), ("longest_waiting_days", .number(n.longestWaitingDays, places: 2))
        ])
    }

    static func overdue(_ d: OverdueInstance, _ zone: TimeZone) -> JSON {
        .object([
            ("instance_id", .string(d.instanceId)), ("business_id", .string(d.businessId)),
            ("title", .string(d.title)), ("process_code", .string(d.processCode)),
            ("template", .string(d.templateName)), ("applicant", .string(d.applicant)),
            ("department", .string(d.department)), ("node", .string(d.node)),
            ("approvers", .array(d.approvers.map { .string($0) })), ("created", .string(iso(d.createTime, zone))),
            ("sla_hours", .number(d.slaHours, places: 2)), ("age_days", .number(d.ageDays, places: 2)),
            ("overdue_days", .number(d.overdueDays, places: 2)), ("node_days", .number(d.nodeDays, places: 2))
        ])
    }

    static func revoker(_ r: RevocationAnomaly) -> JSON {
        .object([
            ("user_id", .string(r.userId)), ("name", .string(r.name)), ("department", .string(r.department)),
            ("revoked", .int(r.revoked)), ("created", .int(r.created)), ("share", .number(r.share, places: 4))
        ])
    }

    static func duplicate(_ d: DuplicatePair, _ zone: TimeZone) -> JSON {
        .object([
            ("first_instance_id", .string(d.firstId)), ("second_instance_id", .string(d.secondId)),
            ("first_business_id", .string(d.firstBusinessId)), ("second_business_id", .string(d.secondBusinessId)),
            ("first_created", .string(iso(d.firstCreateTime, zone))), ("applicant", .string(d.applicant)),
            ("process_code", .string(d.processCode)), ("title", .string(d.title)),
            ("amount", .number(d.amount, places: 2)), ("dates", .string(d.dates)),
            ("hours_apart", .number(d.hoursApart, places: 2)), ("reason", .string(d.reason.rawValue))
        ])
    }

    static func slow(_ i: SlowInstance) -> JSON {
        .object([
            ("instance_id", .string(i.instanceId)), ("business_id", .string(i.businessId)),
            ("process_code", .string(i.processCode)),
            ("applicant", .string(i.applicant)), ("duration_days", .number(i.durationDays, places: 2)),
            ("template_median_days", .number(i.templateMedianDays, places: 2)), ("factor", .number(i.factor, places: 2))
        ])
    }

    static func amounts(_ a: AmountDistribution) -> JSON {
        .object([
            ("process_code", .string(a.processCode)), ("name", .string(a.name)), ("count", .int(a.count)),
            ("min", .number(a.minimum, places: 2)), ("median", .number(a.median, places: 2)),
            ("p90", .number(a.p90, places: 2)),
            ("max", .number(a.maximum, places: 2)), ("mean", .number(a.mean, places: 2)),
            ("total", .number(a.total, places: 2)),
            (
                "buckets",
                .array(
                    a.buckets.map { b in
                        .object(
                            [("lower", .number(b.lower, places: 2)), ("upper", .number(b.upper, places: 2))]
                                + counts(b.counts)
                                + [("decided_approval_rate", .number(b.decidedApprovalRate, places: 4))])
                    })
            ),
            ("suggested_threshold", .number(a.suggestedThreshold, places: 2)), ("decided_below", .int(a.decidedBelow)),
            ("approved_below", .int(a.approvedBelow)),
            ("approval_rate_below", .number(StatsMath.ratio(a.approvedBelow, a.decidedBelow), places: 4))
        ])
    }
}

/// The value shapes of the stats JSON: optional figures are `null` when absent.
extension JSON {
    /// An optional string: `null` when nil.
    fileprivate static func string(_ value: String?) -> JSON { value.map { .string($0) } ?? .null }
    /// A count.
    fileprivate static func int(_ value: Int) -> JSON { .number(value) }
    /// An optional integer: `null` when nil.
    fileprivate static func int(_ value: Int64?) -> JSON { value.map { .number($0) } ?? .null }
    /// A number rounded to `places` decimals (nil or not finite → `null`).
    fileprivate static func number(_ value: Double?, places: Int) -> JSON {
        StatsMath.rounded(value, places).map { .number($0) } ?? .null
    }
}
