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
        func ok(_ e: Endpoint, _ p: [String: String] = [:]) -> Result<Match, MissError> {
            .success(Match(endpoint: e, params: p))
        }
        switch path {
        case "/gettoken": return method == "GET" ? ok(.dtGetToken) : .failure(MissError(miss: .other))
        case "/v1.0/gateway/connections/open":
            return method == "POST" ? ok(.dtStreamOpen) : .failure(MissError(miss: .newUnknown))
        case "/v1.0/oauth2/accessToken":
            return method == "POST" ? ok(.dtAccessToken) : .failure(MissError(miss: .newUnknown))
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
        guard parts.count >= 5, parts[0] == "open-apis", parts[1] == "bitable", parts[2] == "v1", parts[3] == "apps"
        else {
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
        case ("views", 3, "GET"): return ok(.fsViewsList, p)
        case ("views", 3, "POST"): return ok(.fsViewsCreate, p)
        case ("views", 4, _):
            p["view_id"] = rest[3]
            switch method {
            case "GET": return ok(.fsViewsGet, p)
            case "PATCH": return ok(.fsViewsPatch, p)
            case "DELETE": return ok(.fsViewsDelete, p)
            default: return miss
            }
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
