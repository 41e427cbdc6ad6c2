import DingSyncBasics
import Foundation

/// One DingTalk approval instance, the same shape for the legacy and the new API family.
///
/// Produced by ``decodeLegacy(_:instanceId:processCode:timeZone:)`` and
/// ``decodeNewAPI(_:instanceId:processCode:timeReading:timeZone:)``; consumed by
/// ``DataProcessor``; persisted as JSON by the state store. Strings the API omitted are `""`,
/// arrays `[]`; enumerations (`status`, `result`, record and task types) are kept raw.
public struct InstanceDetail: Sendable, Equatable, Codable {
    /// processInstanceId (the caller's: neither detail response repeats it).
    public var instanceId: String
    /// The process code the instance was listed under (set by the caller).
    public var processCode: String
    /// The instance title, e.g. 王小明提交的请假申请.
    public var title: String
    /// 审批编号.
    public var businessId: String
    /// `NEW`, `RUNNING`, `TERMINATED`, `COMPLETED`, `CANCELED` or anything else, raw.
    public var status: String
    /// `agree`, `refuse` or `""`, raw.
    public var result: String
    /// Creation time (the listing filters on it).
    public var createTime: Date?
    /// Finish time; nil while running.
    public var finishTime: Date?
    /// The originator's userid.
    public var originatorUserId: String
    /// `"-1"` is the root department.
    public var originatorDeptId: String
    /// The originator's department name as the instance carries it.
    public var originatorDeptName: String
    /// Users copied (抄送).
    public var ccUserIds: [String]
    /// Approvers, when the API sends them (it does not always).
    public var approverUserIds: [String]
    /// Edits/revocations of this instance, as new instance ids (see `bizAction`).
    public var attachedInstanceIds: [String]
    /// `NONE`, `MODIFY`, `REVOKE`, raw.
    public var bizAction: String
    /// The main instance of a sub-process, if any.
    public var mainInstanceId: String?
    /// Form values in form order.
    public var formValues: [FormValue]
    /// Operation records in API order (``DataProcessor`` sorts them by date, stably).
    public var operationRecords: [OperationRecord]
    /// Approval tasks in API order.
    public var tasks: [ApprovalTask]

    /// Creates a detail; everything but the ids has an empty default.
    public init(
        instanceId: String, processCode: String, title: String = "", businessId: String = "",
        status: String = "", result: String = "", createTime: Date? = nil, finishTime: Date? = nil,
        originatorUserId: String = "", originatorDeptId: String = "", originatorDeptName: String = "",
        ccUserIds: [String] = [], approverUserIds: [String] = [], attachedInstanceIds: [String] = [],
        bizAction: String = "", mainInstanceId: String? = nil, formValues: [FormValue] = [],
        operationRecords: [OperationRecord] = [], tasks: [ApprovalTask] = []
    ) {
        self.instanceId = instanceId
        self.processCode = processCode
        self.title = title
        self.businessId = businessId
        self.status = status
        self.result = result
        self.createTime = createTime
        self.finishTime = finishTime
        self.originatorUserId = originatorUserId
        self.originatorDeptId = originatorDeptId
        self.originatorDeptName = originatorDeptName
        self.ccUserIds = ccUserIds
        self.approverUserIds = approverUserIds
        self.attachedInstanceIds = attachedInstanceIds
        self.bizAction = bizAction
        self.mainInstanceId = mainInstanceId
        self.formValues = formValues
        self.operationRecords = operationRecords
        self.tasks = tasks
    }

    /// Whether the instance can still change: false for `RUNNING` and `NEW`
    /// (the incremental run re-checks those), true for every other status.
    public var isFinal: Bool {
        let upper = status.uppercased()
        return upper != "RUNNING" && upper != "NEW"
    }
}

extension InstanceDetail {
    /// One form component value (`form_component_values[]` / `formComponentValues[]`).
    public struct FormValue: Sendable, Equatable, Codable {
        /// Component id, e.g. `TextField-JZ9IVH1K` (old templates: a plain label).
        public var id: String
        /// Label; for compound fields JSON-array text such as `["开始时间","结束时间"]`.
        public var name: String
        /// e.g. `TextField`, `DDSelectField`, `TableField`.
        public var componentType: String
        /// Always text; may be `"null"` or JSON text.
        public var value: String
        /// JSON text for selects, contacts, tables, invoices; nil for plain fields.
        public var extValue: String?

        /// Creates a form value.
        public init(
            id: String = "", name: String, componentType: String = "", value: String = "", extValue: String? = nil
        ) {
            self.id = id
            self.name = name
            self.componentType = componentType
            self.value = value
            self.extValue = extValue
        }
    }

    /// One operation record (`operation_records[]` / `operationRecords[]`).
    public struct OperationRecord: Sendable, Equatable, Codable {
        /// The operator's userid.
        public var userId: String
        /// When it happened.
        public var date: Date?
        /// `EXECUTE_TASK_NORMAL`, `START_PROCESS_INSTANCE`, … raw (the list is open).
        public var type: String
        /// `AGREE`, `REFUSE`, `NONE`, raw.
        public var result: String
        /// The comment; `""` when none.
        public var remark: String
        /// Node name (new API only).
        public var showName: String?
        /// Node id (new API only).
        public var activityId: String?
        /// File names of the record's attachments.
        public var attachments: [String]

        /// Creates an operation record.
        public init(
            userId: String = "", date: Date? = nil, type: String = "", result: String = "", remark: String = "",
            showName: String? = nil, activityId: String? = nil, attachments: [String] = []
        ) {
            self.userId = userId
            self.date = date
            self.type = type
            self.result = result
            self.remark = remark
            self.showName = showName
            self.activityId = activityId
            self.attachments = attachments
        }
    }

    /// One approval task (`tasks[]`).
    public struct ApprovalTask: Sendable, Equatable, Codable {
        /// `taskid` (string, legacy) or `taskId` (int64, new), as text.
        public var taskId: String
        /// The approver's userid.
        public var userId: String
        /// `NEW`, `RUNNING`, `PAUSED`, `CANCELED`, `COMPLETED`, `TERMINATED`, raw.
        public var status: String
        /// `AGREE`, `REFUSE`, `REDIRECTED`, `NONE`, raw.
        public var result: String
        /// When the task was created.
        public var createTime: Date?
        /// When the task was finished; nil while open.
        public var finishTime: Date?
        /// The node id (absent on old legacy instances).
        public var activityId: String?
        /// Node name: the new API's `taskGroupName`; nil in legacy responses.
        public var nodeName: String?

        /// Creates a task.
        public init(
            taskId: String, userId: String = "", status: String = "", result: String = "",
            createTime: Date? = nil, finishTime: Date? = nil, activityId: String? = nil, nodeName: String? = nil
        ) {
            self.taskId = taskId
            self.userId = userId
            self.status = status
            self.result = result
            self.createTime = createTime
            self.finishTime = finishTime
            self.activityId = activityId
            self.nodeName = nodeName
        }
    }
}
