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

    case webhook = "feishu.bot.webhook"

    enum Family: Sendable { case legacy, new, feishu, webhook }
    enum RateClass: Sendable { case none, dingtalk, feishuRead, feishuWrite, feishuSchema, webhook }
    enum TableAccess: Sendable { case none, read, write }

    var family: Family {
        switch self {
        case .dtGetToken, .dtLegacyListIds, .dtLegacyGet, .dtUserGet, .dtDepartmentGet, .dtGetByName, .dtListByUserId: return .legacy
        case .dtAccessToken, .dtInstanceIds, .dtInstanceGet, .dtProcessCode, .dtTemplates: return .new
        case .webhook: return .webhook
        default: return .feishu
        }
    }

    var isDingTalk: Bool { family == .legacy || family == .new }
    var isToken: Bool { self == .dtGetToken || self == .dtAccessToken || self == .fsToken }

    /// The permission the call needs (DingTalk scope names; Feishu `bitable:app`).
    var scope: String? {
        switch self {
        case .dtInstanceIds, .dtInstanceGet, .dtLegacyListIds, .dtLegacyGet: return "Workflow.Instance.Read"
        case .dtProcessCode, .dtTemplates, .dtGetByName, .dtListByUserId: return "Workflow.Form.Read"
        case .dtUserGet: return "qyapi_get_member"
        case .dtDepartmentGet: return "qyapi_get_department_list"
        case .fsTablesList, .fsTablesCreate, .fsFieldsList, .fsFieldsCreate, .fsFieldsUpdate, .fsFieldsDelete, .fsSearch, .fsList,
             .fsGet, .fsCreate, .fsUpdate, .fsDelete, .fsBatchCreate, .fsBatchUpdate, .fsBatchDelete, .fsBatchGet:
            return "bitable:app"
        default: return nil
        }
    }

    var rateClass: RateClass {
        switch self {
        case .dtGetToken, .dtAccessToken, .fsToken: return .none
        case .webhook: return .webhook
        case .fsTablesCreate, .fsFieldsCreate, .fsFieldsUpdate, .fsFieldsDelete: return .feishuSchema
        case .fsCreate, .fsUpdate, .fsDelete, .fsBatchCreate, .fsBatchUpdate, .fsBatchDelete: return .feishuWrite
        case .fsTablesList, .fsFieldsList, .fsSearch, .fsList, .fsGet, .fsBatchGet: return .feishuRead
        default: return .dingtalk
        }
    }

    /// Not counted against the monthly quota (tokens; DingTalk contacts; the bot).
    var quotaExempt: Bool {
        isToken || self == .dtUserGet || self == .dtDepartmentGet || self == .webhook
    }

    var tableAccess: TableAccess {
        switch self {
        case .fsFieldsList, .fsSearch, .fsList, .fsGet, .fsBatchGet: return .read
        case .fsFieldsCreate, .fsFieldsUpdate, .fsFieldsDelete, .fsCreate, .fsUpdate, .fsDelete, .fsBatchCreate, .fsBatchUpdate,
             .fsBatchDelete:
            return .write
        default: return .none
        }
    }

    /// Listings that hand out a cursor (`nextToken` / `next_cursor`): the `stuck_cursor` fault.
    var hasCursor: Bool { self == .dtInstanceIds || self == .dtLegacyListIds }

    /// Endpoints whose timeouts (1255040) may be injected at random.
    var isBitable: Bool { family == .feishu && !isToken }
}

/// Path → endpoint. All families share one address; paths do not collide.
enum Router {
    struct Match {
        var endpoint: Endpoint
        var params: [String: String]
    }

    enum Miss {
        /// `/topapi/...` that is not an API: errcode 22.
        case legacyUnknown
        /// `/v1.0/...` unknown path or method: 404 InvalidAction.NotFound.
        case newUnknown
        /// `/open-apis/...`: 404 page.
        case feishuUnknown
        case other
    }

    static func match(method: String, path rawPath: String) -> Result<Match, MissError> {
        let path = rawPath.count > 1 && rawPath.hasSuffix("/") ? String(rawPath.dropLast()) : rawPath
        func ok(_ e: Endpoint, _ p: [String: String] = [:]) -> Result<Match, MissError> { .success(Match(endpoint: e, params: p)) }
        switch path {
        case "/gettoken": return method == "GET" ? ok(.dtGetToken) : .failure(MissError(miss: .other))
        case "/v1.0/oauth2/accessToken": return method == "POST" ? ok(.dtAccessToken) : .failure(MissError(miss: .newUnknown))
        case "/topapi/processinstance/listids": return ok(.dtLegacyListIds)
        case "/topapi/processinstance/get": return ok(.dtLegacyGet)
        case "/topapi/v2/user/get": return ok(.dtUserGet)
        case "/topapi/v2/department/get": return ok(.dtDepartmentGet)
        case "/topapi/process/get_by_name": return ok(.dtGetByName)
        case "/topapi/process/listbyuserid": return ok(.dtListByUserId)
        case "/v1.0/workflow/processes/instanceIds/query":
            return method == "POST" ? ok(.dtInstanceIds) : .failure(MissError(miss: .newUnknown))
        case "/v1.0/workflow/processInstances":
            return method == "GET" ? ok(.dtInstanceGet) : .failure(MissError(miss: .newUnknown))
        case "/v1.0/workflow/processCentres/schemaNames/processCodes":
            return method == "GET" ? ok(.dtProcessCode) : .failure(MissError(miss: .newUnknown))
        case "/v1.0/workflow/processes/userVisibilities/templates":
            return method == "GET" ? ok(.dtTemplates) : .failure(MissError(miss: .newUnknown))
        case "/open-apis/auth/v3/tenant_access_token/internal":
            return method == "POST" ? ok(.fsToken) : .failure(MissError(miss: .feishuUnknown))
        default: break
        }
        if path.hasPrefix("/topapi/") { return .failure(MissError(miss: .legacyUnknown)) }
        if path.hasPrefix("/v1.0/") { return .failure(MissError(miss: .newUnknown)) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // open-apis bot v2 hook <token>
        if parts.count == 5, parts[0] == "open-apis", parts[1] == "bot", parts[2] == "v2", parts[3] == "hook" {
            return method == "POST" ? ok(.webhook, ["hook": parts[4]]) : .failure(MissError(miss: .feishuUnknown))
        }
        // open-apis bitable v1 apps :app tables [:table (fields|records [search|batch_*|:record])]
        guard parts.count >= 5, parts[0] == "open-apis", parts[1] == "bitable", parts[2] == "v1", parts[3] == "apps" else {
            return .failure(MissError(miss: parts.first == "open-apis" ? .feishuUnknown : .other))
        }
        var p = ["app_token": parts[4]]
        let rest = Array(parts.dropFirst(5))
        let miss = Result<Match, MissError>.failure(MissError(miss: .feishuUnknown))
        guard rest.first == "tables" else { return miss }
        if rest.count == 1 {
            switch method {
            case "GET": return ok(.fsTablesList, p)
            case "POST": return ok(.fsTablesCreate, p)
            default: return miss
            }
        }
        p["table_id"] = rest[1]
        guard rest.count >= 3 else { return miss }
        switch (rest[2], rest.count, method) {
        case ("fields", 3, "GET"): return ok(.fsFieldsList, p)
        case ("fields", 3, "POST"): return ok(.fsFieldsCreate, p)
        case ("fields", 4, "PUT"):
            p["field_id"] = rest[3]
            return ok(.fsFieldsUpdate, p)
        case ("fields", 4, "DELETE"):
            p["field_id"] = rest[3]
            return ok(.fsFieldsDelete, p)
        case ("records", 3, "GET"): return ok(.fsList, p)
        case ("records", 3, "POST"): return ok(.fsCreate, p)
        case ("records", 4, _):
            let action = rest[3]
            if method == "POST" {
                switch action {
                case "search": return ok(.fsSearch, p)
                case "batch_create": return ok(.fsBatchCreate, p)
                case "batch_update": return ok(.fsBatchUpdate, p)
                case "batch_delete": return ok(.fsBatchDelete, p)
                case "batch_get": return ok(.fsBatchGet, p)
                default: return miss
                }
            }
            p["record_id"] = action
            switch method {
            case "GET": return ok(.fsGet, p)
            case "PUT": return ok(.fsUpdate, p)
            case "DELETE": return ok(.fsDelete, p)
            default: return miss
            }
        default: return miss
        }
    }

    struct MissError: Error { var miss: Miss }
}
