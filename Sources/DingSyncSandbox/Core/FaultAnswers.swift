/// The gateway's answers for every fault kind and for throttling, in each family's envelope.
struct FaultAnswers: EnvelopeAnswering, Sendable {
    let envelopes: Envelopes
    /// Named in the legacy IP-allowlist error.
    let appKey: String

    // MARK: Throttling

    /// The family's rate-limit answer (`limit` calls, a slot frees in `resetSeconds`).
    func throttle(_ ctx: inout CallContext, limit: Int, resetSeconds: Int) -> SandboxResponse {
        ctx.throttled = true
        switch ctx.endpoint.family {
        case .legacy:
            return legacyError(&ctx, 90018, "当前应用调用该接口的频率已超过限制，请降低调用频率后重试")
        case .new:
            return newError(
                &ctx, 403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
                "应用调用该接口的频率超过限制（每秒 \(limit) 次），请稍后重试")
        case .feishu, .webhook:
            return feishuError(
                &ctx, FeishuError(code: 99_991_400, msg: "request trigger frequency limit", status: 429),
                headers: [("x-ogw-ratelimit-limit", String(limit)), ("x-ogw-ratelimit-reset", String(resetSeconds))])
        }
    }

    private func configuredLimit(_ endpoint: Endpoint, _ s: Settings) -> Int {
        switch endpoint.rateClass {
        case .none, .dingtalk: return s.dingtalkQPS
        case .feishuRead: return s.feishuReadQPS
        case .feishuWrite: return s.feishuWriteQPS
        case .feishuSchema: return s.feishuSchemaQPS
        case .webhook: return s.webhookPerSecond
        }
    }

    // MARK: Faults

    /// What a call that meets `fault` is answered.
    func answer(_ fault: FaultKind, _ ctx: inout CallContext) -> SandboxResponse {
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
            return throttle(&ctx, limit: configuredLimit(endpoint, ctx.settings), resetSeconds: 1)
        case .globalThrottle:
            ctx.throttled = true
            switch family {
            case .legacy:
                return legacyError(&ctx, 90002, "您的服务器调用钉钉开放平台当前接口的所有请求都被暂时禁用了，处罚将在 1 秒后结束")
            case .new: return newError(&ctx, 403, "Forbidden.AccessDenied.QpsLimitForApi", "接口调用频率超过平台整体限制，请稍后重试")
            case .feishu: return throttle(&ctx, limit: configuredLimit(endpoint, ctx.settings), resetSeconds: 1)
            case .webhook: return feishuError(&ctx, FeishuError(code: 11232, msg: "frequency limited"))
            }
        case .timeout:
            ctx.failed = true
            switch family {
            case .feishu: return feishuError(&ctx, FeishuError.timeout)
            default:
                return .text(
                    "<html><body><h1>504 Gateway Time-out</h1></body></html>", status: 504, contentType: "text/html")
            }
        case .writeConflict:
            if family == .feishu { return feishuError(&ctx, FeishuError.writeConflict) }
            return answer(.serverError, &ctx)
        case .tokenInvalid:
            switch family {
            case .legacy:
                return legacyError(
                    &ctx, 88, "ding talk error[subcode=40014,submsg=不合法的access_token]",
                    sub: ("40014", "不合法的access_token"))
            case .new: return newError(&ctx, 400, "InvalidAuthentication", "不合法的access_token")
            case .feishu:
                return feishuError(
                    &ctx,
                    FeishuError(
                        code: 99_991_663,
                        msg: "Invalid access token for authorization. Please make a request with token attached.",
                        status: 400))
            case .webhook: return webhookFailure(&ctx, 19001, "param invalid: incoming webhook access token invalid")
            }
        case .permission:
            let scope = endpoint.scope ?? "bitable:app"
            switch family {
            case .legacy:
                return legacyError(
                    &ctx, 60011,
                    "没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp-server/add-api-permission（\(scope)）")
            case .new:
                return newError(
                    &ctx, 403, "Forbidden.AccessDenied.AccessTokenPermissionDenied",
                    "没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp-server/add-api-permission",
                    scopes: [scope])
            case .feishu:
                return feishuError(
                    &ctx,
                    FeishuError(
                        code: 99_991_672, msg: "Access denied. One of the following scopes is required: [\(scope)].",
                        status: 400),
                    extra: [
                        (
                            "permission_violations",
                            .array([.object([("type", "action_privilege_required"), ("subject", .string(scope))])])
                        )
                    ])
            case .webhook: return webhookFailure(&ctx, 19001, "param invalid: incoming webhook access token invalid")
            }
        case .ip:
            let ip = ctx.request.remoteAddress ?? "127.0.0.1"
            switch family {
            case .legacy: return legacyError(&ctx, 60020, "访问ip不在白名单之中,request ip=\(ip) appKey(\(appKey))")
            case .new:
                return newError(&ctx, 403, "Forbidden.AccessDenied.IpNotInWhiteList", "访问ip不在白名单之中, request ip=\(ip)")
            case .feishu:
                return feishuError(
                    &ctx,
                    FeishuError(
                        code: 99_991_401, msg: "The IP address \(ip) is not in the allowlist of this app.", status: 400)
                )
            case .webhook: return webhookFailure(&ctx, 19022, "Ip Not Allowed")
            }
        case .quota:
            switch family {
            case .legacy: return legacyError(&ctx, 90020, "您的企业本月api调用量已超过限制，请升级版本或下月再试")
            case .new: return newError(&ctx, 403, "Forbidden.AccessDenied.ApiCountLimitForOrg", "企业本月接口调用量已超过限制")
            case .feishu:
                return feishuError(
                    &ctx,
                    FeishuError(code: 99_991_403, msg: "the API call quota of this month is exhausted", status: 403))
            case .webhook: return feishuError(&ctx, FeishuError(code: 11232, msg: "frequency limited"))
            }
        case .flood:
            ctx.failed = true
            ctx.throttled = true
            return .json(
                .object([
                    ("status", 1111), ("wait", 5), ("source", "x5"), ("punish", "deny"),
                    ("uuid", .string(envelopes.newRequestId()))
                ]))
        case .custom(let status, let body, let headers):
            ctx.failed = true
            if let text = body.stringValue {
                var r = SandboxResponse.text(text, status: status)
                r.headers += headers
                return r
            }
            return .json(body, status: status, headers: headers)
        case .drop, .delay, .trickle, .stuckCursor:
            return answer(.serverError, &ctx)
        }
    }
}
