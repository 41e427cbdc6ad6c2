import DingSyncBasics
import Foundation

/// One instance of the OA premium listing (reference §12.2), as the page carries it.
///
/// `partial` holds what the page gives, times to the millisecond; what it lacks (node names,
/// the department's name, component types, cc and approver lists, `bizAction`) is empty until
/// ``DetailHints/complete(_:)`` fills it from what detail reads taught.
public struct PremiumInstance: Sendable, Equatable {
    public var partial: InstanceDetail

    public init(partial: InstanceDetail) { self.partial = partial }

    public var instanceId: String { partial.instanceId }

    /// One page: its instances (of `processCode`), whether more follow and the cursor to send next.
    public struct Page: Sendable, Equatable {
        public var instances: [PremiumInstance]
        public var hasMore: Bool
        public var nextToken: String?
    }

    /// Decodes a page answer (`result.list`, `result.hasMore`, `result.nextToken`).
    ///
    /// - Throws: ``DingTalkDecodingError`` for a body without `result`, an item without
    ///   `processInstanceId`, or an instance without originator, status or creation time.
    public static func decodePage(_ body: Data, processCode: String) throws(DingTalkDecodingError) -> Page {
        let endpoint = DingTalkDecodingError.premiumEndpoint
        guard let result = JSON.parseObject(body)?.child("result") else {
            throw .missingPayload(instanceId: "(page)", endpoint: endpoint, key: "result")
        }
        var instances: [PremiumInstance] = []
        for item in result.children("list") {
            guard let id = item.string("processInstanceId"), !id.isEmpty else {
                throw .missingFields(instanceId: "(page)", endpoint: endpoint, fields: ["processInstanceId"])
            }
            let detail = decodeItem(item, id: id, processCode: processCode)
            try detail.checkComplete(endpoint: endpoint)
            instances.append(PremiumInstance(partial: detail))
        }
        let next = result.string("nextToken").flatMap { $0.isEmpty ? nil : $0 }
        return Page(instances: instances, hasMore: result.bool("hasMore") ?? false, nextToken: next)
    }

    private static func decodeItem(_ item: JSON, id: String, processCode: String) -> InstanceDetail {
        func text(_ json: JSON, _ key: String) -> String {
            let value = json.string(key) ?? ""
            return value == "null" ? "" : value
        }
        func time(_ json: JSON, _ keys: String...) -> Date? {
            for key in keys {
                if let ms = json.int(key), ms > 0 { return Date(timeIntervalSince1970: Double(ms) / 1000) }
            }
            return nil
        }
        let records = item.children("operationRecords").map { r in
            InstanceDetail.OperationRecord(
                userId: text(r, "userId"), date: time(r, "timestamp"), type: text(r, "operationType"),
                result: text(r, "result"), remark: text(r, "remark"),
                attachments: r.children("attachments").compactMap { $0.string("fileName") })
        }
        let tasks = item.children("tasks").map { t in
            InstanceDetail.ApprovalTask(
                taskId: text(t, "taskId"), userId: text(t, "userId"), status: text(t, "status"),
                result: text(t, "result"), createTime: time(t, "createTimestamp"),
                finishTime: time(t, "finishTimestamp"), activityId: nonEmpty(text(t, "activityId")))
        }
        let forms = item.children("formComponentValues").map { f in
            InstanceDetail.FormValue(
                id: text(f, "id"), name: text(f, "name"), value: f.string("value") ?? "",
                extValue: f.string("extValue"))
        }
        return InstanceDetail(
            instanceId: id, processCode: processCode, title: text(item, "title"), businessId: text(item, "businessId"),
            status: text(item, "status"), result: text(item, "result"),
            createTime: time(item, "createTimeInMills", "createTime"),
            finishTime: time(item, "finishTimeInMills", "finishTime"),
            originatorUserId: text(item, "originatorUserid").isEmpty
                ? text(item, "originatorUserId") : text(item, "originatorUserid"),
            originatorDeptId: text(item, "originatorDeptId"),
            attachedInstanceIds: item.strings("attachedProcessInstanceIds"),
            mainInstanceId: nonEmpty(text(item, "mainProcessInstanceId")), formValues: forms,
            operationRecords: records, tasks: tasks)
    }

    static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
