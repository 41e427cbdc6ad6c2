import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// One approver's own decisions (EXECUTE_TASK_NORMAL/AGENT operation records), counted once per
/// user, so that the records need not be held in memory (the store counts them in SQL).
public struct ActionTally: Sendable, Equatable {
    public var userKey: String
    public var name: String
    public var actions: Int
    public var agreed: Int
    public var refused: Int

    public init(userKey: String, name: String, actions: Int = 0, agreed: Int = 0, refused: Int = 0) {
        self.userKey = userKey
        self.name = name
        self.actions = actions
        self.agreed = agreed
        self.refused = refused
    }

    /// The tallies of a list of records (the in-memory path of tests and small mirrors).
    public static func of(_ actions: [StatsAction]) -> [ActionTally] {
        var rows: [String: ActionTally] = [:]
        for action in actions where action.isApproverAction && !action.userKey.isEmpty {
            var row = rows[action.userKey] ?? ActionTally(userKey: action.userKey, name: action.userLabel)
            row.actions += 1
            switch action.result.uppercased() {
            case "AGREE": row.agreed += 1
            case "REFUSE": row.refused += 1
            default: break
            }
            rows[action.userKey] = row
        }
        return Array(rows.values)
    }
}

/// Everything the figures need from the tasks, gathered one task at a time (tasks of one instance
/// arrive together), so that the store can stream them instead of holding every task: approvers'
/// hours to act and pending tasks, the visits of each node, and the RUNNING tasks of open instances.
public struct TaskAggregate: Sendable {
    struct NodeKey: Hashable, Sendable {
        var code: String
        var node: String
    }
    struct NodeSample: Sendable {
        var finished: [Double] = []
        var waiting: [Double] = []
    }

    let now: Int64
    /// Completed-task hours by approver key, and their display names.
    private(set) var hours: [String: [Double]] = [:]
    private(set) var names: [String: String] = [:]
    private(set) var pending: [String: Int] = [:]
    /// RUNNING tasks by instance.
    private(set) var running: [String: [StatsTask]] = [:]
    private(set) var nodes: [NodeKey: NodeSample] = [:]
    private var current: (instance: String, code: String)?
    private var buffer: [StatsTask] = []

    public init(now: Int64) { self.now = now }

    /// The tasks of `data`, by instance (an instance's tasks in their order).
    public init(_ data: StatsDataset, now: Int64) {
        self.init(now: now)
        let codes = Dictionary(data.instances.map { ($0.id, $0.processCode) }, uniquingKeysWith: { first, _ in first })
        var order: [String] = []
        var grouped: [String: [StatsTask]] = [:]
        for task in data.tasks where codes[task.instanceId] != nil {
            if grouped[task.instanceId] == nil { order.append(task.instanceId) }
            grouped[task.instanceId, default: []].append(task)
        }
        for id in order {
            for task in grouped[id] ?? [] { add(task, processCode: codes[id] ?? "") }
        }
        finish()
    }

    /// Adds one task of an instance of `processCode`; tasks of one instance must arrive together.
    public mutating func add(_ task: StatsTask, processCode: String) {
        if current?.instance != task.instanceId {
            flush()
            current = (task.instanceId, processCode)
        }
        buffer.append(task)
        guard !task.userKey.isEmpty else { return }
        switch task.status.uppercased() {
        case "COMPLETED":
            guard let created = task.createTime, let finished = task.finishTime, finished >= created else { return }
            if names[task.userKey] == nil { names[task.userKey] = task.userLabel }
            hours[task.userKey, default: []].append(Double(finished - created) / StatsMath.millisecondsPerHour)
        case "RUNNING":
            if names[task.userKey] == nil { names[task.userKey] = task.userLabel }
            pending[task.userKey, default: 0] += 1
        default:
            break
        }
    }

    /// Ends the last instance's tasks.
    public mutating func finish() { flush() }

    /// A visit is one instance at one node: from the earliest creation of its tasks there to the
    /// latest finish (finished), or to now while one of them is RUNNING (waiting).
    private mutating func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard let current else { return }
        var visits: [String: [StatsTask]] = [:]
        var order: [String] = []
        for task in buffer {
            if task.status.uppercased() == "RUNNING" { running[current.instance, default: []].append(task) }
            guard task.createTime != nil else { continue }
            let node = task.nodeName.isEmpty ? "（未命名节点）" : task.nodeName
            if visits[node] == nil { order.append(node) }
            visits[node, default: []].append(task)
        }
        for node in order {
            let tasks = visits[node] ?? []
            let start = tasks.compactMap(\.createTime).min() ?? now
            let key = NodeKey(code: current.code, node: node)
            if tasks.contains(where: { $0.status.uppercased() == "RUNNING" }) {
                nodes[key, default: NodeSample()].waiting.append(Self.days(now - start))
            } else if let end = tasks.compactMap(\.finishTime).max() {
                nodes[key, default: NodeSample()].finished.append(Self.days(end - start))
            }
        }
    }

    static func days(_ milliseconds: Int64) -> Double { Double(max(0, milliseconds)) / StatsMath.millisecondsPerDay }
}
