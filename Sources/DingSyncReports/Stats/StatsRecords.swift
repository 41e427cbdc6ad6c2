import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// What became of an instance, from its raw status and result (SPEC 4.3).
public enum StatsOutcome: String, Sendable, CaseIterable {
    /// COMPLETED + agree.
    case approved
    /// COMPLETED + refuse.
    case refused
    /// TERMINATED (revoked by the applicant or terminated by an administrator).
    case revoked
    /// CANCELED.
    case cancelled
    /// RUNNING or NEW.
    case running
    /// Any other final status (e.g. COMPLETED without a result), kept apart rather than guessed.
    case other

    /// Classifies raw DingTalk values; `FINISHED`/`REVOKED` are read as `COMPLETED`/`TERMINATED`.
    public init(status: String, result: String) {
        switch status.uppercased() {
        case "RUNNING", "NEW":
            self = .running
        case "COMPLETED", "FINISHED":
            switch result.lowercased() {
            case "agree": self = .approved
            case "refuse": self = .refused
            default: self = .other
            }
        case "TERMINATED", "REVOKED":
            self = .revoked
        case "CANCELED", "CANCELLED":
            self = .cancelled
        default:
            self = .other
        }
    }

    /// Every outcome but `running` is final ("finished").
    public var isFinished: Bool { self != .running }
}

/// One mirrored instance, as the statistics need it. Times are epoch milliseconds.
/// A class (shared, immutable): the figures group and sort the same instances many ways, and
/// at 100,000 instances a copy of each per grouping would cost tens of megabytes.
public final class StatsInstance: Sendable, Equatable {
    public let id: String
    public let processCode: String
    public let businessId: String
    public let title: String
    public let status: String
    public let result: String
    public let createTime: Int64
    public let finishTime: Int64?
    public let applicantId: String
    public let applicantName: String
    public let departmentId: String
    public let departmentName: String
    public let amount: Double?
    /// The display value of the form field named by `report.category_field`, if any.
    public let category: String?
    /// The mirror's `current_node` text (running instances).
    public let currentNode: String
    public let lastActionTime: Int64?
    /// The dates a leave-type form asks for (its date range, or its 开始/结束 dates), if any.
    public let dateSpan: DateSpan?

    /// What became of it (classified once).
    public let outcome: StatsOutcome

    public init(
        id: String, processCode: String = "PROC-A", businessId: String = "", title: String = "",
        status: String = "RUNNING", result: String = "", createTime: Int64, finishTime: Int64? = nil,
        applicantId: String = "", applicantName: String = "", departmentId: String = "",
        departmentName: String = "", amount: Double? = nil, category: String? = nil,
        currentNode: String = "", lastActionTime: Int64? = nil, dateSpan: DateSpan? = nil
    ) {
        self.id = id
        self.processCode = processCode
        self.businessId = businessId
        self.title = title
        self.status = status
        self.result = result
        self.createTime = createTime
        self.finishTime = finishTime
        self.applicantId = applicantId
        self.applicantName = applicantName
        self.departmentId = departmentId
        self.departmentName = departmentName
        self.amount = amount
        self.category = category
        self.currentNode = currentNode
        self.lastActionTime = lastActionTime
        self.dateSpan = dateSpan
        outcome = StatsOutcome(status: status, result: result)
    }

    public static func == (lhs: StatsInstance, rhs: StatsInstance) -> Bool {
        lhs === rhs
            || (lhs.id, lhs.processCode, lhs.businessId, lhs.title, lhs.status, lhs.result)
                == (rhs.id, rhs.processCode, rhs.businessId, rhs.title, rhs.status, rhs.result)
                && lhs.createTime == rhs.createTime
                && (lhs.finishTime, lhs.applicantId, lhs.applicantName, lhs.departmentId, lhs.departmentName)
                    == (rhs.finishTime, rhs.applicantId, rhs.applicantName, rhs.departmentId, rhs.departmentName)
                && (lhs.amount, lhs.category, lhs.currentNode, lhs.lastActionTime)
                    == (rhs.amount, rhs.category, rhs.currentNode, rhs.lastActionTime)
                && lhs.dateSpan == rhs.dateSpan
    }

    /// (finish − create) in days for a finished instance with both times; nil otherwise
    /// (also when the finish is before the creation, which only bad data does).
    public var durationDays: Double? {
        guard outcome.isFinished, let finishTime, finishTime >= createTime else { return nil }
        return Double(finishTime - createTime) / StatsMath.millisecondsPerDay
    }

    /// The applicant's name, else the userid, else a placeholder.
    var applicantLabel: String {
        applicantName.isEmpty ? (applicantId.isEmpty ? "（未知申请人）" : applicantId) : applicantName
    }
    /// The applicant grouping key (userid, else the name).
    var applicantKey: String { applicantId.isEmpty ? applicantName : applicantId }
    /// The department's name, else its id, else a placeholder.
    var departmentLabel: String {
        departmentName.isEmpty ? (departmentId.isEmpty ? "（未知部门）" : departmentId) : departmentName
    }
}

/// One approval task of a mirrored instance (the `tasks` table).
public struct StatsTask: Sendable, Equatable {
    public var instanceId: String
    public var userId: String
    public var userName: String
    /// RUNNING, COMPLETED, CANCELED…, raw.
    public var status: String
    /// AGREE, REFUSE, REDIRECTED, NONE…, raw.
    public var result: String
    public var createTime: Int64?
    public var finishTime: Int64?
    /// The node's name (the task's group name, else its activity id); "" when unknown.
    public var nodeName: String

    public init(
        instanceId: String, userId: String = "", userName: String = "", status: String = "COMPLETED",
        result: String = "AGREE", createTime: Int64? = nil, finishTime: Int64? = nil, nodeName: String = ""
    ) {
        self.instanceId = instanceId
        self.userId = userId
        self.userName = userName
        self.status = status
        self.result = result
        self.createTime = createTime
        self.finishTime = finishTime
        self.nodeName = nodeName
    }

    var userLabel: String { userName.isEmpty ? userId : userName }
    var userKey: String { userId.isEmpty ? userName : userId }
}

/// One operation record of a mirrored instance (the `operation_records` table).
public struct StatsAction: Sendable, Equatable {
    public var instanceId: String
    public var userId: String
    public var userName: String
    /// EXECUTE_TASK_NORMAL, ADD_REMARK…, raw.
    public var type: String
    /// AGREE, REFUSE, NONE…, raw.
    public var result: String
    public var date: Int64?

    public init(
        instanceId: String, userId: String = "", userName: String = "", type: String = "EXECUTE_TASK_NORMAL",
        result: String = "AGREE", date: Int64? = nil
    ) {
        self.instanceId = instanceId
        self.userId = userId
        self.userName = userName
        self.type = type
        self.result = result
        self.date = date
    }

    /// An approver's own decision: EXECUTE_TASK_NORMAL or EXECUTE_TASK_AGENT (not the system's
    /// EXECUTE_TASK_AUTO, not comments, CCs or the applicant's start).
    var isApproverAction: Bool {
        let upper = type.uppercased()
        return upper == "EXECUTE_TASK_NORMAL" || upper == "EXECUTE_TASK_AGENT"
    }

    var userLabel: String { userName.isEmpty ? userId : userName }
    var userKey: String { userId.isEmpty ? userName : userId }
}

/// Everything the engine reads: instances created in the period, their tasks and records.
public struct StatsDataset: Sendable, Equatable {
    public var instances: [StatsInstance]
    public var tasks: [StatsTask]
    public var actions: [StatsAction]

    public init(instances: [StatsInstance] = [], tasks: [StatsTask] = [], actions: [StatsAction] = []) {
        self.instances = instances
        self.tasks = tasks
        self.actions = actions
    }

    /// The subset created in `from...to` (epoch ms, either end open), with their tasks and records.
    public func created(from: Int64?, to: Int64?) -> StatsDataset {
        let kept = instances.filter { instance in
            instance.createTime >= (from ?? Int64.min) && instance.createTime <= (to ?? Int64.max)
        }
        let ids = Set(kept.map(\.id))
        return StatsDataset(
            instances: kept, tasks: tasks.filter { ids.contains($0.instanceId) },
            actions: actions.filter { ids.contains($0.instanceId) })
    }
}

/// The first and last day a form asks for (`yyyy-MM-dd`, inclusive), as leave and trip forms
/// hold them.
public struct DateSpan: Sendable, Equatable {
    public var first: String
    public var last: String

    public init(first: String, last: String) {
        self.first = min(first, last)
        self.last = max(first, last)
    }

    /// Both spans share at least one day.
    public func overlaps(_ other: DateSpan) -> Bool { first <= other.last && other.first <= last }

    public var text: String { first == last ? first : "\(first) ~ \(last)" }

    /// The span of a form: a DDDateRangeField's first two items, else a DDDateField whose name
    /// holds 开始 (start) with one whose name holds 结束 (end). Nil when the form has neither.
    public static func of(_ values: [InstanceDetail.FormValue]) -> DateSpan? {
        for value in values where value.componentType == "DDDateRangeField" {
            if case .array(let items)? = JSON.parse(value.value), items.count >= 2,
                let a = items[0].scalarText.flatMap(day), let b = items[1].scalarText.flatMap(day)
            {
                return DateSpan(first: a, last: b)
            }
        }
        let dates = values.filter { $0.componentType == "DDDateField" }
        guard let start = dates.first(where: { $0.name.contains("开始") }).flatMap({ day($0.value) }),
            let end = dates.first(where: { $0.name.contains("结束") }).flatMap({ day($0.value) })
        else { return nil }
        return DateSpan(first: start, last: end)
    }

    /// The `yyyy-MM-dd` day at the start of a date text, nil when there is none.
    static func day(_ text: String) -> String? {
        let head = String(text.trimmingCharacters(in: .whitespaces).prefix(10))
        let parts = head.split(separator: "-")
        guard head.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else { return nil }
        return head
    }
}
