/// The simulated DingTalk organisation: departments, users, templates and approval
/// instances. Times are epoch milliseconds; formatting happens per API family.

struct Department: Sendable {
    var id: Int64
    var name: String
    var parentId: Int64?
    var order: Int
    var managerUserIds: [String]
}

struct DTUser: Sendable {
    var userid: String
    var unionid: String
    var name: String
    var title: String
    var jobNumber: String
    var deptIds: [Int64]
    /// `dept_order_list.order` values, kept as JSON number text (they exceed 2^53).
    var deptOrders: [String]
    var managerUserid: String?
    var hiredDate: Int64?
    var mobile: String
    var email: String?
    var workPlace: String?
    var admin: Bool
    var boss: Bool
    var senior: Bool
    var leaderDeptIds: [Int64]

    static func placeholder(_ userid: String) -> DTUser {
        DTUser(
            userid: userid, unionid: "", name: userid, title: "", jobNumber: "", deptIds: [DingTalkWorld.rootDeptId],
            deptOrders: ["0"], managerUserid: nil, hiredDate: nil, mobile: "", email: nil, workPlace: nil, admin: false,
            boss: false, senior: false, leaderDeptIds: [])
    }
}

/// Who approves a node.
enum ApproverRule: Sendable {
    /// The manager of the originator's department (or of its parent when the originator is it).
    case deptManager
    /// A fixed user.
    case user(String)
}

struct FlowNode: Sendable {
    var activityId: String
    var name: String
    var approver: ApproverRule
}

enum TemplateKind: String, Sendable, CaseIterable {
    case leave, expense, purchase, trip, general
}

struct ProcessTemplate: Sendable {
    var code: String
    var name: String
    var titleSuffix: String
    var kind: TemplateKind
    var iconUrl: String
    var url: String
    var dirId: String
    var dirName: String
    var gmtModified: Int64
    var nodes: [FlowNode]
    /// Users copied (抄送) when the instance is approved.
    var ccUserIds: [String]
}

struct FormValue: Sendable {
    var componentType: String
    var id: String
    var name: String
    /// The value as the new API sends it (for a table: its rows rendered the new API's way).
    var value: String
    var extValue: String?
    var bizAlias: String?
    /// A `TableField`'s rows (reference §3.7); each family renders them its own way.
    var table: FormTable?
}

struct RecordAttachment: Sendable {
    var fileId: String
    var fileName: String
    var fileSize: String
    var fileType: String
    var spaceId: String
}

struct OperationRecord: Sendable {
    var userId: String
    var date: Int64
    var type: String
    var result: String
    var remark: String?
    var attachments: [RecordAttachment] = []
    var ccUserIds: [String] = []
    var activityId: String?
    var showName: String?
    var images: [String] = []
}

struct ApprovalTask: Sendable {
    var taskId: Int64
    var userId: String
    var status: String
    var result: String
    var createTime: Int64
    var finishTime: Int64?
    var activityId: String?
    var groupName: String?
    /// Old instances have neither `activity_id` nor `url` on their tasks.
    var hasLinks: Bool
}

struct ApprovalInstance: Sendable {
    var id: String
    var businessId: String
    var processCode: String
    var title: String
    var createTime: Int64
    var finishTime: Int64?
    var originatorUserId: String
    /// `"-1"` for the root department.
    var originatorDeptId: String
    var originatorDeptName: String
    var status: String
    /// `agree` / `refuse` / "" (running).
    var result: String
    var ccUserIds: [String]
    var approverUserIds: [String]
    var attachedProcessInstanceIds: [String]
    var bizAction: String
    var bizData: String?
    var form: [FormValue]
    var records: [OperationRecord]
    var tasks: [ApprovalTask]
    var mainProcessInstanceId: String?
    /// Legacy task times as epoch-ms strings (the field table's reading) instead of formatted.
    var legacyTaskTimesAsMs: Bool
    /// Index of the node whose task is open (RUNNING instances), for the admin API.
    var currentNode: Int?

    var isFinal: Bool { status == "COMPLETED" || status == "TERMINATED" || status == "CANCELED" }
}

/// The organisation and its approvals.
struct DingTalkWorld: Sendable {
    var orgName: String
    var departments: [Int64: Department]
    var departmentOrder: [Int64]
    var users: [String: DTUser]
    var userOrder: [String]
    var templates: [ProcessTemplate]
    var instances: [String: ApprovalInstance]
    /// Instance ids per process code, sorted by creation time then id.
    var idsByCode: [String: [String]]

    static let rootDeptId: Int64 = 1

    func template(code: String) -> ProcessTemplate? { templates.first { $0.code == code } }

    mutating func reindex(code: String) {
        let ids = instances.values.filter { $0.processCode == code }
            .sorted { ($0.createTime, $0.id) < ($1.createTime, $1.id) }
            .map(\.id)
        idsByCode[code] = ids
    }

    mutating func insert(_ instance: ApprovalInstance) {
        instances[instance.id] = instance
        var ids = idsByCode[instance.processCode] ?? []
        let key = (instance.createTime, instance.id)
        var lo = 0
        var hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if let other = instances[ids[mid]], (other.createTime, other.id) < key { lo = mid + 1 } else { hi = mid }
        }
        ids.insert(instance.id, at: lo)
        idsByCode[instance.processCode] = ids
    }
}
