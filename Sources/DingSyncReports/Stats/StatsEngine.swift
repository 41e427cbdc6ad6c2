import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Pure functions from mirrored records to ``Statistics``: no database, no clock, no I/O,
/// so that every figure is tested on hand-built fixtures.
public enum StatsEngine {
    /// Every figure over `data` (already limited to the period and template by the caller).
    /// `names` are template names known beyond the period (the whole mirror's titles), preferred
    /// over those of the period's titles; `open` are the open instances (and their tasks) for the
    /// overdue list, the period's own when nil.
    public static func compute(
        _ data: StatsDataset, options: StatsOptions, names: [String: String] = [:], open: StatsDataset? = nil
    ) -> Statistics {
        let tasks = TaskAggregate(data, now: options.now)
        let openTasks = open.map { TaskAggregate($0, now: options.now) }
        return compute(
            instances: data.instances, tasks: tasks, tallies: ActionTally.of(data.actions), options: options,
            names: names, open: open.map { ($0.instances, openTasks ?? tasks) })
    }

    /// Every figure from instances, their tasks already aggregated, and the approvers' decisions
    /// already counted (the store's streaming path; ``compute(_:options:names:open:)`` for lists).
    public static func compute(
        instances: [StatsInstance], tasks: TaskAggregate, tallies: [ActionTally], options: StatsOptions,
        names mirrorNames: [String: String] = [:], open: ([StatsInstance], TaskAggregate)? = nil
    ) -> Statistics {
        let names = templateNames(instances).merging(mirrorNames) { _, mirror in mirror }
        let openInstances = open?.0 ?? instances.filter { $0.outcome == .running }
        return Statistics(
            options: options,
            overview: overview(instances),
            departments: departments(instances),
            categories: options.categoryField.isEmpty ? [] : categories(instances),
            templates: templates(instances, names: names),
            monthly: monthlyTrend(instances, options: options),
            topApplicants: topApplicants(instances, limit: options.topN),
            efficiency: efficiency(instances, sla: options.sla, now: options.now),
            efficiencyByTemplate: efficiencyByTemplate(instances, names: names, sla: options.sla, now: options.now),
            approvers: approverLoad(tallies, tasks: tasks),
            waiting: waitingInstances(instances, tasks: tasks, now: options.now, limit: options.topN),
            slowNodes: slowNodes(tasks, names: names, limit: options.topN),
            frequentRevokers: frequentRevokers(instances, threshold: options.revocationThreshold),
            duplicates: duplicates(instances, windowHours: options.duplicateWindowHours),
            slowInstances: slowInstances(instances, options: options),
            amounts: amountDistributions(instances, names: names, options: options),
            overdue: overdue(openInstances, tasks: open?.1 ?? tasks, sla: options.sla, names: names, now: options.now),
            templateNames: names
        )
    }

    /// Counts by outcome, distinct applicants, departments and templates, total amount.
    public static func overview(_ instances: [StatsInstance]) -> StatsOverview {
        StatsOverview(
            counts: StatusCounts(instances),
            applicants: Set(instances.map(\.applicantKey)).count,
            departments: Set(instances.map(\.departmentLabel)).count,
            templates: Set(instances.map(\.processCode)).count,
            totalAmount: StatsMath.total(instances.map(\.amount)))
    }

    /// By department (name, else id), most instances first, ranked.
    public static func departments(_ instances: [StatsInstance]) -> [GroupStats] {
        groups(instances, key: \.departmentLabel) { $0.departmentLabel }
    }

    /// By the category form field's value; instances without it under "（未填写）".
    public static func categories(_ instances: [StatsInstance]) -> [GroupStats] {
        groups(instances, key: { categoryLabel($0) }) { categoryLabel($0) }
    }

    /// By template (process code), named from the instances' titles.
    public static func templates(_ instances: [StatsInstance], names: [String: String]) -> [GroupStats] {
        groups(instances, key: \.processCode) { names[$0.processCode] ?? $0.processCode }
    }

    static func categoryLabel(_ instance: StatsInstance) -> String {
        let value = instance.category?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return value.isEmpty ? "（未填写）" : value
    }

    static func groups(
        _ instances: [StatsInstance], key: (StatsInstance) -> String,
        name: (StatsInstance) -> String
    ) -> [GroupStats] {
        let grouped = Dictionary(grouping: instances, by: key)
        let rows = grouped.map { key, members in
            GroupStats(
                key: key, name: members.first.map(name) ?? key, counts: StatusCounts(members),
                applicants: Set(members.map(\.applicantKey)).count,
                totalAmount: StatsMath.total(members.map(\.amount)), rank: 0)
        }.sorted { ($0.counts.created, $1.name) > ($1.counts.created, $0.name) }
        return ranked(rows, by: \.counts.created) { row, rank in row.rank = rank }
    }

    /// Standard competition ranking over an already sorted list: equal values share a rank,
    /// and the next rank skips (1, 2, 2, 4).
    static func ranked<T>(_ rows: [T], by value: (T) -> Int, set: (inout T, Int) -> Void) -> [T] {
        var result = rows
        var previous: (value: Int, rank: Int)?
        for index in result.indices {
            let current = value(result[index])
            let rank = previous.map { $0.value == current ? $0.rank : index + 1 } ?? 1
            set(&result[index], rank)
            previous = (current, rank)
        }
        return result
    }

    /// The top `limit` applicants by instances created, then approved, then name.
    public static func topApplicants(_ instances: [StatsInstance], limit: Int) -> [ApplicantStats] {
        let rows = Dictionary(grouping: instances, by: \.applicantKey).map { key, members in
            ApplicantStats(
                rank: 0, userId: key, name: members[0].applicantLabel, department: members[0].departmentLabel,
                counts: StatusCounts(members), totalAmount: StatsMath.total(members.map(\.amount)))
        }.sorted {
            ($0.counts.created, $0.counts.approved, $1.name, $1.userId) > (
                $1.counts.created, $1.counts.approved, $0.name, $0.userId
            )
        }
        return Array(ranked(rows, by: \.counts.created) { row, rank in row.rank = rank }.prefix(max(limit, 0)))
    }

    /// A template's name: the most common title suffix after "提交的" (DingTalk's default titles
    /// read "王小明提交的请假申请"), else the process code (absent from the result).
    public static func templateNames(_ instances: [StatsInstance]) -> [String: String] {
        TemplateNaming.names(instances.map { ($0.processCode, $0.title) })
    }

    /// ``templateNames(_:)`` over counted titles (code, title, how many), as SQL groups them; the
    /// suffix is ``TemplateNaming/suffix(of:)``, the rule of the main table's `template_name`.
    public static func templateNames<S: Sequence>(titles: S) -> [String: String]
    where S.Element == (String, String, Int) {
        var tallies: [String: [String: Int]] = [:]
        for (code, title, count) in titles {
            guard let suffix = TemplateNaming.suffix(of: title) else { continue }
            tallies[code, default: [:]][suffix, default: 0] += count
        }
        return tallies.compactMapValues { tally in
            tally.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        }
    }
}
