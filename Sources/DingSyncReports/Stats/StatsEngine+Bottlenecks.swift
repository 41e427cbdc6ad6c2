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
        let tasks = Dictionary(grouping: data.tasks, by: \.instanceId)
        let rows = data.instances.filter { $0.outcome == .running }.map { instance in
            let running = (tasks[instance.id] ?? []).filter { $0.status.uppercased() == "RUNNING" }
            let since = running.compactMap(\.createTime).min() ?? instance.lastActionTime ?? instance.createTime
            let nodes = unique(running.map(\.nodeName).filter { !$0.isEmpty })
            let node =
                nodes.isEmpty
                ? (instance.currentNode.isEmpty ? "（未知节点）" : instance.currentNode) : nodes.joined(separator: "、")
            return WaitingInstance(
                instanceId: instance.id, businessId: instance.businessId, title: instance.title,
                processCode: instance.processCode,
                applicant: instance.applicantLabel, node: node,
                approvers: unique(running.map(\.userLabel)).joined(separator: "、"),
                waitingSince: since, waitingDays: Double(max(0, now - since)) / StatsMath.millisecondsPerDay)
        }
        return Array(
            rows.sorted { ($0.waitingDays, $1.instanceId) > ($1.waitingDays, $0.instanceId) }.prefix(max(limit, 0)))
    }

    /// Nodes (per template) by the mean time instances spent there, longest first. A visit is one
    /// instance at one node: from the earliest creation of its tasks there to the latest finish,
    /// or to `now` while one of them is RUNNING. Tasks without a creation time are left out; a
    /// task without a node name counts under "（未命名节点）". At most `limit`.
    public static func slowNodes(_ data: StatsDataset, names: [String: String], now: Int64, limit: Int) -> [NodeWait] {
        let codes = Dictionary(data.instances.map { ($0.id, $0.processCode) }, uniquingKeysWith: { first, _ in first })
        struct VisitKey: Hashable {
            var instance: String
            var node: String
        }
        struct NodeKey: Hashable {
            var code: String
            var node: String
        }
        var visits: [VisitKey: [StatsTask]] = [:]
        for task in data.tasks where task.createTime != nil && codes[task.instanceId] != nil {
            visits[
                VisitKey(instance: task.instanceId, node: task.nodeName.isEmpty ? "（未命名节点）" : task.nodeName),
                default: []
            ].append(task)
        }
        var waits: [NodeKey: (days: [Double], waiting: Int)] = [:]
        for (key, tasks) in visits {
            let start = tasks.compactMap(\.createTime).min() ?? now
            let waiting = tasks.contains { $0.status.uppercased() == "RUNNING" }
            guard let end = waiting ? now : tasks.compactMap(\.finishTime).max() else { continue }
            let node = NodeKey(code: codes[key.instance] ?? "", node: key.node)
            waits[node, default: ([], 0)].days.append(Double(max(0, end - start)) / StatsMath.millisecondsPerDay)
            if waiting { waits[node, default: ([], 0)].waiting += 1 }
        }
        let rows = waits.map { key, value in
            NodeWait(
                processCode: key.code, templateName: names[key.code] ?? key.code, node: key.node,
                visits: value.days.count,
                waitingNow: value.waiting, meanDays: StatsMath.mean(value.days), maxDays: value.days.max())
        }
        return Array(
            rows.sorted {
                ($0.meanDays ?? 0, $1.processCode, $1.node) > ($1.meanDays ?? 0, $0.processCode, $0.node)
            }.prefix(max(limit, 0)))
    }

    /// The distinct non-empty values in first-seen order.
    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
