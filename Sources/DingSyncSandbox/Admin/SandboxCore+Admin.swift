/// `/__admin/…`: change and inspect the world between runs. Called under the lock.
extension SandboxCore {
    func admin(_ request: SandboxRequest) -> SandboxResponse {
        do {
            return try adminRoute(request)
        } catch {
            return .json(.object([("ok", false), ("error", .string(error.message))]), status: error.status)
        }
    }

    private func ok(_ pairs: [(String, JSONValue)] = []) -> SandboxResponse {
        .json(.object([("ok", true)] + pairs))
    }

    private func adminBody(_ request: SandboxRequest) throws(AdminError) -> JSONValue {
        if request.body.isEmpty { return .object([]) }
        guard let json = try? JSONValue.parse(request.body), json.objectPairs != nil else {
            throw AdminError("body must be a JSON object")
        }
        return json
    }

    private func adminRoute(_ request: SandboxRequest) throws(AdminError) -> SandboxResponse {
        let parts = request.path.split(separator: "/").map(String.init).dropFirst() // drop "__admin"
        let p = Array(parts)
        let m = request.method
        switch (m, p.first ?? "") {
        case ("GET", ""), ("GET", "help"):
            return .text(AdminHelp.text + "\n", status: 200)
        case ("GET", "info"):
            return .json(info())
        case ("GET", "endpoints"):
            return .json(.object([("endpoints", .strings(Endpoint.allCases.map(\.rawValue)))]))
        case (_, "settings"):
            if m == "GET" { return .json(state.settings.json()) }
            try state.settings.apply(try adminBody(request))
            return .json(state.settings.json())
        case (_, "faults"):
            return try adminFaults(request, p)
        case (_, "scopes"):
            if m == "GET" { return ok([("revoked", .strings(state.settings.revokedScopes.sorted()))]) }
            guard p.count == 2, m == "POST" else { throw AdminError("use POST /__admin/scopes/revoke or /grant", status: 404) }
            guard let scope = try adminBody(request)["scope"]?.stringValue, !scope.isEmpty else { throw AdminError("scope is required") }
            switch p[1] {
            case "revoke": state.settings.revokedScopes.insert(Settings.canonicalScope(scope))
            case "grant": state.settings.revokedScopes.remove(Settings.canonicalScope(scope))
            default: throw AdminError("use /revoke or /grant", status: 404)
            }
            return ok([("revoked", .strings(state.settings.revokedScopes.sorted()))])
        case ("POST", "tokens"):
            guard p.count == 2, p[1] == "expire" else { throw AdminError("use POST /__admin/tokens/expire", status: 404) }
            let now = nowMs()
            state.dingtalkTokenExpiry = min(state.dingtalkTokenExpiry, now)
            for key in state.feishuTokens.keys { state.feishuTokens[key] = now }
            return ok()
        case (_, "clock"):
            if m == "GET" { return ok([("now_ms", .int(nowMs())), ("now", .string(TimeFormat.iso(nowMs())))]) }
            guard m == "POST", p.count == 2, p[1] == "advance" else { throw AdminError("use POST /__admin/clock/advance", status: 404) }
            // Negative seconds move the clock back (e.g. behind the machine's clock).
            guard let seconds = try adminBody(request)["seconds"]?.doubleValue, seconds.isFinite,
                  abs(seconds) <= 100 * 365 * 86400
            else {
                throw AdminError("seconds is required (a number; negative moves the clock back)")
            }
            clockOffsetMs.withLockedValue { $0 += Int64((seconds * 1000).rounded()) }
            return ok([("now_ms", .int(nowMs())), ("now", .string(TimeFormat.iso(nowMs())))])
        case (_, "counters"):
            if m == "GET" { return .json(counters()) }
            guard m == "POST", p.count == 2, p[1] == "reset" else { throw AdminError("use POST /__admin/counters/reset", status: 404) }
            for key in state.endpointStats.keys {
                let inFlight = state.endpointStats[key]?.inFlight ?? 0
                state.endpointStats[key] = EndpointStats(inFlight: inFlight)
            }
            state.tableStats = [:]
            state.trickles = TrickleStats(active: state.trickles.active)
            state.monthlyDingTalk = 0
            state.monthlyFeishu = 0
            state.windows = [:]
            return ok()
        case (_, "webhook"):
            guard p.count == 2, p[1] == "messages" else { throw AdminError("use /__admin/webhook/messages", status: 404) }
            if m == "DELETE" {
                state.webhookMessages = []
                return ok()
            }
            return .json(.object([("messages", .array(state.webhookMessages.map { msg in
                var b = ObjectBuilder()
                b.set("received_at", .int(msg.receivedAt))
                b.set("body", msg.body ?? .string(msg.rawBody))
                b.set("signature_valid", msg.signatureValid.map { JSONValue.bool($0) } ?? .null)
                b.set("code", .int(msg.code))
                return b.value
            }))]))
        case ("GET", "departments"):
            return .json(.object([("departments", .array(state.dingtalk.departmentOrder.compactMap { state.dingtalk.departments[$0] }.map { d in
                var b = ObjectBuilder()
                b.set("dept_id", .int(d.id))
                b.set("name", d.name)
                b.set("parent_id", d.parentId.map { JSONValue.int($0) })
                b.set("manager_userids", .strings(d.managerUserIds))
                return b.value
            }))]))
        case ("GET", "users"):
            return .json(.object([("users", .array(state.dingtalk.userOrder.compactMap { state.dingtalk.users[$0] }.map(legacyUserJSON)))]))
        case ("GET", "templates"):
            return .json(.object([("templates", .array(state.dingtalk.templates.map { t in
                .object([("process_code", .string(t.code)), ("name", .string(t.name)), ("kind", .string(t.kind.rawValue)),
                         ("nodes", .array(t.nodes.map { .object([("activity_id", .string($0.activityId)), ("name", .string($0.name))]) })),
                         ("instances", .int(state.dingtalk.idsByCode[t.code]?.count ?? 0))])
            }))]))
        case (_, "instances"):
            return try adminInstances(request, p)
        case (_, "tables"):
            return try adminTables(request, p)
        case ("POST", "reset"):
            resetWorld()
            return ok()
        default:
            throw AdminError("unknown admin endpoint \(m) \(request.path); GET /__admin lists them", status: 404)
        }
    }

    // MARK: Info and counters

    func info() -> JSONValue {
        var tables = ObjectBuilder()
        tables.set("main", state.mainTableId)
        tables.set("action", state.actionTableId)
        return .object([
            ("base_url", .string(baseURL)),
            ("dingtalk", .object([("app_key", .string(identity.appKey)), ("app_secret", .string(identity.appSecret)),
                                  ("process_codes", .strings(state.dingtalk.templates.map(\.code))),
                                  ("org_name", .string(state.dingtalk.orgName))])),
            ("feishu", .object([("app_id", .string(identity.feishuAppId)), ("app_secret", .string(identity.feishuAppSecret)),
                                ("app_token", .string(identity.appToken)), ("tables", tables.value)])),
            ("webhook", .object([("url", .string(webhookURL)), ("token", .string(identity.webhookToken)),
                                 ("secret", .string(identity.webhookSecret))])),
            ("clock", .object([("now_ms", .int(nowMs())), ("now", .string(TimeFormat.iso(nowMs())))])),
            ("dataset", .object([("seed", .string(String(options.seed))), ("instances", .int(state.dingtalk.instances.count)),
                                 ("days", .int(options.days)), ("users", .int(state.dingtalk.users.count)),
                                 ("departments", .int(state.dingtalk.departments.count))])),
            ("settings", state.settings.json()),
        ])
    }

    func counters() -> JSONValue {
        let endpoints = state.endpointStats.keys.sorted().compactMap { key -> (String, JSONValue)? in
            guard let s = state.endpointStats[key] else { return nil }
            return (key, .object([("calls", .int(s.calls)), ("ok", .int(s.ok)), ("errors", .int(s.errors)),
                                  ("throttled", .int(s.throttled)), ("in_flight", .int(s.inFlight)),
                                  ("max_concurrency", .int(s.maxConcurrency))]))
        }
        let tables = state.tableStats.keys.sorted().compactMap { key -> (String, JSONValue)? in
            guard let s = state.tableStats[key] else { return nil }
            return (key, .object([("calls", .int(s.calls)), ("reads", .int(s.reads)), ("writes", .int(s.writes)),
                                  ("conflicts", .int(s.conflicts)), ("max_concurrency", .int(s.maxConcurrency))]))
        }
        return .object([
            ("endpoints", .object(endpoints)),
            ("tables", .object(tables)),
            ("monthly", .object([("month", .string(state.monthKey)), ("dingtalk", .int(state.monthlyDingTalk)),
                                 ("feishu", .int(state.monthlyFeishu))])),
            ("trickles", state.trickles.json()),
        ])
    }

    // MARK: Faults

    private func adminFaults(_ request: SandboxRequest, _ p: [String]) throws(AdminError) -> SandboxResponse {
        switch request.method {
        case "GET":
            return .json(.object([("pending", .array(state.injections.map { inj in
                inj.json.setting("id", .int(inj.id)).setting("remaining", .int(inj.remaining))
            }))]))
        case "DELETE":
            state.injections = []
            return ok()
        case "POST":
            let body = try adminBody(request)
            guard let pattern = body["endpoint"]?.stringValue, !pattern.isEmpty else {
                throw AdminError("endpoint is required (a name from /__admin/endpoints, \"prefix.*\" or \"*\")")
            }
            if pattern != "*", !pattern.hasSuffix("*"), Endpoint(rawValue: pattern) == nil {
                throw AdminError("unknown endpoint \(pattern); GET /__admin/endpoints lists them")
            }
            let count = Int(body["count"]?.int64Value ?? 1)
            guard count >= 1 else { throw AdminError("count must be ≥ 1") }
            let fault = try FaultKind.parse(body)
            let probe = Injection(id: 0, pattern: pattern, remaining: 1, fault: fault, json: body)
            guard Endpoint.allCases.contains(where: probe.matches) else {
                let names = Endpoint.allCases.filter { fault.applies(to: $0) }.map(\.rawValue).joined(separator: ", ")
                throw AdminError("\(fault.name) cannot happen on \(pattern); it applies to: \(names)")
            }
            let id = state.nextInjectionId
            state.nextInjectionId += 1
            state.injections.append(Injection(id: id, pattern: pattern, remaining: count, fault: fault, json: body))
            return ok([("id", .int(id))])
        default:
            throw AdminError("use GET, POST or DELETE", status: 405)
        }
    }

    // MARK: Instances

    private func instanceSummary(_ inst: ApprovalInstance) -> JSONValue {
        let template = state.dingtalk.template(code: inst.processCode)
        var b = ObjectBuilder()
        b.set("id", inst.id)
        b.set("business_id", inst.businessId)
        b.set("process_code", inst.processCode)
        b.set("template", template?.name)
        b.set("title", inst.title)
        b.set("status", inst.status)
        b.set("result", inst.result)
        b.set("originator_userid", inst.originatorUserId)
        b.set("originator_dept_id", inst.originatorDeptId)
        b.set("create_time", .int(inst.createTime))
        b.set("finish_time", inst.finishTime.map { JSONValue.int($0) })
        b.set("create_time_text", TimeFormat.legacy(inst.createTime))
        if let index = inst.currentNode, let node = template?.nodes[safe: index], !inst.isFinal { b.set("current_node", node.name) }
        b.set("running_task_userids", .strings(inst.tasks.filter { $0.status == "RUNNING" }.map(\.userId)))
        b.set("records", .int(inst.records.count))
        return b.value
    }

    private func adminInstances(_ request: SandboxRequest, _ p: [String]) throws(AdminError) -> SandboxResponse {
        let m = request.method
        if p.count == 1 {
            if m == "GET" {
                let code = request.query("process_code")
                let status = request.query("status")
                var items: [JSONValue] = []
                for template in state.dingtalk.templates where code == nil || code == template.code {
                    for id in state.dingtalk.idsByCode[template.code] ?? [] {
                        guard let inst = state.dingtalk.instances[id], status == nil || status == inst.status else { continue }
                        items.append(instanceSummary(inst))
                    }
                }
                return .json(.object([("total", .int(items.count)), ("instances", .array(items))]))
            }
            guard m == "POST" else { throw AdminError("use GET or POST", status: 405) }
            return try createInstances(try adminBody(request))
        }
        let id = p[1]
        guard var inst = state.dingtalk.instances[id] else { throw AdminError("instance \(id) not found", status: 404) }
        if p.count == 2, m == "GET" {
            return .json(.object([("summary", instanceSummary(inst)), ("legacy", legacyInstanceJSON(inst)), ("new", newInstanceJSON(inst))]))
        }
        guard p.count == 3, m == "POST" else { throw AdminError("unknown instance action", status: 404) }
        let body = try adminBody(request)
        let now = nowMs()
        var engine = FlowEngine(rng: SplitMix64(seed: state.factory.rng.next()), world: state.dingtalk)
        let remark = body["remark"]?.stringValue
        switch p[2] {
        case "approve", "finish":
            guard !inst.isFinal else { throw AdminError("instance \(id) is already \(inst.status)", status: 409) }
            let result = body["result"]?.stringValue ?? "agree"
            guard result == "agree" || result == "refuse" else { throw AdminError("result must be agree or refuse") }
            engine.advance(&inst, at: now, agree: result == "agree", remark: remark, throughAll: p[2] == "finish")
        case "terminate":
            guard !inst.isFinal else { throw AdminError("instance \(id) is already \(inst.status)", status: 409) }
            engine.terminate(&inst, at: now, remark: remark, resultRefuse: body["result"]?.stringValue == "refuse")
        case "remark":
            guard let remark, !remark.isEmpty else { throw AdminError("remark is required") }
            let user = body["userid"]?.stringValue ?? inst.originatorUserId
            guard state.dingtalk.users[user] != nil else { throw AdminError("unknown userid \(user)") }
            engine.remark(&inst, at: now, user: user, text: remark)
        default:
            throw AdminError("unknown action \(p[2]): approve, finish, terminate or remark", status: 404)
        }
        state.dingtalk.instances[id] = inst
        return ok([("instance", instanceSummary(inst))])
    }

    private func createInstances(_ body: JSONValue) throws(AdminError) -> SandboxResponse {
        let count = Int(body["count"]?.int64Value ?? 1)
        guard count >= 1, count <= 100_000 else { throw AdminError("count must be 1…100000") }
        var template: ProcessTemplate?
        if let t = body["template"]?.stringValue ?? body["process_code"]?.stringValue {
            template = state.dingtalk.templates.first { $0.code == t || $0.name == t || $0.kind.rawValue == t }
            if template == nil { throw AdminError("unknown template \(t)") }
        }
        let now = nowMs()
        var createTime = now
        if let ct = body["create_time"] {
            if let ms = ct.int64Value { createTime = ms }
            else if let s = ct.stringValue, let ms = TimeFormat.parse(s) { createTime = ms }
            else { throw AdminError("create_time must be epoch ms or ISO 8601") }
        }
        let originator = body["originator"]?.stringValue
        if let originator, state.dingtalk.users[originator] == nil { throw AdminError("unknown originator \(originator)") }
        let status = body["status"]?.stringValue ?? "RUNNING"
        let node = Int(body["node"]?.int64Value ?? 0)
        let planned: FlowEngine.Planned
        switch status {
        case "RUNNING": planned = .running(node: node)
        case "NEW": planned = .new
        case "CANCELED": planned = .canceled
        case "TERMINATED": planned = .terminated(node: node)
        case "COMPLETED": planned = body["result"]?.stringValue == "refuse" ? .refused(node: node) : .agreed
        default: throw AdminError("status must be RUNNING, NEW, COMPLETED, TERMINATED or CANCELED")
        }
        var created: [JSONValue] = []
        for i in 0..<count {
            let t = template ?? state.factory.pickTemplate(state.dingtalk.templates)
            // Several instances get distinct seconds (ending at the given time) so their ids differ.
            let at = createTime - Int64(count - 1 - i) * 1000
            let limit = max(now, at + Int64(4 + t.nodes.count * 5) * 2000)
            let inst = state.factory.make(world: state.dingtalk, template: t, createTime: at, planned: planned, nowMs: limit + 30_000,
                                          originator: originator)
            state.dingtalk.insert(inst)
            created.append(instanceSummary(inst))
        }
        return ok([("instances", .array(created))])
    }

    // MARK: Tables

    private func plainRecord(_ record: BitRecord, table: BitTable) -> JSONValue {
        var fields: [(String, JSONValue)] = []
        for field in table.fields {
            if let v = cellValue(field, record) { fields.append((field.name, v)) }
        }
        return .object([("record_id", .string(record.id)), ("fields", .object(fields)),
                        ("created_time", .int(record.createdTime)), ("modified_time", .int(record.modifiedTime))])
    }

    /// A value typed by a person: coerced, never refused.
    private func handValue(_ value: JSONValue, field: BitField) -> JSONValue? {
        if value.isNull { return nil }
        switch field.type {
        case 1, 13: return .string(value.lenientString ?? value.serialized())
        case 2:
            if value.isNumber { return value }
            if let s = value.stringValue, let d = Double(s) { return .double(d) }
            return value
        case 5:
            if let ms = value.lenientInt64 { return .int(ms) }
            if let s = value.stringValue, let ms = TimeFormat.parse(s) { return .int(ms) }
            return value
        default: return value
        }
    }

    private func adminTables(_ request: SandboxRequest, _ p: [String]) throws(AdminError) -> SandboxResponse {
        let m = request.method
        if p.count == 1 {
            guard m == "GET" else { throw AdminError("use GET", status: 405) }
            return .json(.object([("app_token", .string(state.base.appToken)), ("tables", .array(state.base.tables.map { t in
                .object([("table_id", .string(t.id)), ("name", .string(t.name)), ("records", .int(t.count)),
                         ("revision", .int(t.revision)), ("fields", .array(t.fields.map { $0.json() }))])
            }))]))
        }
        guard let table = state.base.table(p[1]) ?? state.base.tables.first(where: { $0.name == p[1] }) else {
            throw AdminError("table \(p[1]) not found", status: 404)
        }
        guard p.count >= 3, p[2] == "records" else { throw AdminError("use /__admin/tables/TABLE/records", status: 404) }
        let now = nowMs()
        func values(_ body: JSONValue) throws(AdminError) -> [(BitField, JSONValue?)] {
            guard let pairs = body["fields"]?.objectPairs else { throw AdminError("fields (an object) is required") }
            var out: [(BitField, JSONValue?)] = []
            for (name, value) in pairs {
                guard let field = table.field(named: name) else { throw AdminError("table \(table.name) has no field \(name)") }
                out.append((field, handValue(value, field: field)))
            }
            return out
        }
        if p.count == 3 {
            switch m {
            case "GET":
                return .json(.object([("table_id", .string(table.id)), ("name", .string(table.name)), ("total", .int(table.count)),
                                      ("records", .array(table.orderedRecords().map { plainRecord($0, table: table) }))]))
            case "POST":
                let record = newRecord(try values(try adminBody(request)), table: table, now: now)
                table.insert(record)
                return ok([("record", plainRecord(record, table: table))])
            case "DELETE":
                table.removeAll()
                return ok()
            default: throw AdminError("use GET, POST or DELETE", status: 405)
            }
        }
        let recordId = p[3]
        guard var record = table.record(recordId) else { throw AdminError("record \(recordId) not found", status: 404) }
        if p.count == 5, p[4] == "duplicate", m == "POST" {
            var copy = record
            copy.id = state.newRecordId()
            copy.createdTime = now
            copy.modifiedTime = now
            copy.autoNumber = table.nextAutoNumber
            table.nextAutoNumber += 1
            table.insert(copy)
            return ok([("record", plainRecord(copy, table: table))])
        }
        guard p.count == 4 else { throw AdminError("unknown record action", status: 404) }
        switch m {
        case "GET":
            return .json(plainRecord(record, table: table))
        case "PATCH", "PUT", "POST":
            apply(try values(try adminBody(request)), to: &record)
            record.modifiedTime = now
            table.update(record)
            return ok([("record", plainRecord(record, table: table))])
        case "DELETE":
            table.remove(recordId)
            return ok()
        default:
            throw AdminError("use GET, PATCH or DELETE", status: 405)
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
