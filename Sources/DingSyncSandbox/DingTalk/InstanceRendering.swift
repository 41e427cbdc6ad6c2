/// How the APIs render the world: instances in both families' shapes, users in the legacy one.
enum InstanceRendering {
    /// A legacy task time: `yyyy-MM-dd HH:mm:ss`, or epoch ms as text for "old" instances.
    static func legacyTaskTime(_ ms: Int64, _ inst: ApprovalInstance) -> String {
        inst.legacyTaskTimesAsMs ? String(ms) : TimeFormat.legacy(ms)
    }

    /// An instance as `/topapi/processinstance/get` serves it (`process_instance`).
    static func legacy(_ inst: ApprovalInstance) -> JSONValue {
        var b = ObjectBuilder()
        b.set("title", inst.title)
        b.set("create_time", TimeFormat.legacy(inst.createTime))
        b.set("finish_time", inst.finishTime.map(TimeFormat.legacy))
        b.set("originator_userid", inst.originatorUserId)
        b.set("originator_dept_id", inst.originatorDeptId)
        b.set("originator_dept_name", inst.originatorDeptName)
        b.set("status", inst.status)
        b.set("result", inst.result)
        b.set("business_id", inst.businessId)
        b.setNonEmpty("cc_userids", inst.ccUserIds)
        if inst.isFinal { b.setNonEmpty("approver_userids", inst.approverUserIds) }
        b.set("attached_process_instance_ids", .strings(inst.attachedProcessInstanceIds))
        b.set("biz_action", inst.bizAction)
        b.set("main_process_instance_id", inst.mainProcessInstanceId)
        b.set(
            "form_component_values",
            .array(
                inst.form.map { f in
                    var fb = ObjectBuilder()
                    fb.set("component_type", f.componentType)
                    fb.set("id", f.id)
                    fb.set("name", f.name)
                    fb.set("value", f.table.map { $0.value(tableId: f.id, legacy: true) } ?? f.value)
                    fb.set("ext_value", f.extValue)
                    return fb.value
                }))
        b.set(
            "operation_records",
            .array(
                inst.records.map { r in
                    var rb = ObjectBuilder()
                    rb.set("userid", r.userId)
                    rb.set("date", TimeFormat.legacy(r.date))
                    rb.set("operation_type", r.type)
                    rb.set("operation_result", r.result)
                    rb.set("remark", r.remark)
                    if !r.attachments.isEmpty {
                        rb.set(
                            "attachments",
                            .array(
                                r.attachments.map {
                                    .object([
                                        ("file_id", .string($0.fileId)), ("file_name", .string($0.fileName)),
                                        ("file_size", .string($0.fileSize)), ("file_type", .string($0.fileType))
                                    ])
                                }))
                    }
                    return rb.value
                }))
        b.set(
            "tasks",
            .array(
                inst.tasks.map { t in
                    var tb = ObjectBuilder()
                    tb.set("userid", t.userId)
                    tb.set("task_status", t.status)
                    tb.set("task_result", t.result)
                    tb.set("create_time", legacyTaskTime(t.createTime, inst))
                    tb.set("finish_time", t.finishTime.map { legacyTaskTime($0, inst) })
                    tb.set("taskid", String(t.taskId))
                    if t.hasLinks {
                        tb.set("activity_id", t.activityId)
                        tb.set(
                            "url",
                            "aflow.dingtalk.com?procInsId=\(inst.id)&taskId=\(t.taskId)&businessId=\(inst.businessId)")
                    }
                    return tb.value
                }))
        return b.value
    }

    /// An instance as `GET /v1.0/workflow/processInstances` serves it (`result`).
    ///
    /// `beijing`: times as Beijing wall time with a `Z` (the `new_api_times` setting).
    static func new(_ inst: ApprovalInstance, beijing: Bool) -> JSONValue {
        func time(_ ms: Int64) -> String { TimeFormat.newAPI(ms, beijing: beijing) }
        var b = ObjectBuilder()
        b.set("title", inst.title)
        b.set("businessId", inst.businessId)
        b.set("createTime", time(inst.createTime))
        b.set("finishTime", inst.finishTime.map(time))
        b.set("originatorUserId", inst.originatorUserId)
        b.set("originatorDeptId", inst.originatorDeptId)
        b.set("originatorDeptName", inst.originatorDeptName)
        b.set("status", inst.status)
        b.setNonEmpty("result", inst.result)
        b.setNonEmpty("ccUserIds", inst.ccUserIds)
        if inst.isFinal { b.setNonEmpty("approverUserIds", inst.approverUserIds) }
        b.set("attachedProcessInstanceIds", .strings(inst.attachedProcessInstanceIds))
        b.set("bizAction", inst.bizAction)
        b.set("bizData", inst.bizData)
        b.set("mainProcessInstanceId", inst.mainProcessInstanceId)
        b.set(
            "formComponentValues",
            .array(
                inst.form.map { f in
                    var fb = ObjectBuilder()
                    fb.set("componentType", f.componentType)
                    fb.set("id", f.id)
                    fb.set("name", f.name)
                    fb.set("value", f.value)
                    fb.set("extValue", f.extValue)
                    fb.set("bizAlias", f.bizAlias)
                    return fb.value
                }))
        b.set(
            "operationRecords",
            .array(
                inst.records.map { r in
                    var rb = ObjectBuilder()
                    rb.set("userId", r.userId)
                    rb.set("date", time(r.date))
                    rb.set("type", r.type)
                    rb.set("result", r.result)
                    rb.set("remark", r.remark)
                    if !r.attachments.isEmpty {
                        rb.set(
                            "attachments",
                            .array(
                                r.attachments.map {
                                    .object([
                                        ("fileId", .string($0.fileId)), ("fileName", .string($0.fileName)),
                                        ("fileSize", .string($0.fileSize)),
                                        ("fileType", .string($0.fileType)), ("spaceId", .string($0.spaceId))
                                    ])
                                }))
                    }
                    rb.setNonEmpty("ccUserIds", r.ccUserIds)
                    rb.set("activityId", r.activityId)
                    rb.set("showName", r.showName)
                    rb.setNonEmpty("images", r.images)
                    return rb.value
                }))
        b.set(
            "tasks",
            .array(
                inst.tasks.map { t in
                    var tb = ObjectBuilder()
                    tb.set("taskId", .int(t.taskId))
                    tb.set("userId", t.userId)
                    tb.set("status", t.status)
                    tb.set("result", t.result)
                    tb.set("createTime", time(t.createTime))
                    tb.set("finishTime", t.finishTime.map(time))
                    if t.hasLinks { tb.set("activityId", t.activityId) }
                    tb.set("processInstanceId", inst.id)
                    if t.hasLinks {
                        let url =
                            "aflow.dingtalk.com?procInsId=\(inst.id)&taskId=\(t.taskId)&businessId=\(inst.businessId)"
                        tb.set("mobileUrl", url)
                        tb.set("pcUrl", url)
                    }
                    tb.set("taskGroupName", t.groupName)
                    return tb.value
                }))
        return b.value
    }

    /// A user as `/topapi/v2/user/get` serves it (`result`).
    static func legacyUser(_ u: DTUser) -> JSONValue {
        var b = ObjectBuilder()
        b.set("userid", u.userid)
        b.set("unionid", u.unionid)
        b.set("name", u.name)
        b.set("avatar", "")
        b.set("state_code", "86")
        b.set("mobile", u.mobile)
        b.set("hide_mobile", .bool(false))
        b.set("title", u.title)
        b.set("job_number", u.jobNumber)
        b.set("email", u.email)
        b.set("work_place", u.workPlace)
        b.set("dept_id_list", .array(u.deptIds.map { .int($0) }))
        b.set(
            "dept_order_list",
            .array(zip(u.deptIds, u.deptOrders).map { .object([("dept_id", .int($0.0)), ("order", .number($0.1))]) }))
        b.set(
            "leader_in_dept",
            .array(u.deptIds.map { .object([("dept_id", .int($0)), ("leader", .bool(u.leaderDeptIds.contains($0)))]) }))
        b.set("manager_userid", u.managerUserid)
        b.set("hired_date", u.hiredDate.map { JSONValue.int($0) })
        b.set("active", .bool(true))
        b.set("real_authed", .bool(true))
        b.set("admin", .bool(u.admin))
        b.set("boss", .bool(u.boss))
        b.set("senior", .bool(u.senior))
        b.set("exclusive_account", .bool(false))
        return b.value
    }
}
