/// The DingTalk part's side of the admin API: the organisation and the instances.
///
/// Instances created or moved on by hand are reported to the observers.
extension DingTalkSimulator {
    // MARK: Organisation

    /// `GET /__admin/departments`.
    func departmentsJSON() -> JSONValue {
        lock.withLock {
            .object([
                (
                    "departments",
                    .array(
                        world.departmentOrder.compactMap { world.departments[$0] }.map { d in
                            var b = ObjectBuilder()
                            b.set("dept_id", .int(d.id))
                            b.set("name", d.name)
                            b.set("parent_id", d.parentId.map { JSONValue.int($0) })
                            b.set("manager_userids", .strings(d.managerUserIds))
                            return b.value
                        })
                )
            ])
        }
    }

    /// `GET /__admin/users`: every user in the legacy shape.
    func usersJSON() -> JSONValue {
        lock.withLock {
            .object([
                ("users", .array(world.userOrder.compactMap { world.users[$0] }.map(InstanceRendering.legacyUser)))
            ])
        }
    }

    /// `GET /__admin/templates`: codes, names, kinds, nodes and instance counts.
    func templatesJSON() -> JSONValue {
        lock.withLock {
            .object([
                (
                    "templates",
                    .array(
                        world.templates.map { t in
                            .object([
                                ("process_code", .string(t.code)), ("name", .string(t.name)),
                                ("kind", .string(t.kind.rawValue)),
                                (
                                    "nodes",
                                    .array(
                                        t.nodes.map {
                                            .object([
                                                ("activity_id", .string($0.activityId)), ("name", .string($0.name))
                                            ])
                                        })
                                ),
                                ("instances", .int(world.idsByCode[t.code]?.count ?? 0))
                            ])
                        })
                )
            ])
        }
    }

    // MARK: Instances

    /// Summaries of the instances of `code` (nil: all) in `status` (nil: any).
    ///
    /// Template by template, each in creation order.
    func instanceSummaries(code: String?, status: String?) -> [JSONValue] {
        lock.withLock {
            var items: [JSONValue] = []
            for template in world.templates where code == nil || code == template.code {
                for id in world.idsByCode[template.code] ?? [] {
                    guard let inst = world.instances[id], status == nil || status == inst.status else { continue }
                    items.append(instanceSummary(inst))
                }
            }
            return items
        }
    }

    /// Whether an instance with `id` exists.
    func hasInstance(_ id: String) -> Bool { lock.withLock { world.instances[id] != nil } }

    /// `GET /__admin/instances/ID`: summary, legacy and new renderings.
    func instanceDetail(_ id: String, beijing: Bool) throws(AdminError) -> JSONValue {
        try lock.withLockTyped { () throws(AdminError) -> JSONValue in
            guard let inst = world.instances[id] else { throw AdminError("instance \(id) not found", status: 404) }
            return .object([
                ("summary", instanceSummary(inst)), ("legacy", InstanceRendering.legacy(inst)),
                ("new", InstanceRendering.new(inst, beijing: beijing))
            ])
        }
    }

    /// `POST /__admin/instances/ID/ACTION` at `now`; returns the instance's new summary.
    ///
    /// Actions: approve, finish, terminate, remark, forward, form (edit field values and table lines).
    func changeInstance(_ id: String, action: String, body: JSONValue, now: Int64) throws(AdminError) -> JSONValue {
        let (summary, change) = try lock.withLockTyped { () throws(AdminError) -> (JSONValue, InstanceChange) in
            guard let before = world.instances[id] else { throw AdminError("instance \(id) not found", status: 404) }
            var inst = before
            var engine = FlowEngine(rng: SplitMix64(seed: factory.rng.next()), world: world)
            let remark = body["remark"]?.stringValue
            let cause: InstanceChange.Cause
            switch action {
            case "approve", "finish":
                guard !inst.isFinal else { throw AdminError("instance \(id) is already \(inst.status)", status: 409) }
                let result = body["result"]?.stringValue ?? "agree"
                guard result == "agree" || result == "refuse" else {
                    throw AdminError("result must be agree or refuse")
                }
                engine.advance(&inst, at: now, agree: result == "agree", remark: remark, throughAll: action == "finish")
                cause = action == "finish" ? .finished : .approved
            case "terminate":
                guard !inst.isFinal else { throw AdminError("instance \(id) is already \(inst.status)", status: 409) }
                engine.terminate(&inst, at: now, remark: remark, resultRefuse: body["result"]?.stringValue == "refuse")
                cause = .terminated
            case "form":
                guard body["form"] != nil || body["tables"] != nil else {
                    throw AdminError("give form {label: text} and/or tables {label: [{column: text}, …]}")
                }
                try FormEdit.apply(
                    body, to: &inst.form, templateName: world.template(code: inst.processCode)?.name ?? "")
                cause = .edited
            case "remark":
                guard let remark, !remark.isEmpty else { throw AdminError("remark is required") }
                let user = body["userid"]?.stringValue ?? inst.originatorUserId
                guard world.users[user] != nil else { throw AdminError("unknown userid \(user)") }
                engine.remark(&inst, at: now, user: user, text: remark)
                cause = .remarked
            case "forward":
                guard !inst.isFinal else { throw AdminError("instance \(id) is already \(inst.status)", status: 409) }
                guard let running = inst.tasks.last(where: { $0.status == "RUNNING" }) else {
                    throw AdminError("instance \(id) has no running task to forward", status: 409)
                }
                let to: String
                if let given = body["userid"]?.stringValue {
                    guard world.users[given] != nil else { throw AdminError("unknown userid \(given)") }
                    guard given != running.userId else { throw AdminError("the task is already \(given)'s") }
                    to = given
                } else {
                    to = engine.otherUser(excluding: [running.userId, inst.originatorUserId])
                }
                engine.redirect(&inst, at: now, to: to)
                cause = .forwarded
            default:
                throw AdminError(
                    "unknown action \(action): approve, finish, terminate, remark, forward or form", status: 404)
            }
            world.instances[id] = inst
            return (instanceSummary(inst), InstanceChange(cause: cause, before: before, after: inst, atMs: now))
        }
        publish([change])
        return summary
    }

    /// `POST /__admin/instances`: creates instances; returns their summaries.
    ///
    /// Body `{"count","template","create_time","originator","status","result","node","form"}`;
    /// the default is one RUNNING instance at `now`. `form` (`{"报销金额": "1.234,56"}`) sets the
    /// value of the generated form's fields with those labels; `tables` (`{"费用明细":
    /// [{"费用类型": "差旅费", "金额（元）": "120"}]}`) replaces a TableField's lines.
    func createInstances(_ body: JSONValue, now: Int64) throws(AdminError) -> [JSONValue] {
        let (summaries, changes) = try lock.withLockTyped { () throws(AdminError) -> ([JSONValue], [InstanceChange]) in
            try createInstancesLocked(body, now: now)
        }
        publish(changes)
        return summaries
    }

    private func createInstancesLocked(_ body: JSONValue, now: Int64) throws(AdminError) -> (
        [JSONValue], [InstanceChange]
    ) {
        let count = Int(body["count"]?.int64Value ?? 1)
        guard count >= 1, count <= 100_000 else { throw AdminError("count must be 1…100000") }
        var template: ProcessTemplate?
        if let t = body["template"]?.stringValue ?? body["process_code"]?.stringValue {
            template = world.templates.first { $0.code == t || $0.name == t || $0.kind.rawValue == t }
            if template == nil { throw AdminError("unknown template \(t)") }
        }
        var createTime = now
        if let ct = body["create_time"] {
            if let ms = ct.int64Value {
                createTime = ms
            } else if let s = ct.stringValue, let ms = TimeFormat.parse(s) {
                createTime = ms
            } else {
                throw AdminError("create_time must be epoch ms or ISO 8601")
            }
        }
        let originator = body["originator"]?.stringValue
        if let originator, world.users[originator] == nil { throw AdminError("unknown originator \(originator)") }
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
        var changes: [InstanceChange] = []
        for i in 0..<count {
            let t = template ?? factory.pickTemplate(world.templates)
            // Several instances get distinct seconds (ending at the given time) so their ids differ.
            let at = createTime - Int64(count - 1 - i) * 1000
            let limit = max(now, at + Int64(4 + t.nodes.count * 5) * 2000)
            var inst = factory.make(
                world: world, template: t, createTime: at, planned: planned, nowMs: limit + 30_000,
                originator: originator)
            try FormEdit.apply(body, to: &inst.form, templateName: t.name)
            world.insert(inst)
            created.append(instanceSummary(inst))
            changes.append(InstanceChange(cause: .created, before: nil, after: inst, atMs: now))
        }
        return (created, changes)
    }

    /// One line of `GET /__admin/instances`. Called under the lock.
    private func instanceSummary(_ inst: ApprovalInstance) -> JSONValue {
        let template = world.template(code: inst.processCode)
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
        if let index = inst.currentNode, let node = template?.nodes[safe: index], !inst.isFinal {
            b.set("current_node", node.name)
        }
        b.set("running_task_userids", .strings(inst.tasks.filter { $0.status == "RUNNING" }.map(\.userId)))
        b.set("records", .int(inst.records.count))
        return b.value
    }
}
