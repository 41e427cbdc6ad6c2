import DingSyncBasics
import DingSyncProcessing
import Foundation

/// Turns DingTalk answers of both families into `APIError`s with the fix (reference §7).
enum DingTalkErrors {
    /// Legacy oapi: HTTP 200 with `errcode` (auth problems wrapped in 88 + string `sub_code`).
    /// Returns nil for success.
    static func classifyLegacy(_ response: HTTPResponse, api: String) -> APIError? {
        if response.status >= 500 {
            return APIError(
                platform: .dingtalk, api: api, code: "HTTP \(response.status)", message: "server error",
                kind: .transient, httpStatus: response.status)
        }
        guard let body = JSON.parseObject(response.body) else { return nonJSON(response, api: api) }
        if body.string("punish") != nil || body.int("status") == 1111 {
            return APIError(
                platform: .dingtalk, api: api, code: "IP flood protection",
                message: "DingTalk banned this IP for a while",
                hint: "too many calls from this IP; wait 5 minutes", kind: .throttled(hint: 60),
                httpStatus: response.status)
        }
        guard let errcode = body.int("errcode") else {
            if response.status != 200 {
                return APIError(
                    platform: .dingtalk, api: api, code: "HTTP \(response.status)", message: "unexpected answer",
                    kind: .transient, httpStatus: response.status)
            }
            return nil
        }
        if errcode == 0 { return nil }
        let message = [body.string("errmsg"), body.string("sub_msg")].compactMap { $0 }.filter { !$0.isEmpty }.joined(
            separator: ": ")
        var code = "\(errcode)"
        var effective = "\(errcode)"
        if errcode == 88, let sub = body.string("sub_code"), !sub.isEmpty {
            code = "88/\(sub)"
            effective = sub
        }
        let (kind, hint) = meaning(of: effective, api: api)
        return APIError(
            platform: .dingtalk, api: api, code: code, message: message, hint: hint, kind: kind,
            scope: scope(kind, hint),
            condition: condition(of: effective), httpStatus: response.status)
    }

    /// New API: 2xx success, otherwise `{"code","message","requestid"}`. Returns nil for success.
    static func classifyNew(_ response: HTTPResponse, api: String) -> APIError? {
        if (200..<300).contains(response.status) { return nil }
        guard let body = JSON.parseObject(response.body) else {
            if response.status >= 500 {
                return APIError(
                    platform: .dingtalk, api: api, code: "HTTP \(response.status)", message: "server error",
                    kind: .transient, httpStatus: response.status)
            }
            return nonJSON(response, api: api)
        }
        let code = body.string("code") ?? "HTTP \(response.status)"
        var message = body.string("message") ?? ""
        if let request = body.string("requestid") { message += " (requestid \(request))" }
        var (kind, hint) = meaning(of: code, api: api)
        if code == "Forbidden.AccessDenied.AccessTokenPermissionDenied",
            let scopes = body.child("accessdenieddetail")?.strings("requiredScopes"), !scopes.isEmpty
        {
            hint =
                "the app lacks the permission \(scopes.joined(separator: ", ")): add it in the DingTalk developer console (开发者后台 → 权限管理) and publish the app"
        }
        if response.status >= 500, kind == .fatal {
            kind = .transient
            hint = ""
        }
        return APIError(
            platform: .dingtalk, api: api, code: code, message: message, hint: hint, kind: kind,
            scope: scope(kind, hint),
            condition: condition(of: code), httpStatus: response.status)
    }

    private static func nonJSON(_ response: HTTPResponse, api: String) -> APIError {
        // An HTML page instead of JSON is DingTalk's flood protection (reference §7).
        APIError(
            platform: .dingtalk, api: api, code: "HTTP \(response.status)",
            message: "answer is not JSON (flood protection or a proxy)",
            kind: .throttled(hint: 30), httpStatus: response.status)
    }

    /// A fatal answer with a fix (credentials, permission, IP, quota, template) concerns the run.
    static func scope(_ kind: FailureKind, _ hint: String) -> APIError.Scope {
        kind == .fatal && !hint.isEmpty ? .run : .call
    }

    /// Parameter refusals of either family (`invalidParameter`, `invalidNextToken`, …; legacy 400002).
    static func condition(of code: String) -> APIError.Condition {
        code.hasPrefix("invalid") && code != "invalidClientIdOrSecret" && code != "invalidProcessCode"
            || code == "400002" || code == "timeStamp.invalid" || code == "pageSize.invalid"
            || code == "pageIndex.invalid"
            ? .invalidParameter : .other
    }

    /// Meaning of a code of either family.
    static func meaning(of code: String, api: String) -> (FailureKind, String) {
        switch code {
        case "40014", "42001", "40001", "InvalidAuthentication":
            return (.invalidToken, "")
        case "90018", "90006", "90005", "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
            "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi":
            return (
                .throttled(
                    hint: code.hasPrefix("Forbidden.AccessDenied.Qpm") || code == "90006" || code == "90005" ? 10 : 1),
                ""
            )
        case "90002", "Forbidden.AccessDenied.QpsLimitForApi":
            return (.throttled(hint: 2), "")
        case "-1", "400001", "systemError", "system.error", "internalError", "ServiceUnavailable",
            "benefit.query.error":
            return (.transient, "")
        case "oaplus.query.limit":
            return (.throttled(hint: 2), "")
        case "benefit.status.invalid":
            return (
                .fatal,
                "the organisation has no OA premium (OA高级版), or it expired: the premium listing is not available to it. Set dingtalk.api: new (or renew OA高级版)"
            )
        case "processCode.error":
            return (.fatal, "check dingtalk.process_codes: the template does not exist or is not visible to this app")
        case "40096", "40089", "invalidClientIdOrSecret":
            return (.fatal, "check dingtalk.app_key and dingtalk.app_secret (开发者后台 → 凭证与基础信息)")
        case "40000", "41001", "AuthenticationFailed.MissingParameter":
            return (.fatal, "the access token was not sent; this is a bug in dingsync, please report it")
        case "60011", "Forbidden.AccessDenied.AccessTokenPermissionDenied", "8100017", "43007", "permission.error":
            return (
                .fatal,
                "the app lacks the permission for \(api): \(scope(for: api)) — add it in the DingTalk developer console (开发者后台 → 权限管理) and publish the app"
            )
        case "60020", "Forbidden.AccessDenied.IpNotInWhiteList":
            return (
                .fatal,
                "this machine's egress IP is not in the app's IP whitelist: add it in the developer console (开发者后台 → 安全设置 → 服务器出口IP)"
            )
        case "90020", "Forbidden.AccessDenied.ApiCountLimitForOrg":
            return (
                .fatal,
                "the organisation's monthly API quota is used up; calls work again next calendar month (or upgrade the DingTalk edition)"
            )
        case "50002":
            return (.fatal, "the user is outside the app's contacts scope (通讯录权限范围)")
        case "invalidProcessCode", "820004", "process.error":
            return (.fatal, "check dingtalk.process_codes: the template does not exist or is not visible to this app")
        default:
            return (.fatal, "")
        }
    }

    static func scope(for api: String) -> String {
        switch api {
        case "user/get": return "qyapi_get_member (成员信息读权限)"
        case "department/get": return "qyapi_get_department_list (部门信息读权限)"
        case "listids", "processinstance/get":
            return "Workflow.Instance.Read (工作流实例读权限), or for the legacy API the OA approval permission"
        case "premium/instances":
            return "Premium.Workflow.ReadWrite.All (OA审批工作流读写权限, OA高级版专享)"
        default: return "Workflow.Form.Read (工作流模板读权限)"
        }
    }
}
