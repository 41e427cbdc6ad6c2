import DingSyncBasics
import Foundation

/// What the OA premium listing leaves out and a row needs, learned from detail reads (SPEC 9).
///
/// Keys, per process code: `record:<activityId>` (the node name of a task's operation records),
/// `type:<operationType>` (the node name of records that belong to no task: start, comment,
/// copy, finish…), `task:<activityId>` (a task's node name), `component:<id>` (a form
/// component's type); and, for every template at once (process code `""`), `dept:<id>` (the
/// originator department's name as the detail shows it). A value may be `""`: known to be
/// empty. A key taught two different values is conflicting and never used: instances that need
/// it are read by detail. So a completed instance is exactly what the detail read would give,
/// never a guess: ``complete(_:)`` returns nil while anything it needs is unknown.
public struct DetailHints: Sendable, Equatable {
    public struct Key: Hashable, Sendable, Comparable {
        public var processCode: String
        public var name: String
        public init(processCode: String, name: String) {
            self.processCode = processCode
            self.name = name
        }
        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.processCode, lhs.name) < (rhs.processCode, rhs.name)
        }
    }

    /// Known values.
    public private(set) var values: [Key: String] = [:]
    /// Keys taught two different values.
    public private(set) var conflicting: Set<Key> = []
    /// Keys learned or changed since the last ``takeChanges()``.
    private var changed: Set<Key> = []

    public init() {}

    /// Starts from stored hints (`conflicting` ones are kept as such).
    public init(values: [Key: String], conflicting: Set<Key>) {
        self.values = values
        self.conflicting = conflicting
    }

    /// Operation types that belong to a task (their node is the task's).
    public static func isTaskRecord(_ type: String) -> Bool {
        let upper = type.uppercased()
        return upper.hasPrefix("EXECUTE_TASK") || upper.hasPrefix("APPEND_TASK") || upper == "REDIRECT_TASK"
    }

    /// Learns every hint `detail` (a detail read) shows.
    public mutating func learn(from detail: InstanceDetail) {
        let code = detail.processCode
        for record in detail.operationRecords {
            let name = record.showName ?? ""
            if Self.isTaskRecord(record.type) {
                guard let activity = record.activityId, !activity.isEmpty else { continue }
                teach(Key(processCode: code, name: "record:\(activity)"), name)
            } else {
                teach(Key(processCode: code, name: "type:\(record.type)"), name)
            }
        }
        for task in detail.tasks {
            guard let activity = task.activityId, !activity.isEmpty else { continue }
            teach(Key(processCode: code, name: "task:\(activity)"), task.nodeName ?? "")
        }
        for form in detail.formValues where !form.id.isEmpty {
            teach(Key(processCode: code, name: "component:\(form.id)"), form.componentType)
        }
        if !detail.originatorDeptId.isEmpty {
            teach(Self.departmentKey(detail.originatorDeptId), detail.originatorDeptName)
        }
    }

    static func departmentKey(_ id: String) -> Key { Key(processCode: "", name: "dept:\(id)") }

    private mutating func teach(_ key: Key, _ value: String) {
        if conflicting.contains(key) { return }
        if let known = values[key] {
            if known != value {
                conflicting.insert(key)
                values[key] = nil
                changed.insert(key)
            }
            return
        }
        values[key] = value
        changed.insert(key)
    }

    /// The hints learned or changed since the last call (to persist): value nil = conflicting.
    public mutating func takeChanges() -> [(key: Key, value: String?)] {
        defer { changed = [] }
        return changed.sorted().map { ($0, conflicting.contains($0) ? nil : values[$0]) }
    }

    /// The keys `instance` needs, and whether one of its records or tasks cannot be tied to a
    /// key at all (then only a detail read tells).
    func needs(_ instance: PremiumInstance) -> (keys: [(Key, Need)], unresolvable: Bool) {
        let detail = instance.partial
        let code = detail.processCode
        var keys: [(Key, Need)] = []
        var unresolvable = false
        for (index, record) in detail.operationRecords.enumerated() {
            if Self.isTaskRecord(record.type) {
                guard let activity = Self.activity(of: record, tasks: detail.tasks) else {
                    unresolvable = true
                    continue
                }
                keys.append((Key(processCode: code, name: "record:\(activity)"), .record(index, activity)))
            } else {
                keys.append((Key(processCode: code, name: "type:\(record.type)"), .record(index, nil)))
            }
        }
        for (index, task) in detail.tasks.enumerated() {
            guard let activity = task.activityId, !activity.isEmpty else {
                unresolvable = true
                continue
            }
            keys.append((Key(processCode: code, name: "task:\(activity)"), .task(index)))
        }
        for (index, form) in detail.formValues.enumerated() {
            guard !form.id.isEmpty else {
                unresolvable = true
                continue
            }
            keys.append((Key(processCode: code, name: "component:\(form.id)"), .component(index)))
        }
        keys.append((Self.departmentKey(detail.originatorDeptId), .department))
        return (keys, unresolvable)
    }

    enum Need {
        case record(Int, String?)
        case task(Int)
        case component(Int)
        case department
    }

    /// The task a task's record belongs to: for an added signer (`APPEND_TASK_*`) a task created
    /// at the record's instant, for the others (execute, redirect) one finished then; its activity
    /// when all such tasks share one, else nil. (An execute is never tied by creation time: the
    /// next node's task is created at that instant.)
    static func activity(of record: InstanceDetail.OperationRecord, tasks: [InstanceDetail.ApprovalTask]) -> String? {
        guard let date = record.date else { return nil }
        let byCreation = record.type.uppercased().hasPrefix("APPEND_TASK")
        let found = Set(
            tasks.filter { (byCreation ? $0.createTime : $0.finishTime) == date }.map { $0.activityId ?? "" })
        guard found.count == 1, let only = found.first, !only.isEmpty else { return nil }
        return only
    }

    /// What `instance` still needs that no hint tells (empty when ``complete(_:)`` succeeds);
    /// `unresolvable` when a record or task cannot be tied to a key.
    public func missing(_ instance: PremiumInstance) -> Set<Key> {
        let (keys, unresolvable) = needs(instance)
        var missing = Set(keys.map(\.0).filter { values[$0] == nil })
        if unresolvable { missing.insert(Key(processCode: instance.partial.processCode, name: "unresolvable")) }
        return missing
    }

    /// The instance as the detail read would give it, or nil while a hint is missing.
    ///
    /// Times are cut to the minute, as the new API's detail gives them, so that the rows equal
    /// those of `api: new` (a switch between the two rewrites nothing).
    public func complete(_ instance: PremiumInstance) -> InstanceDetail? {
        let (keys, unresolvable) = needs(instance)
        guard !unresolvable else { return nil }
        var detail = instance.partial
        for (key, need) in keys {
            guard let value = values[key] else { return nil }
            switch need {
            case .record(let index, let activity):
                detail.operationRecords[index].showName = value.isEmpty ? nil : value
                detail.operationRecords[index].activityId = activity
            case .task(let index):
                detail.tasks[index].nodeName = value.isEmpty ? nil : value
            case .component(let index):
                detail.formValues[index].componentType = value
            case .department:
                detail.originatorDeptName = value
            }
        }
        detail.createTime = Self.minute(detail.createTime)
        detail.finishTime = Self.minute(detail.finishTime)
        for i in detail.operationRecords.indices {
            detail.operationRecords[i].date = Self.minute(detail.operationRecords[i].date)
        }
        for i in detail.tasks.indices {
            detail.tasks[i].createTime = Self.minute(detail.tasks[i].createTime)
            detail.tasks[i].finishTime = Self.minute(detail.tasks[i].finishTime)
        }
        return detail
    }

    /// `date` cut to the whole minute (the new API's precision).
    static func minute(_ date: Date?) -> Date? {
        guard let date else { return nil }
        let ms = DingTalkTime.epochMilliseconds(date)
        return Date(timeIntervalSince1970: Double(ms - ((ms % 60_000) + 60_000) % 60_000) / 1000)
    }
}
