/// New "api" endpoints: HTTP 4xx/5xx with `code`/`message`/`requestid`, camelCase,
/// JSON bodies only, int64 request numbers.
extension DingTalkSimulator {
    private func newBody(_ ctx: inout CallContext) -> Result<JSONValue, LegacyFailure> {
        guard !ctx.request.body.isEmpty, let json = try? JSONValue.parse(ctx.request.body), json.objectPairs != nil
        else {
            return .failure(
                LegacyFailure(response: newError(&ctx, 400, "Missingbody", "body is mandatory for this action.")))
        }
        return .success(json)
    }

    // MARK: POST /v1.0/oauth2/accessToken

    func newAccessToken(_ ctx: inout CallContext) -> SandboxResponse {
        let body: JSONValue
        switch newBody(&ctx) {
        case .success(let b): body = b
        case .failure(let f): return f.response
        }
        guard let key = body["appKey"]?.stringValue, !key.isEmpty else {
            return newError(&ctx, 400, "MissingappKey", "appKey is mandatory for this action.")
        }
        guard let secret = body["appSecret"]?.stringValue, !secret.isEmpty else {
            return newError(&ctx, 400, "MissingappSecret", "appSecret is mandatory for this action.")
        }
        guard key == identity.appKey, secret == identity.appSecret else {
            return newError(&ctx, 400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
        }
        let token = issueToken(now: ctx.nowMs, lifetimeSeconds: ctx.settings.tokenLifetime)
        return newJSON(.object([("accessToken", .string(token)), ("expireIn", .int(ctx.settings.tokenLifetime))]))
    }

    // MARK: POST /v1.0/workflow/processes/instanceIds/query

    func newInstanceIds(_ ctx: inout CallContext) -> SandboxResponse {
        let body: JSONValue
        switch newBody(&ctx) {
        case .success(let b): body = b
        case .failure(let f): return f.response
        }
        guard let code = body["processCode"]?.stringValue, !code.isEmpty else {
            return newError(&ctx, 400, "invalidProcessCode", "审批模板processCode不能为空")
        }
        guard let startValue = body["startTime"], !startValue.isNull else {
            return newError(&ctx, 400, "invalidInstanceListIdsStartTime", "开始时间startTime不能为空")
        }
        guard let start = startValue.int64Value else {
            return newError(&ctx, 400, "invalidInstanceListIdsStartTime", "开始时间startTime须为毫秒时间戳(int64)")
        }
        var end: Int64?
        if let e = body["endTime"], !e.isNull {
            guard let v = e.int64Value else {
                return newError(&ctx, 400, "invalidEndTime", "结束时间endTime须为毫秒时间戳(int64)")
            }
            end = v
        }
        guard let tokenValue = body["nextToken"], !tokenValue.isNull else {
            return newError(&ctx, 400, "invalidNextToken", "nextToken不能为空，首次调用传0")
        }
        // Documented as int64; the SDKs send the answer's string back as it came: a JSON number
        // or a string of digits are both taken.
        guard let offset = Self.cursorValue(tokenValue), offset >= 0, offset <= Int64(Int32.max) else {
            return newError(&ctx, 400, "invalidNextToken", "nextToken须为int64数字（或数字字符串）")
        }
        guard let sizeValue = body["maxResults"], !sizeValue.isNull else {
            return newError(&ctx, 400, "invalidMaxResults", "maxResults不能为空")
        }
        guard let size = sizeValue.int64Value, size >= 1, size <= 20 else {
            return newError(&ctx, 400, "invalidMaxResults", "maxResults须在1到20之间")
        }
        var userIds: [String] = []
        if let u = body["userIds"], !u.isNull {
            guard let items = u.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                return newError(&ctx, 400, "invalidUserIds", "userIds须为字符串数组")
            }
            userIds = items.compactMap(\.stringValue)
            if userIds.count > 10 { return newError(&ctx, 400, "invalidUserIds", "userIds最多10个") }
        }
        var statuses: [String] = []
        if let s = body["statuses"], !s.isNull {
            let allowed: Set<String> = ["RUNNING", "TERMINATED", "COMPLETED", "NEW", "CANCELED"]
            guard let items = s.arrayValue, items.allSatisfy({ $0.stringValue.map(allowed.contains) ?? false }) else {
                return newError(&ctx, 400, "invalidParameter", "statuses取值为RUNNING、TERMINATED、COMPLETED")
            }
            statuses = items.compactMap(\.stringValue)
        }
        guard world.template(code: code) != nil else {
            return newError(&ctx, 400, "invalidProcessCode", "审批模板processCode不存在")
        }
        let (effectiveEnd, problem) = checkWindow(start: start, end: end, now: ctx.nowMs)
        switch problem {
        case .endBeforeStart: return newError(&ctx, 400, "invalidEndTime", "结束时间不能早于开始时间")
        case .spanTooLong: return newError(&ctx, 400, "invalidEndTime", "开始时间和结束时间的间隔不能超过120天")
        case .startTooOld: return newError(&ctx, 400, "invalidInstanceListIdsStartTime", "开始时间不能早于当前时间365天")
        case nil: break
        }
        var (ids, next) = listPage(
            code: code, start: start, end: effectiveEnd, userIds: userIds, statuses: statuses,
            cap: ctx.settings.maxIdsPerQuery, offset: Int(offset), size: Int(size))
        if ctx.stuckCursor { next = Int(offset) }
        var result: [(String, JSONValue)] = [("list", .strings(ids))]
        if let next { result.append(("nextToken", .string(String(next)))) }
        return newJSON(.object([("result", .object(result)), ("success", newAPISuccess(ctx.settings))]))
    }

    /// A cursor sent as a JSON integer or as a string of ASCII digits.
    static func cursorValue(_ value: JSONValue) -> Int64? {
        if let n = value.int64Value { return n }
        guard let text = value.stringValue, !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        return Int64(text)
    }

    /// `success` of new-API answers: JSON `true` (as observed) or `"true"` (as documented),
    /// after the `new_api_success` setting.
    func newAPISuccess(_ settings: Settings) -> JSONValue {
        settings.newAPISuccess == .string ? .string("true") : .bool(true)
    }

    // MARK: GET /v1.0/workflow/processInstances

    func newGetInstance(_ ctx: inout CallContext) -> SandboxResponse {
        guard let id = ctx.request.query("processInstanceId"), !id.isEmpty else {
            return newError(&ctx, 400, "processInstanceIdError", "processInstanceId参数无效")
        }
        guard let inst = world.instances[id] else {
            return newError(&ctx, 400, "processInstanceNotExist", "审批实例不存在")
        }
        let rendered = InstanceRendering.new(inst, beijing: ctx.settings.newAPITimes == .beijing)
        return newJSON(.object([("result", rendered), ("success", newAPISuccess(ctx.settings))]))
    }

    // MARK: GET /v1.0/workflow/processCentres/schemaNames/processCodes

    func newProcessCode(_ ctx: inout CallContext) -> SandboxResponse {
        guard let name = ctx.request.query("name"), !name.isEmpty else {
            return newError(&ctx, 400, "invalidParameter", "name不能为空")
        }
        if name.count > 64 { return newError(&ctx, 400, "invalidParameter", "name长度不能超过64") }
        guard let template = world.templates.first(where: { $0.name == name }) else {
            return newError(&ctx, 400, "process.error", "模板不存在")
        }
        return newJSON(
            .object([
                (
                    "result",
                    .object([
                        ("processCode", .string(template.code)),
                        (
                            "gmtModified",
                            .string(
                                TimeFormat.newAPI(template.gmtModified, beijing: ctx.settings.newAPITimes == .beijing))
                        )
                    ])
                )
            ]))
    }

    // MARK: GET /v1.0/workflow/processes/userVisibilities/templates

    func newTemplates(_ ctx: inout CallContext) -> SandboxResponse {
        guard let sizeText = ctx.request.query("maxResults"), !sizeText.isEmpty else {
            return newError(&ctx, 400, "invalidMaxResults", "maxResults不能为空")
        }
        guard let size = Int(sizeText), size >= 1, size <= 100 else {
            return newError(&ctx, 400, "invalidMaxResults", "maxResults须在1到100之间")
        }
        guard let tokenText = ctx.request.query("nextToken"), !tokenText.isEmpty else {
            return newError(&ctx, 400, "invalidNextToken", "nextToken不能为空，首次调用传0")
        }
        guard let offset = Int(tokenText), offset >= 0 else {
            return newError(&ctx, 400, "invalidNextToken", "nextToken无效")
        }
        if let userId = ctx.request.query("userId"), !userId.isEmpty, world.users[userId] == nil {
            return newError(&ctx, 400, "invalidUserId", "用户不存在")
        }
        let all = world.templates
        let lower = min(offset, all.count)
        let upper = min(lower + size, all.count)
        var result: [(String, JSONValue)] = []
        if upper < all.count { result.append(("nextToken", .int(upper))) }
        result.append(
            (
                "processList",
                .array(
                    all[lower..<upper].map { t in
                        .object([
                            ("name", .string(t.name)), ("processCode", .string(t.code)),
                            ("iconUrl", .string(t.iconUrl)),
                            ("url", .string(t.url)), ("dirId", .string(t.dirId)), ("dirName", .string(t.dirName))
                        ])
                    })
            ))
        return newJSON(.object([("result", .object(result))]))
    }
}
