/// Envelopes of each family, and the answers for every fault kind.
extension SandboxCore {
    // MARK: DingTalk legacy (HTTP 200, errcode)

    func legacyOK(_ pairs: [(String, JSONValue)]) -> SandboxResponse {
        .json(.object([("errcode", 0), ("errmsg", "ok")] + pairs + [("request_id", .string(state.legacyRequestId()))]))
    }

    func legacyError(_ ctx: inout CallContext, _ errcode: Int, _ errmsg: String, sub: (String, String)? = nil) -> SandboxResponse {
        ctx.failed = true
        var pairs: [(String, JSONValue)] = [("errcode", .int(errcode)), ("errmsg", .string(errmsg))]
        if let sub {
            pairs.append(("sub_code", .string(sub.0)))
            pairs.append(("sub_msg", .string(sub.1)))
        }
        pairs.append(("request_id", .string(state.legacyRequestId())))
        return .json(.object(pairs))
    }

    // MARK: DingTalk new (HTTP status, code/message/requestid)

    func newJSON(_ value: JSONValue, status: Int = 200) -> SandboxResponse {
        let id = state.newRequestId()
        return .json(value, status: status, headers: [("x-acs-request-id", id), ("x-acs-trace-id", state.noiseRng.hex(32))])
    }

    func newError(_ ctx: inout CallContext, _ status: Int, _ code: String, _ message: String, scopes: [String]? = nil) -> SandboxResponse {
        ctx.failed = true
        var pairs: [(String, JSONValue)] = [("code", .string(code)), ("requestid", .string(state.newRequestId())), ("message", .string(message))]
        if let scopes { pairs.append(("accessdenieddetail", .object([("requiredScopes", .strings(scopes))]))) }
        return newJSON(.object(pairs), status: status)
    }

    // MARK: Feishu (code/msg/data)

    func feishuOK(_ data: JSONValue) -> SandboxResponse {
        .json(.object([("code", 0), ("msg", "success"), ("data", data)]), headers: [("X-Tt-Logid", state.logId())])
    }

    func feishuError(_ ctx: inout CallContext, _ error: FeishuError, headers: [(String, String)] = [],
                     extra: [(String, JSONValue)] = []) -> SandboxResponse {
        ctx.failed = true
        let log = state.logId()
        let errorObject = JSONValue.object([("log_id", .string(log))] + extra)
        return .json(.object([("code", .int(error.code)), ("msg", .string(error.msg)), ("data", .object([])), ("error", errorObject)]),
                     status: error.status, headers: [("X-Tt-Logid", log)] + headers)
    }

    // MARK: Throttling

    func throttleResponse(_ ctx: inout CallContext, limit: Int, resetSeconds: Int) -> SandboxResponse {
        ctx.throttled = true
        switch ctx.endpoint.family {
        case .legacy:
            return legacyError(&ctx, 90018, "当前应用调用该接口的频率已超过限制，请降低调用频率后重试")
        case .new:
            return newError(&ctx, 403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
                            "应用调用该接口的频率超过限制（每秒 \(limit) 次），请稍后重试")
        case .feishu, .webhook:
            return feishuError(&ctx, FeishuError(code: 99991400, msg: "request trigger frequency limit", status: 429),
                               headers: [("x-ogw-ratelimit-limit", String(limit)), ("x-ogw-ratelimit-reset", String(resetSeconds))])
        }
    }

    private func configuredLimit(_ endpoint: Endpoint) -> Int {
        let s = state.settings
        switch endpoint.rateClass {
        case .none, .dingtalk: return s.dingtalkQPS
        case .feishuRead: return s.feishuReadQPS
        case .feishuWrite: return s.feishuWriteQPS
        case .feishuSchema: return s.feishuSchemaQPS
        case .webhook: return s.webhookPerSecond
        }
    }

    // MARK: Faults

    func faultResponse(_ fault: FaultKind, _ ctx: inout CallContext) -> SandboxResponse {
        let endpoint = ctx.endpoint
        let family = endpoint.family
        switch fault {
        case .serverError:
            switch family {
            case .legacy: return legacyError(&ctx, -1, "系统繁忙")
            case .new: return newError(&ctx, 500, "systemError", "系统错误")
            case .feishu: return feishuError(&ctx, FeishuError.internalError)
            case .webhook:
                ctx.failed = true
                return .text("Internal Server Error", status: 500)
            }
        case .throttle:
            return throttleResponse(&ctx, limit: configuredLimit(endpoint), resetSeconds: 1)
        case .globalThrottle:
            ctx.throttled = true
            switch family {
            case .legacy:
                return legacyError(&ctx, 90002, "您的服务器调用钉钉开放平台当前接口的所有请求都被暂时禁用了，处罚将在 1 秒后结束")
            case .new: return newError(&ctx, 403, "Forbidden.AccessDenied.QpsLimitForApi", "接口调用频率超过平台整体限制，请稍后重试")
            case .feishu: return throttleResponse(&ctx, limit: configuredLimit(endpoint), resetSeconds: 1)
            case .webhook: return feishuError(&ctx, FeishuError(code: 11232, msg: "frequency limited"))
            }
        case .timeout:
            ctx.failed = true
            switch family {
            case .feishu: return feishuError(&ctx, FeishuError.timeout)
            default: return .text("<html><body><h1>504 Gateway Time-out</h1></body></html>", status: 504, contentType: "text/html")
            }
        case .writeConflict:
            if family == .feishu { return feishuError(&ctx, FeishuError.writeConflict) }
            return faultResponse(.serverError, &ctx)
        case .tokenInvalid:
            switch family {
            case .legacy:
                return legacyError(&ctx, 88, "ding talk error[subcode=40014,submsg=不合法的access_token]", sub: ("40014", "不合法的access_token"))
            case .new: return newError(&ctx, 400, "InvalidAuthentication", "不合法的access_token")
            case .feishu:
                return feishuError(&ctx, FeishuError(code: 99991663, msg: "Invalid access token for authorization. Please make a request with token attached.", status: 400))
            case .webhook: return webhookFailure(&ctx, 19001, "param invalid: incoming webhook access token invalid")
            }
        case .permission:
            let scope = endpoint.scope ?? "bitable:app"
            switch family {
            case .legacy: return legacyError(&ctx, 60011, "没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp-server/add-api-permission（\(scope)）")
            case .new:
                return newError(&ctx, 403, "Forbidden.AccessDenied.AccessTokenPermissionDenied",
                                "没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp-server/add-api-permission",
                                scopes: [scope])
            case .feishu:
                return feishuError(&ctx, FeishuError(code: 99991672, msg: "Access denied. One of the following scopes is required: [\(scope)].", status: 400),
                                   extra: [("permission_violations", .array([.object([("type", "action_privilege_required"), ("subject", .string(scope))])]))])
            case .webhook: return webhookFailure(&ctx, 19001, "param invalid: incoming webhook access token invalid")
            }
        case .ip:
            let ip = ctx.request.remoteAddress ?? "127.0.0.1"
            switch family {
            case .legacy: return legacyError(&ctx, 60020, "访问ip不在白名单之中,request ip=\(ip) appKey(\(identity.appKey))")
            case .new: return newError(&ctx, 403, "Forbidden.AccessDenied.IpNotInWhiteList", "访问ip不在白名单之中, request ip=\(ip)")
            case .feishu: return feishuError(&ctx, FeishuError(code: 99991401, msg: "The IP address \(ip) is not in the allowlist of this app.", status: 400))
            case .webhook: return webhookFailure(&ctx, 19022, "Ip Not Allowed")
            }
        case .quota:
            switch family {
            case .legacy: return legacyError(&ctx, 90020, "您的企业本月api调用量已超过限制，请升级版本或下月再试")
            case .new: return newError(&ctx, 403, "Forbidden.AccessDenied.ApiCountLimitForOrg", "企业本月接口调用量已超过限制")
            case .feishu: return feishuError(&ctx, FeishuError(code: 99991403, msg: "the API call quota of this month is exhausted", status: 403))
            case .webhook: return feishuError(&ctx, FeishuError(code: 11232, msg: "frequency limited"))
            }
        case .flood:
            ctx.failed = true
            ctx.throttled = true
            return .json(.object([("status", 1111), ("wait", 5), ("source", "x5"), ("punish", "deny"), ("uuid", .string(state.newRequestId()))]))
        case let .custom(status, body, headers):
            ctx.failed = true
            if let text = body.stringValue {
                var r = SandboxResponse.text(text, status: status)
                r.headers += headers
                return r
            }
            return .json(body, status: status, headers: headers)
        case .drop, .delay, .trickle, .stuckCursor:
            return faultResponse(.serverError, &ctx)
        }
    }

    func webhookFailure(_ ctx: inout CallContext, _ code: Int, _ msg: String, status: Int = 200) -> SandboxResponse {
        ctx.failed = true
        return .json(.object([("code", .int(code)), ("msg", .string(msg)), ("data", .object([]))]), status: status)
    }
}
