import DingSyncBasics
import Foundation

extension InstanceDetail {
    /// Decodes a whole legacy `/topapi/processinstance/get` response body (data under
    /// `process_instance`).
    ///
    /// Times are `yyyy-MM-dd HH:mm:ss` wall clock in `timeZone` (`sync.timezone`); task times
    /// may also be epoch-ms strings. `cc_userids` and `attached_process_instance_ids` may be
    /// arrays or comma-joined text. `"null"` and empty times become nil.
    /// - Throws: ``DingTalkDecodingError`` for a non-JSON body, an error envelope
    ///   (`errcode ≠ 0`), a missing `process_instance`, a task without `taskid`, a field of an
    ///   impossible type, or a time that cannot be read.
    public static func decodeLegacy(
        _ body: Data, instanceId: String, processCode: String,
        timeZone: TimeZone = DingTalkTime.defaultTimeZone
    ) throws(DingTalkDecodingError) -> InstanceDetail {
        let endpoint = DingTalkDecodingError.legacyEndpoint
        let decoded: LegacyInstanceDetailBody
        do {
            decoded = try JSONDecoder().decode(LegacyInstanceDetailBody.self, from: body)
        } catch {
            throw DingTalkDecodingError.wrapping(error, instanceId: instanceId, endpoint: endpoint, body: body)
        }
        if let code = decoded.errcode, code != "0" {
            let sub = decoded.subCode.map { " (sub_code \($0))" } ?? ""
            let message = [decoded.errmsg, decoded.subMsg].compactMap { $0 }.filter { !$0.isEmpty }
            throw .apiError(
                instanceId: instanceId, endpoint: endpoint, code: "errcode \(code)\(sub)",
                message: message.joined(separator: ": "))
        }
        guard let payload = decoded.processInstance else {
            throw .missingPayload(instanceId: instanceId, endpoint: endpoint, key: "process_instance")
        }
        let times = TimeReader(instanceId: instanceId, endpoint: endpoint) {
            DingTalkTime.parseLegacy($0, timeZone: timeZone)
        }
        let field = { (key: String) in payload.fields[key] ?? "" }
        let records = try payload.records.enumerated().map { (index, record) throws(DingTalkDecodingError) in
            OperationRecord(
                userId: record.userId ?? "",
                date: try times.read(record.date, "process_instance.operation_records[\(index)].date"),
                type: record.type ?? "", result: record.result ?? "", remark: record.remark ?? "",
                attachments: record.attachments.compactMap(\.fileName))
        }
        let tasks = try payload.tasks.enumerated().map { (index, task) throws(DingTalkDecodingError) in
            ApprovalTask(
                taskId: task.taskId, userId: task.userId ?? "", status: task.status ?? "", result: task.result ?? "",
                createTime: try times.read(task.createTime, "process_instance.tasks[\(index)].create_time"),
                finishTime: try times.read(task.finishTime, "process_instance.tasks[\(index)].finish_time"),
                activityId: nonEmpty(task.activityId))
        }
        return InstanceDetail(
            instanceId: instanceId, processCode: processCode, title: field("title"),
            businessId: field("business_id"), status: field("status"), result: field("result"),
            createTime: try times.read(payload.fields["create_time"], "process_instance.create_time"),
            finishTime: try times.read(payload.fields["finish_time"], "process_instance.finish_time"),
            originatorUserId: field("originator_userid"), originatorDeptId: field("originator_dept_id"),
            originatorDeptName: field("originator_dept_name"), ccUserIds: payload.ccUserIds,
            approverUserIds: payload.approverUserIds, attachedInstanceIds: payload.attachedInstanceIds,
            bizAction: field("biz_action"), mainInstanceId: nonEmpty(payload.fields["main_process_instance_id"]),
            formValues: payload.formValues.map(\.formValue), operationRecords: records, tasks: tasks)
    }

    /// Decodes a whole new-API `GET /v1.0/workflow/processInstances` response body (data under
    /// `result`; `success` may be `true` or `"true"`).
    ///
    /// `...Z` times (and times without offset) are read per `timeReading`: `.utc` as UTC,
    /// `.local` as wall clock in `timeZone`; a real offset is always honoured. For `auto`, ask
    /// ``NewAPITimeReading/detect(responseBody:instanceId:timeZone:)`` first.
    /// - Throws: ``DingTalkDecodingError`` for a non-JSON body, an error envelope (`code`,
    ///   `success: false`), a missing `result`, a task without `taskId`, a field of an
    ///   impossible type, or a time that cannot be read.
    public static func decodeNewAPI(
        _ body: Data, instanceId: String, processCode: String,
        timeReading: NewAPITimeReading = .local, timeZone: TimeZone = DingTalkTime.defaultTimeZone
    ) throws(DingTalkDecodingError) -> InstanceDetail {
        let endpoint = DingTalkDecodingError.newEndpoint
        let payload = try NewInstanceDetailBody.payload(from: body, instanceId: instanceId)
        let times = TimeReader(instanceId: instanceId, endpoint: endpoint) {
            DingTalkTime.parseNewAPI($0, reading: timeReading, timeZone: timeZone)
        }
        let field = { (key: String) in payload.fields[key] ?? "" }
        let records = try payload.records.enumerated().map { (index, record) throws(DingTalkDecodingError) in
            OperationRecord(
                userId: record.userId ?? "",
                date: try times.read(record.date, "result.operationRecords[\(index)].date"),
                type: record.type ?? "", result: record.result ?? "", remark: record.remark ?? "",
                showName: nonEmpty(record.showName), activityId: nonEmpty(record.activityId),
                attachments: record.attachments.compactMap(\.fileName))
        }
        let tasks = try payload.tasks.enumerated().map { (index, task) throws(DingTalkDecodingError) in
            ApprovalTask(
                taskId: task.taskId, userId: task.userId ?? "", status: task.status ?? "", result: task.result ?? "",
                createTime: try times.read(task.createTime, "result.tasks[\(index)].createTime"),
                finishTime: try times.read(task.finishTime, "result.tasks[\(index)].finishTime"),
                activityId: nonEmpty(task.activityId), nodeName: nonEmpty(task.taskGroupName))
        }
        return InstanceDetail(
            instanceId: instanceId, processCode: processCode, title: field("title"),
            businessId: field("businessId"), status: field("status"), result: field("result"),
            createTime: try times.read(payload.fields["createTime"], "result.createTime"),
            finishTime: try times.read(payload.fields["finishTime"], "result.finishTime"),
            originatorUserId: field("originatorUserId"), originatorDeptId: field("originatorDeptId"),
            originatorDeptName: field("originatorDeptName"), ccUserIds: payload.ccUserIds,
            approverUserIds: payload.approverUserIds, attachedInstanceIds: payload.attachedInstanceIds,
            bizAction: field("bizAction"), mainInstanceId: nonEmpty(payload.fields["mainProcessInstanceId"]),
            formValues: payload.formValues.map(\.formValue), operationRecords: records, tasks: tasks)
    }

    /// Fails for a detail without what every instance has — an originator, a status, a creation
    /// time: a malformed 200 answer written as it is would blank a good row and delete its actions.
    public func checkComplete(endpoint: String) throws(DingTalkDecodingError) {
        var missing: [String] = []
        if originatorUserId.trimmingCharacters(in: .whitespaces).isEmpty { missing.append("the originator") }
        if status.trimmingCharacters(in: .whitespaces).isEmpty { missing.append("the status") }
        if createTime == nil { missing.append("the creation time") }
        guard missing.isEmpty else { throw .missingFields(instanceId: instanceId, endpoint: endpoint, fields: missing) }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty, text != "null" else { return nil }
        return text
    }
}

/// Reads optional time text with one family's parser; unreadable text is a typed error.
private struct TimeReader {
    let instanceId: String
    let endpoint: String
    let parse: (String) -> Date?

    /// nil for absent, empty or `"null"`; the date for readable text; throws otherwise.
    func read(_ text: String?, _ path: String) throws(DingTalkDecodingError) -> Date? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text != "null" else {
            return nil
        }
        guard let date = parse(text) else {
            throw .invalidField(
                instanceId: instanceId, endpoint: endpoint, path: path,
                problem: "\"\(text)\" is not a time this tool can read")
        }
        return date
    }
}
