/// Legacy "oapi" endpoints: HTTP 200 always, `errcode`/`errmsg`, snake_case, JSON or
/// form bodies, numbers or numeric strings.
extension DingTalkSimulator {
    /// Parameter errors of `/topapi/*` (the reference leaves them open): errcode 400002.
    static let legacyParamErrcode = 400002

    private func legacyParamError(_ ctx: inout CallContext, _ detail: String) -> SandboxResponse {
        legacyError(&ctx, Self.legacyParamErrcode, "无效的参数: \(detail)")
    }

    /// The request parameters from a JSON object or a form body.
    private func legacyBody(_ ctx: inout CallContext) -> Result<JSONValue, LegacyFailure> {
        if ctx.request.method != "POST" {
            return .failure(LegacyFailure(response: legacyError(&ctx, 43002, "需要POST请求")))
        }
        if ctx.request.isFormBody {
            if ctx.request.bodyText.trimmingSpaces.hasPrefix("{") {
                return .failure(
                    LegacyFailure(
                        response: legacyParamError(
                            &ctx,
                            "Content-Type 为 application/x-www-form-urlencoded，请求体却是 JSON（请发送 Content-Type: application/json）"
                        )))
            }
            let pairs = FormCoding.decode(ctx.request.bodyText).filter { $0.0 != "access_token" }
            return .success(.object(pairs.map { ($0.0, .string($0.1)) }))
        }
        let text = ctx.request.bodyText.trimmingSpaces
        if text.isEmpty { return .success(.object([])) }
        guard let json = try? JSONValue.parse(ctx.request.body), json.objectPairs != nil else {
            return .failure(LegacyFailure(response: legacyParamError(&ctx, "请求体不是合法的JSON对象")))
        }
        return .success(json)
    }

    struct LegacyFailure: Error { var response: SandboxResponse }

    // MARK: /gettoken

    func legacyGetToken(_ ctx: inout CallContext) -> SandboxResponse {
        guard let key = ctx.request.query("appkey"), !key.isEmpty, let secret = ctx.request.query("appsecret"),
            !secret.isEmpty
        else {
            return legacyError(&ctx, 40035, "缺少参数 appkey 或 appsecret")
        }
        guard key == identity.appKey, secret == identity.appSecret else {
            return legacyError(&ctx, 40096, "不合法的appKey或appSecret")
        }
        let token = issueToken(now: ctx.nowMs, lifetimeSeconds: ctx.settings.tokenLifetime)
        return .json(
            .object([
                ("errcode", 0), ("access_token", .string(token)), ("errmsg", "ok"),
                ("expires_in", .int(ctx.settings.tokenLifetime))
            ]))
    }

    // MARK: processinstance/listids

    func legacyListIds(_ ctx: inout CallContext) -> SandboxResponse {
        let body: JSONValue
        switch legacyBody(&ctx) {
        case .success(let b): body = b
        case .failure(let f): return f.response
        }
        guard let code = body["process_code"]?.lenientString, !code.isEmpty else {
            return legacyParamError(&ctx, "process_code 不能为空")
        }
        guard let start = body["start_time"]?.lenientInt64 else {
            return legacyParamError(&ctx, "start_time 不能为空，须为毫秒时间戳")
        }
        var end: Int64?
        if let e = body["end_time"], !e.isNull {
            guard let v = e.lenientInt64 else { return legacyParamError(&ctx, "end_time 须为毫秒时间戳") }
            end = v
        }
        var size = 10
        if let s = body["size"], !s.isNull {
            guard let v = s.lenientInt64, v >= 1, v <= 20 else { return legacyParamError(&ctx, "size 须在 1 到 20 之间") }
            size = Int(v)
        }
        var cursor = 0
        if let c = body["cursor"], !c.isNull {
            guard let v = c.lenientInt64, v >= 0, v <= Int64(Int32.max) else {
                return legacyParamError(&ctx, "cursor 无效")
            }
            cursor = Int(v)
        }
        var userIds: [String] = []
        if let u = body["userid_list"], !u.isNull {
            guard let s = u.stringValue else { return legacyParamError(&ctx, "userid_list 须为逗号分隔的字符串") }
            userIds = s.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
            if userIds.count > 10 { return legacyParamError(&ctx, "userid_list 最多 10 个") }
        }
        guard world.template(code: code) != nil else { return legacyParamError(&ctx, "process_code 对应的模板不存在") }
        let (effectiveEnd, problem) = checkWindow(start: start, end: end, now: ctx.nowMs)
        switch problem {
        case .endBeforeStart: return legacyParamError(&ctx, "end_time 不能早于 start_time")
        case .spanTooLong: return legacyParamError(&ctx, "时间跨度不能超过 120 天")
        case .startTooOld: return legacyParamError(&ctx, "start_time 不能早于当前时间 365 天")
        case nil: break
        }
        var (ids, next) = listPage(
            code: code, start: start, end: effectiveEnd, userIds: userIds, statuses: [],
            cap: ctx.settings.maxIdsPerQuery, offset: cursor, size: size)
        if ctx.stuckCursor { next = cursor }
        var result: [(String, JSONValue)] = [("list", .strings(ids))]
        if let next { result.append(("next_cursor", .int(next))) }
        return legacyOK([("result", .object(result))])
    }

    // MARK: processinstance/get

    func legacyGetInstance(_ ctx: inout CallContext) -> SandboxResponse {
        let body: JSONValue
        switch legacyBody(&ctx) {
        case .success(let b): body = b
        case .failure(let f): return f.response
        }
        guard let id = body["process_instance_id"]?.lenientString, !id.isEmpty else {
            return legacyParamError(&ctx, "process_instance_id 不能为空")
        }
        guard let inst = world.instances[id] else { return legacyParamError(&ctx, "审批实例不存在") }
        return legacyOK([("process_instance", InstanceRendering.legacy(inst))])
    }

    // MARK: v2/user/get, v2/department/get

    func legacyUserGet(_ ctx: inout CallContext) -> SandboxResponse {
        let body: JSONValue
        switch legacyBody(&ctx) {
        case .success(let b): body = b
        case .failure(let f): return f.response
        }
        guard let userid = body["userid"]?.lenientString, !userid.isEmpty, userid.count <= 64 else {
            return legacyParamError(&ctx, "userid 不能为空")
        }
        guard let user = world.users[userid] else { return legacyError(&ctx, 60121, "找不到该用户") }
        return legacyOK([("result", InstanceRendering.legacyUser(user))])
    }

    func legacyDepartmentGet(_ ctx: inout CallContext) -> SandboxResponse {
        let body: JSONValue
        switch legacyBody(&ctx) {
        case .success(let b): body = b
        case .failure(let f): return f.response
        }
        guard let deptId = body["dept_id"]?.lenientInt64 else { return legacyParamError(&ctx, "dept_id 不能为空") }
        guard let dept = world.departments[deptId] else { return legacyError(&ctx, 60003, "部门不存在") }
        var b = ObjectBuilder()
        b.set("dept_id", .int(dept.id))
        b.set("name", dept.name)
        b.set("parent_id", dept.parentId.map { JSONValue.int($0) })
        b.set("order", .int(dept.order))
        b.setNonEmpty("dept_manager_userid_list", dept.managerUserIds)
        b.set("hide_dept", .bool(false))
        b.set("create_dept_group", .bool(true))
        b.set("auto_add_user", .bool(true))
        return legacyOK([("result", b.value)])
    }

    // MARK: process/get_by_name, process/listbyuserid

    func legacyGetByName(_ ctx: inout CallContext) -> SandboxResponse {
        let body: JSONValue
        switch legacyBody(&ctx) {
        case .success(let b): body = b
        case .failure(let f): return f.response
        }
        guard let name = body["name"]?.lenientString, !name.isEmpty else { return legacyParamError(&ctx, "name 不能为空") }
        guard let template = world.templates.first(where: { $0.name == name }) else {
            return legacyError(&ctx, 820004, "模板不存在")
        }
        return .json(
            .object([
                ("errcode", 0), ("errmsg", "ok"), ("process_code", .string(template.code)),
                ("request_id", .string(envelopes.legacyRequestId()))
            ]))
    }

    func legacyListByUserId(_ ctx: inout CallContext) -> SandboxResponse {
        let body: JSONValue
        switch legacyBody(&ctx) {
        case .success(let b): body = b
        case .failure(let f): return f.response
        }
        guard let offset = body["offset"]?.lenientInt64, offset >= 0 else {
            return legacyParamError(&ctx, "offset 不能为空")
        }
        guard let size = body["size"]?.lenientInt64, size >= 1, size <= 100 else {
            return legacyParamError(&ctx, "size 须在 1 到 100 之间")
        }
        if let userid = body["userid"]?.lenientString, !userid.isEmpty, world.users[userid] == nil {
            return legacyError(&ctx, 60121, "找不到该用户")
        }
        let all = world.templates
        let lower = min(Int(offset), all.count)
        let upper = min(lower + Int(size), all.count)
        var result: [(String, JSONValue)] = [
            (
                "process_list",
                .array(
                    all[lower..<upper].map { t in
                        .object([
                            ("name", .string(t.name)), ("process_code", .string(t.code)),
                            ("icon_url", .string(t.iconUrl)), ("url", .string(t.url))
                        ])
                    })
            )
        ]
        if upper < all.count { result.append(("next_cursor", .int(upper))) }
        return legacyOK([("result", .object(result))])
    }
}
