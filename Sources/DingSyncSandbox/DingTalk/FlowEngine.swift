/// The approval life cycle: start, open a node, redirect, add a signer, remark, execute,
/// refuse, terminate, complete. Used both to generate history and by the admin API, so
/// records and tasks stay consistent either way.
struct FlowEngine {
    var rng: SplitMix64
    let world: DingTalkWorld

    static let agreeRemarks = ["同意", "同意，注意交接", "可以", "OK", "已核对，同意", "按流程处理"]
    static let refuseRemarks = ["金额与发票不符，请修改后重新提交", "时间冲突，请与组内协调后再申请", "预算不足，下季度再议", "材料不全"]
    static let commentRemarks = ["请补充一下明细", "已电话沟通", "辛苦尽快处理", "附件已更新", "麻烦看一下"]
    static let terminateRemarks = ["信息填写有误，撤回重新提交", "计划有变，撤销申请"]

    enum Planned: Equatable {
        case running(node: Int)
        case agreed
        case refused(node: Int)
        case terminated(node: Int)
        case new
        case canceled
    }

    // MARK: Lookups

    func template(_ inst: ApprovalInstance) -> ProcessTemplate? { world.template(code: inst.processCode) }

    /// The approver of `node` for an instance started by `originator` from `deptId`.
    func approver(for node: FlowNode, originator: String, deptId: String) -> String {
        switch node.approver {
        case .user(let id):
            return id
        case .deptManager:
            let dept = Int64(deptId).flatMap { $0 == -1 ? DingTalkWorld.rootDeptId : $0 }.flatMap {
                world.departments[$0]
            }
            guard let dept else { return originator }
            if let manager = dept.managerUserIds.first, manager != originator { return manager }
            if let parent = dept.parentId, let manager = world.departments[parent]?.managerUserIds.first {
                return manager
            }
            return dept.managerUserIds.first ?? originator
        }
    }

    mutating func taskId() -> Int64 { rng.int64(60_000_000_000...999_999_999_999) }

    mutating func otherUser(excluding: Set<String>) -> String {
        let candidates = world.userOrder.filter { !excluding.contains($0) }
        return candidates.isEmpty ? (world.userOrder.first ?? "") : rng.pick(candidates)
    }

    mutating func attachments() -> [RecordAttachment] {
        let file = rng.pick(FormGenerator.fileNames)
        return [
            RecordAttachment(
                fileId: String(rng.int64(10_000_000_000...99_999_999_999)), fileName: file.0,
                fileSize: String(rng.int(20_000...900_000)), fileType: file.1,
                spaceId: String(rng.int64(100_000_000...999_999_999)))
        ]
    }

    // MARK: Primitives

    func start(_ inst: inout ApprovalInstance) {
        inst.records.append(
            OperationRecord(
                userId: inst.originatorUserId, date: inst.createTime, type: "START_PROCESS_INSTANCE",
                result: "NONE", showName: "提交申请"))
    }

    /// Opens `node`: an automatic approval when the approver is the originator or the previous
    /// node's approver (returns true, node done), else a RUNNING task (returns false).
    mutating func open(_ inst: inout ApprovalInstance, node index: Int, at: Int64, allowAuto: Bool = true) -> Bool {
        guard let template = template(inst), index < template.nodes.count else { return true }
        let node = template.nodes[index]
        let who = approver(for: node, originator: inst.originatorUserId, deptId: inst.originatorDeptId)
        let previous = inst.tasks.last(where: { $0.result == "AGREE" })?.userId
        var task = ApprovalTask(
            taskId: taskId(), userId: who, status: "RUNNING", result: "NONE", createTime: at, finishTime: nil,
            activityId: node.activityId, groupName: node.name, hasLinks: !inst.legacyTaskTimesAsMs)
        inst.currentNode = index
        if allowAuto, who == inst.originatorUserId || who == previous {
            task.status = "COMPLETED"
            task.result = "AGREE"
            task.finishTime = at
            inst.tasks.append(task)
            inst.records.append(
                OperationRecord(
                    userId: who, date: at, type: "EXECUTE_TASK_AUTO", result: "AGREE",
                    activityId: node.activityId, showName: node.name))
            if !inst.approverUserIds.contains(who) { inst.approverUserIds.append(who) }
            return true
        }
        inst.tasks.append(task)
        return false
    }

    func currentNode(_ inst: ApprovalInstance) -> FlowNode? {
        guard let template = template(inst), let index = inst.currentNode, index < template.nodes.count else {
            return nil
        }
        return template.nodes[index]
    }

    /// The running task's approver hands it to `to`.
    mutating func redirect(_ inst: inout ApprovalInstance, at: Int64, to: String) {
        guard let i = inst.tasks.lastIndex(where: { $0.status == "RUNNING" }) else { return }
        let node = currentNode(inst)
        let from = inst.tasks[i].userId
        inst.tasks[i].status = "COMPLETED"
        inst.tasks[i].result = "REDIRECTED"
        inst.tasks[i].finishTime = at
        let name = world.users[to]?.name ?? to
        inst.records.append(
            OperationRecord(
                userId: from, date: at, type: "REDIRECT_TASK", result: "NONE",
                remark: rng.chance(0.6) ? "转交\(name)处理" : nil,
                activityId: node?.activityId, showName: node?.name))
        inst.tasks.append(
            ApprovalTask(
                taskId: taskId(), userId: to, status: "RUNNING", result: "NONE", createTime: at,
                finishTime: nil, activityId: node?.activityId, groupName: node?.name,
                hasLinks: !inst.legacyTaskTimesAsMs))
    }

    /// The running task's approver adds `signer` before themselves; the signer agrees at `signedAt`.
    mutating func appendBefore(_ inst: inout ApprovalInstance, at: Int64, signer: String, signedAt: Int64) {
        guard let i = inst.tasks.lastIndex(where: { $0.status == "RUNNING" }) else { return }
        let node = currentNode(inst)
        inst.records.append(
            OperationRecord(
                userId: inst.tasks[i].userId, date: at, type: "APPEND_TASK_BEFORE", result: "NONE",
                activityId: node?.activityId, showName: node?.name))
        inst.tasks.insert(
            ApprovalTask(
                taskId: taskId(), userId: signer, status: "COMPLETED", result: "AGREE", createTime: at,
                finishTime: signedAt, activityId: node?.activityId, groupName: node?.name,
                hasLinks: !inst.legacyTaskTimesAsMs), at: i)
        inst.records.append(
            OperationRecord(
                userId: signer, date: signedAt, type: "EXECUTE_TASK_NORMAL", result: "AGREE",
                remark: rng.chance(0.5) ? rng.pick(Self.agreeRemarks) : nil,
                activityId: node?.activityId, showName: node?.name))
        if !inst.approverUserIds.contains(signer) { inst.approverUserIds.append(signer) }
    }

    mutating func remark(_ inst: inout ApprovalInstance, at: Int64, user: String, text: String) {
        inst.records.append(
            OperationRecord(
                userId: user, date: at, type: "ADD_REMARK", result: "NONE", remark: text,
                attachments: rng.chance(0.15) ? attachments() : [], showName: "评论"))
    }

    /// Executes every RUNNING task: agree or refuse, by the approver or by an agent.
    mutating func execute(_ inst: inout ApprovalInstance, at: Int64, agree: Bool, agent: String? = nil, remark: String?)
    {
        let node = currentNode(inst)
        for i in inst.tasks.indices where inst.tasks[i].status == "RUNNING" {
            inst.tasks[i].status = "COMPLETED"
            inst.tasks[i].result = agree ? "AGREE" : "REFUSE"
            inst.tasks[i].finishTime = at
            let who = agent ?? inst.tasks[i].userId
            inst.records.append(
                OperationRecord(
                    userId: who, date: at, type: agent == nil ? "EXECUTE_TASK_NORMAL" : "EXECUTE_TASK_AGENT",
                    result: agree ? "AGREE" : "REFUSE", remark: remark,
                    attachments: rng.chance(0.05) ? attachments() : [],
                    activityId: node?.activityId, showName: node?.name))
            if !inst.approverUserIds.contains(inst.tasks[i].userId) {
                inst.approverUserIds.append(inst.tasks[i].userId)
            }
        }
    }

    /// Final approval: copies to the template's cc list, sometimes an explicit finish record.
    mutating func complete(_ inst: inout ApprovalInstance, at: Int64) {
        let cc = template(inst)?.ccUserIds.filter { $0 != inst.originatorUserId } ?? []
        if !cc.isEmpty {
            inst.ccUserIds = cc
            inst.records.append(
                OperationRecord(
                    userId: inst.originatorUserId, date: at, type: "PROCESS_CC", result: "NONE",
                    remark: rng.chance(0.5) ? "" : nil, ccUserIds: cc, showName: "抄送人"))
        }
        if rng.chance(0.3) {
            let last = inst.records.last(where: { $0.type.hasPrefix("EXECUTE_TASK") })?.userId ?? inst.originatorUserId
            inst.records.append(
                OperationRecord(userId: last, date: at, type: "FINISH_PROCESS_INSTANCE", result: "NONE"))
        }
        inst.status = "COMPLETED"
        inst.result = "agree"
        inst.finishTime = at
        inst.currentNode = nil
    }

    mutating func refuseEnd(_ inst: inout ApprovalInstance, at: Int64) {
        inst.status = "COMPLETED"
        inst.result = "refuse"
        inst.finishTime = at
        inst.currentNode = nil
    }

    /// The originator withdraws (撤销): running tasks are canceled.
    mutating func terminate(_ inst: inout ApprovalInstance, at: Int64, remark: String?, resultRefuse: Bool) {
        for i in inst.tasks.indices where inst.tasks[i].status == "RUNNING" {
            inst.tasks[i].status = "CANCELED"
            inst.tasks[i].finishTime = at
        }
        inst.records.append(
            OperationRecord(
                userId: inst.originatorUserId, date: at, type: "TERMINATE_PROCESS_INSTANCE",
                result: "NONE", remark: remark))
        inst.status = "TERMINATED"
        inst.result = resultRefuse ? "refuse" : ""
        inst.finishTime = at
        inst.currentNode = nil
    }

    // MARK: Admin-level actions (at one instant)

    /// Completes the open node; with `agree`, opens the next one, or completes the instance
    /// after the last node (`throughAll` runs every remaining node at once).
    mutating func advance(_ inst: inout ApprovalInstance, at: Int64, agree: Bool, remark: String?, throughAll: Bool) {
        if inst.status == "NEW" {
            inst.status = "RUNNING"
            if open(&inst, node: 0, at: at, allowAuto: false) { return }
        }
        guard inst.status == "RUNNING", let template = template(inst) else { return }
        execute(&inst, at: at, agree: agree, remark: remark ?? (agree ? nil : rng.pick(Self.refuseRemarks)))
        if !agree {
            refuseEnd(&inst, at: at)
            return
        }
        var next = (inst.currentNode ?? 0) + 1
        while next < template.nodes.count {
            if !open(&inst, node: next, at: at) {
                if !throughAll { return }
                execute(&inst, at: at, agree: true, remark: nil)
            }
            next += 1
        }
        complete(&inst, at: at)
    }

    // MARK: Generation

    /// A whole history from `createTime` to the planned outcome, all events before `limit`.
    mutating func generate(
        template: ProcessTemplate, originator: DTUser, deptId: String, deptName: String,
        createTime: Int64, planned: Planned, limit: Int64, id: String, businessId: String,
        form: [FormValue], legacyTaskTimesAsMs: Bool
    ) -> ApprovalInstance {
        var inst = ApprovalInstance(
            id: id, businessId: businessId, processCode: template.code,
            title: "\(originator.name)提交的\(template.titleSuffix)",
            createTime: createTime, finishTime: nil, originatorUserId: originator.userid, originatorDeptId: deptId,
            originatorDeptName: deptName, status: "RUNNING", result: "", ccUserIds: [], approverUserIds: [],
            attachedProcessInstanceIds: [], bizAction: "NONE", bizData: rng.chance(0.5) ? "{}" : nil, form: form,
            records: [], tasks: [], mainProcessInstanceId: nil, legacyTaskTimesAsMs: legacyTaskTimesAsMs,
            currentNode: nil)
        start(&inst)
        let steps = Int64(4 + template.nodes.count * 5)
        let budget = max(steps * 1000, limit - createTime)
        let maxGap = max(1000, min(Int64(20 * 3600 * 1000), budget / (steps + 1)))
        var t = createTime
        func advanceTime(_ rng: inout SplitMix64, short: Bool = false) -> Int64 {
            let span = short ? max(1000, maxGap / 20) : maxGap
            t += max(1000, Int64(rng.unit() * Double(span)))
            return t
        }
        switch planned {
        case .new:
            inst.status = "NEW"
            return inst
        case .canceled:
            inst.status = "CANCELED"
            inst.finishTime = advanceTime(&rng)
            return inst
        default:
            break
        }
        let targetNode: Int? = {
            switch planned {
            case .running(let n), .refused(let n), .terminated(let n): return min(n, template.nodes.count - 1)
            default: return nil
            }
        }()
        for index in template.nodes.indices {
            t += 1000
            let isTarget = index == targetNode
            if open(&inst, node: index, at: t, allowAuto: !isTarget) { continue }
            if rng.chance(0.06) {
                let running = inst.tasks.last?.userId ?? ""
                redirect(
                    &inst, at: advanceTime(&rng, short: true),
                    to: otherUser(excluding: [running, inst.originatorUserId]))
            }
            if rng.chance(0.04) {
                let running = inst.tasks.last(where: { $0.status == "RUNNING" })?.userId ?? ""
                let at = advanceTime(&rng, short: true)
                appendBefore(
                    &inst, at: at, signer: otherUser(excluding: [running, inst.originatorUserId]),
                    signedAt: advanceTime(&rng, short: true))
            }
            if rng.chance(0.1) {
                let who = rng.chance(0.5) ? inst.originatorUserId : (inst.tasks.last?.userId ?? inst.originatorUserId)
                remark(&inst, at: advanceTime(&rng, short: true), user: who, text: rng.pick(Self.commentRemarks))
            }
            if isTarget, case .running = planned {
                return inst
            }
            if isTarget, case .terminated = planned {
                terminate(
                    &inst, at: advanceTime(&rng), remark: rng.chance(0.5) ? rng.pick(Self.terminateRemarks) : nil,
                    resultRefuse: rng.chance(0.5))
                return inst
            }
            let at = advanceTime(&rng)
            let refuse = isTarget
            let agent: String? = rng.chance(0.05) ? otherUser(excluding: [inst.originatorUserId]) : nil
            let text: String? =
                refuse ? rng.pick(Self.refuseRemarks) : (rng.chance(0.4) ? rng.pick(Self.agreeRemarks) : nil)
            execute(&inst, at: at, agree: !refuse, agent: agent, remark: text)
            if refuse {
                refuseEnd(&inst, at: at)
                return inst
            }
        }
        complete(&inst, at: t + 1000)
        return inst
    }
}
