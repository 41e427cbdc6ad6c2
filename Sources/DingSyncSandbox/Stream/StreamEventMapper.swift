/// One approval event before the gateway numbers it: its type and its payload (reference §11.6).
struct StreamPayload: Sendable {
    /// `bpms_instance_change` or `bpms_task_change`.
    var eventType: String
    /// The payload, sent as JSON text in the frame's `data`.
    var data: JSONValue
    /// The instance it is about (for the admin listing).
    var instanceId: String
    /// `data.type`: start, finish, terminate, cancel or comment.
    var type: String
}

/// Which events an instance change produces, in the order they are pushed.
///
/// Read from the difference of `before` and `after` (nil `before`: created, so the whole
/// history counts as new):
/// - `bpms_instance_change` `start` when the instance runs now and did not before (created
///   RUNNING, COMPLETED or TERMINATED, or a NEW one approved); `finish` (with `result`) when it
///   is COMPLETED now and was not; `terminate` when it is TERMINATED now and was not.
/// - `bpms_task_change` per task: `start` for a task that is new, then `finish` (result agree,
///   refuse or redirect, with the approver's remark) when it is COMPLETED now and was not,
///   `cancel` when it is CANCELED now and was not (a terminate cancels the open tasks).
/// - A new ADD_REMARK record (a comment) is a `bpms_task_change` of type `comment` (the
///   reference documents no event for comments; off with `commentEvents == false`).
/// Instances that never started (NEW, CANCELED) produce nothing. Events are ordered by the
/// time of what they report; at one instant an instance start comes first, its end last.
enum StreamEventMapper {
    static let instanceChange = "bpms_instance_change"
    static let taskChange = "bpms_task_change"

    static func payloads(for change: InstanceChange, corpId: String, commentEvents: Bool) -> [StreamPayload] {
        let after = change.after
        let before = change.before
        let wasStarted = before.map(isStarted) ?? false
        guard wasStarted || isStarted(after) else { return [] }
        // (time, rank, payload): rank 0 the instance's start, 1 tasks and comments, 2 its end.
        var timed: [(Int64, Int, StreamPayload)] = []
        if !wasStarted {
            timed.append((after.createTime, 0, instance(after, type: "start", corpId: corpId)))
        }
        var old: [Int64: ApprovalTask] = [:]
        for task in before?.tasks ?? [] { old[task.taskId] = task }
        for task in after.tasks {
            let previous = old[task.taskId]
            if previous == nil {
                timed.append((task.createTime, 1, self.task(after, task, type: "start")))
            }
            let ended = task.finishTime ?? change.atMs
            if task.status == "COMPLETED", previous?.status != "COMPLETED" {
                timed.append((ended, 1, self.task(after, task, type: "finish")))
            } else if task.status == "CANCELED", previous?.status != "CANCELED" {
                timed.append((ended, 1, self.task(after, task, type: "cancel")))
            }
        }
        if commentEvents {
            for record in after.records.dropFirst(before?.records.count ?? 0) where record.type == "ADD_REMARK" {
                timed.append((record.date, 1, comment(after, record)))
            }
        }
        if after.status != before?.status {
            let ended = after.finishTime ?? change.atMs
            if after.status == "COMPLETED" {
                timed.append((ended, 2, instance(after, type: "finish", corpId: corpId)))
            } else if after.status == "TERMINATED" {
                timed.append((ended, 2, instance(after, type: "terminate", corpId: corpId)))
            }
        }
        return timed.enumerated()
            .sorted { ($0.element.0, $0.element.1, $0.offset) < ($1.element.0, $1.element.1, $1.offset) }
            .map(\.element.2)
    }

    /// Whether the instance has been started (submitted): RUNNING or ended after running.
    static func isStarted(_ inst: ApprovalInstance) -> Bool {
        inst.status == "RUNNING" || inst.status == "COMPLETED" || inst.status == "TERMINATED"
    }

    // MARK: Payloads

    /// The fields both event types share.
    private static func common(_ inst: ApprovalInstance) -> ObjectBuilder {
        var b = ObjectBuilder()
        b.set("processInstanceId", inst.id)
        b.set("processCode", inst.processCode)
        b.set("bizCategoryId", "")
        b.set("businessId", inst.businessId)
        return b
    }

    /// `bpms_instance_change`: `result` only on finish, `finishTime` on finish and terminate,
    /// `staffId` = the originator.
    static func instance(_ inst: ApprovalInstance, type: String, corpId: String) -> StreamPayload {
        var b = common(inst)
        b.set("businessType", "")
        b.set("title", inst.title)
        b.set("type", type)
        if type == "finish" { b.set("result", inst.result) }
        b.set("createTime", .int(inst.createTime))
        if type != "start", let finish = inst.finishTime { b.set("finishTime", .int(finish)) }
        b.set("staffId", inst.originatorUserId)
        b.set("url", url(inst, corpId: corpId))
        return StreamPayload(eventType: instanceChange, data: b.value, instanceId: inst.id, type: type)
    }

    /// `bpms_task_change`: `taskId` an integer, `staffId` = the approver, `createTime` the
    /// instance's creation (as documented); `result` and `remark` on finish, `finishTime` on
    /// finish and cancel.
    static func task(_ inst: ApprovalInstance, _ task: ApprovalTask, type: String) -> StreamPayload {
        var b = common(inst)
        b.set("title", inst.title)
        b.set("type", type)
        if type == "finish" {
            b.set("result", result(task))
            b.set("remark", remark(of: task, in: inst))
        }
        b.set("taskId", .int(task.taskId))
        b.set("staffId", task.userId)
        b.set("createTime", .int(inst.createTime))
        if type != "start", let finish = task.finishTime { b.set("finishTime", .int(finish)) }
        return StreamPayload(eventType: taskChange, data: b.value, instanceId: inst.id, type: type)
    }

    /// A comment: `type` `comment`, the text in `remark`, `staffId` = who commented; no task.
    static func comment(_ inst: ApprovalInstance, _ record: OperationRecord) -> StreamPayload {
        var b = common(inst)
        b.set("title", inst.title)
        b.set("type", "comment")
        b.set("remark", record.remark ?? "")
        b.set("staffId", record.userId)
        b.set("createTime", .int(inst.createTime))
        return StreamPayload(eventType: taskChange, data: b.value, instanceId: inst.id, type: "comment")
    }

    /// `agree`, `refuse` or `redirect` (转交).
    static func result(_ task: ApprovalTask) -> String {
        switch task.result {
        case "AGREE": return "agree"
        case "REFUSE": return "refuse"
        case "REDIRECTED": return "redirect"
        default: return task.result.lowercased()
        }
    }

    /// The remark of the record that finished `task` ("" when none).
    static func remark(of task: ApprovalTask, in inst: ApprovalInstance) -> String {
        let kinds: Set = ["EXECUTE_TASK_NORMAL", "EXECUTE_TASK_AGENT", "EXECUTE_TASK_AUTO", "REDIRECT_TASK"]
        let record = inst.records.last { record in
            kinds.contains(record.type) && record.date == task.finishTime
                && (record.activityId == nil || task.activityId == nil || record.activityId == task.activityId)
                && (record.userId == task.userId || record.type == "EXECUTE_TASK_AGENT")
        }
        return record?.remark ?? ""
    }

    /// The approval's mobile page, as in the reference's Stream example.
    static func url(_ inst: ApprovalInstance, corpId: String) -> String {
        "https://aflow.dingtalk.com/dingtalk/mobile/homepage.htm?corpid=\(corpId)&dd_share=false&showmenu=false"
            + "&dd_progress=false&back=native&procInstId=\(inst.id)&taskId=&swfrom=isv&dinghash=approval&dtaction=os"
            + "&dd_from=corp#approval"
    }
}
