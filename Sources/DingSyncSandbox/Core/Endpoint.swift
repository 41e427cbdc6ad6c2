/// Every simulated endpoint, by the name used in counters and fault injection.
enum Endpoint: String, CaseIterable, Sendable {
    case dtGetToken = "dingtalk.gettoken"
    case dtAccessToken = "dingtalk.oauth2.accessToken"
    case dtLegacyListIds = "dingtalk.topapi.listids"
    case dtLegacyGet = "dingtalk.topapi.get"
    case dtUserGet = "dingtalk.topapi.user.get"
    case dtDepartmentGet = "dingtalk.topapi.department.get"
    case dtGetByName = "dingtalk.topapi.get_by_name"
    case dtListByUserId = "dingtalk.topapi.listbyuserid"
    case dtInstanceIds = "dingtalk.v1.instanceIds.query"
    case dtInstanceGet = "dingtalk.v1.processInstances.get"
    case dtProcessCode = "dingtalk.v1.processCodes.get"
    case dtTemplates = "dingtalk.v1.templates.list"
    /// Stream mode: a ticket for the WebSocket (credentials in the body, no token).
    case dtStreamOpen = "dingtalk.v1.gateway.connections.open"

    case fsToken = "feishu.auth.tenant_access_token"
    case fsTablesList = "feishu.tables.list"
    case fsTablesCreate = "feishu.tables.create"
    case fsFieldsList = "feishu.fields.list"
    case fsFieldsCreate = "feishu.fields.create"
    case fsFieldsUpdate = "feishu.fields.update"
    case fsFieldsDelete = "feishu.fields.delete"
    case fsSearch = "feishu.records.search"
    case fsList = "feishu.records.list"
    case fsGet = "feishu.records.get"
    case fsCreate = "feishu.records.create"
    case fsUpdate = "feishu.records.update"
    case fsDelete = "feishu.records.delete"
    case fsBatchCreate = "feishu.records.batch_create"
    case fsBatchUpdate = "feishu.records.batch_update"
    case fsBatchDelete = "feishu.records.batch_delete"
    case fsBatchGet = "feishu.records.batch_get"
    case fsViewsList = "feishu.views.list"
    case fsViewsCreate = "feishu.views.create"
    case fsViewsGet = "feishu.views.get"
    case fsViewsPatch = "feishu.views.patch"
    case fsViewsDelete = "feishu.views.delete"

    case webhook = "feishu.bot.webhook"

    enum Family: Sendable { case legacy, new, feishu, webhook }
    enum RateClass: Sendable { case none, dingtalk, feishuRead, feishuWrite, feishuSchema, webhook }
    enum TableAccess: Sendable { case none, read, write }

    var family: Family {
        switch self {
        case .dtGetToken, .dtLegacyListIds, .dtLegacyGet, .dtUserGet, .dtDepartmentGet, .dtGetByName, .dtListByUserId:
            return .legacy
        case .dtAccessToken, .dtInstanceIds, .dtInstanceGet, .dtProcessCode, .dtTemplates, .dtStreamOpen: return .new
        case .webhook: return .webhook
        default: return .feishu
        }
    }

    var isDingTalk: Bool { family == .legacy || family == .new }
    /// Credential exchanges (tokens, Stream tickets): no token checked, never throttled, given
    /// random faults or counted against the monthly quota.
    var isToken: Bool { self == .dtGetToken || self == .dtAccessToken || self == .fsToken || self == .dtStreamOpen }

    /// The permission the call needs (DingTalk scope names; Feishu `bitable:app`).
    var scope: String? {
        switch self {
        case .dtInstanceIds, .dtInstanceGet, .dtLegacyListIds, .dtLegacyGet: return "Workflow.Instance.Read"
        case .dtProcessCode, .dtTemplates, .dtGetByName, .dtListByUserId: return "Workflow.Form.Read"
        case .dtUserGet: return "qyapi_get_member"
        case .dtDepartmentGet: return "qyapi_get_department_list"
        case .fsTablesList, .fsTablesCreate, .fsFieldsList, .fsFieldsCreate, .fsFieldsUpdate, .fsFieldsDelete,
            .fsSearch, .fsList,
            .fsGet, .fsCreate, .fsUpdate, .fsDelete, .fsBatchCreate, .fsBatchUpdate, .fsBatchDelete, .fsBatchGet,
            .fsViewsList, .fsViewsCreate, .fsViewsGet, .fsViewsPatch, .fsViewsDelete:
            return "bitable:app"
        default: return nil
        }
    }

    var rateClass: RateClass {
        switch self {
        case .dtGetToken, .dtAccessToken, .fsToken, .dtStreamOpen: return .none
        case .webhook: return .webhook
        case .fsTablesCreate, .fsFieldsCreate, .fsFieldsUpdate, .fsFieldsDelete, .fsViewsCreate, .fsViewsPatch,
            .fsViewsDelete:
            return .feishuSchema
        case .fsCreate, .fsUpdate, .fsDelete, .fsBatchCreate, .fsBatchUpdate, .fsBatchDelete: return .feishuWrite
        case .fsTablesList, .fsFieldsList, .fsSearch, .fsList, .fsGet, .fsBatchGet, .fsViewsList, .fsViewsGet:
            return .feishuRead
        default: return .dingtalk
        }
    }

    /// Not counted against the monthly quota (tokens; DingTalk contacts; the bot).
    var quotaExempt: Bool {
        isToken || self == .dtUserGet || self == .dtDepartmentGet || self == .webhook
    }

    var tableAccess: TableAccess {
        switch self {
        case .fsFieldsList, .fsSearch, .fsList, .fsGet, .fsBatchGet, .fsViewsList, .fsViewsGet: return .read
        case .fsFieldsCreate, .fsFieldsUpdate, .fsFieldsDelete, .fsCreate, .fsUpdate, .fsDelete, .fsBatchCreate,
            .fsBatchUpdate,
            .fsBatchDelete, .fsViewsCreate, .fsViewsPatch, .fsViewsDelete:
            return .write
        default: return .none
        }
    }

    /// Listings that hand out a cursor (`nextToken` / `next_cursor`): the `stuck_cursor` fault.
    var hasCursor: Bool { self == .dtInstanceIds || self == .dtLegacyListIds }

    /// Endpoints whose timeouts (1255040) may be injected at random.
    var isBitable: Bool { family == .feishu && !isToken }
}
