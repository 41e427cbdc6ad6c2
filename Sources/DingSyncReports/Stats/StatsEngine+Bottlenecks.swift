import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

extension StatsEngine {
    /// Running instances by how long they have waited at their current node, longest first:
    /// since the earliest creation of their RUNNING tasks (else their last action, else their
    /// creation) until `now`. At most `limit`.
    public static func waitingInstances(_ data: StatsDataset, now: Int64, limit: Int) -> [WaitingInstance] {
        waitingInstances(data.instances, tasks: TaskAggregate(data, now: now), now: now, limit: limit)
    }

    static func waitingInstances(_ instances: [StatsInstance], tasks: TaskAggregate, now: Int64, limit: Int)
        -> [WaitingInstance]
    {
        let rows = instances.filter { $0.outcome == .running }.map { instance in
            let place = currentPlace(instance, running: tasks.running[instance.id] ?? [])
            return WaitingInstance(
                instanceId: instance.id, businessId: instance.businessId, title: instance.title,
                processCode: instance.processCode,
                applicant: instance.applicantLabel, node: place.node,
                approvers: place.approvers.joined(separator: "、"),
                waitingSince: place.since, waitingDays: TaskAggregate.days(now - place.since))
        }
        return Array(
            rows.sorted { ($0.waitingDays, $1.instanceId) > ($1.waitingDays, $0.instanceId) }.prefix(max(limit, 0)))
    }

    /// The node shown for an open instance whose node nothing names.
    public static let unknownNode = "（未知节点）"

    /// Where an open instance waits: its RUNNING tasks' nodes and approvers, since the earliest of
    /// them (else its last action, else its creation).
    static func currentPlace(_ instance: StatsInstance, running: [StatsTask]) -> (
        node: String, approvers: [String], since: Int64
    ) {
        let since = running.compactMap(\.createTime).min() ?? instance.lastActionTime ?? instance.createTime
        let nodes = unique(running.map(\.nodeName).filter { !$0.isEmpty })
        let node =
            nodes.isEmpty
            ? (instance.currentNode.isEmpty ? unknownNode : instance.currentNode) : nodes.joined(separator: "、")
        return (node, unique(running.map(\.userLabel)), since)
    }

    /// Every open instance past its service level (``StatsSLA``) at `now`, or waiting at its node
    /// longer than the node limit (`sla.node_hours`), most overdue first.
    public static func overdue(
        _ data: StatsDataset, sla: StatsSLA, names: [String: String], now: Int64
    ) -> [OverdueInstance] {
        overdue(data.instances, tasks: TaskAggregate(data, now: now), sla: sla, names: names, now: now)
    }

    static func overdue(
        _ instances: [StatsInstance], tasks: TaskAggregate, sla: StatsSLA, names: [String: String], now: Int64
    ) -> [OverdueInstance] {
        instances.compactMap { instance -> OverdueInstance? in
            guard instance.outcome == .running else { return nil }
            let place = currentPlace(instance, running: tasks.running[instance.id] ?? [])
            // past the instance's level or its node's limit (sla.node_hours): the one it passed first
            guard
                let breach = sla.breach(
                    processCode: instance.processCode, createTime: instance.createTime, nodeSince: place.since,
                    now: now)
            else { return nil }
            let age = Double(max(0, now - instance.createTime)) / StatsMath.millisecondsPerHour
            let atNode = Double(max(0, now - place.since)) / StatsMath.millisecondsPerHour
            return OverdueInstance(
                instanceId: instance.id, businessId: instance.businessId, title: instance.title,
                processCode: instance.processCode, templateName: names[instance.processCode] ?? instance.processCode,
                applicant: instance.applicantLabel, department: instance.departmentLabel, node: place.node,
                approvers: place.approvers, createTime: instance.createTime,
                slaHours: sla.hours(for: instance.processCode), ageDays: age / 24,
                overdueDays: breach.excessHours / 24, nodeDays: atNode / 24)
        }.sorted { ($0.overdueDays, $1.instanceId) > ($1.overdueDays, $0.instanceId) }
    }

    /// Nodes (per template): median and p90 days of the finished visits, and apart from them the
    /// visits waiting there now with the longest wait so far. A visit is one instance at one node
    /// (``TaskAggregate``); tasks without a creation time are left out; a task without a node
    /// name counts under "（未命名节点）". Slowest first: by the median of finished visits, then by
    /// the longest current wait. At most `limit`.
    public static func slowNodes(_ data: StatsDataset, names: [String: String], now: Int64, limit: Int) -> [NodeWait] {
        slowNodes(TaskAggregate(data, now: now), names: names, limit: limit)
    }

    static func slowNodes(_ tasks: TaskAggregate, names: [String: String], limit: Int) -> [NodeWait] {
        let rows = tasks.nodes.map { key, sample in
            NodeWait(
                processCode: key.code, templateName: names[key.code] ?? key.code, node: key.node,
                visits: sample.finished.count + sample.waiting.count, finishedVisits: sample.finished.count,
                medianDays: StatsMath.median(sample.finished), p90Days: StatsMath.percentile(sample.finished, 0.9),
                waitingNow: sample.waiting.count, longestWaitingDays: sample.waiting.max())
        }
        return Array(
            rows.sorted {
                ($0.medianDays ?? -1, $0.longestWaitingDays ?? -1, $1.processCode, $1.node) > (
                    $1.medianDays ?? -1, $1.longestWaitingDays ?? -1, $0.processCode, $0.node
                )
            }.prefix(max(limit, 0)))
    }

    /// The distinct non-empty values in first-seen order.
    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
