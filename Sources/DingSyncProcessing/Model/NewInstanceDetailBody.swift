import DingSyncBasics
import Foundation

/// The raw body of new `GET /v1.0/workflow/processInstances` (reference §3.2).
///
/// Only reads; unknown keys are ignored, every field but `taskId` is optional.
struct NewInstanceDetailBody: Decodable {
    /// `true` or `"true"`.
    var success: Bool?
    /// Error envelope fields.
    var code: String?
    var message: String?
    var result: Payload?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DetailCodingKey.self)
        success = try container.lenientBool(DetailCodingKey("success"))
        code = try container.lenientString(DetailCodingKey("code"))
        message = try container.lenientString(DetailCodingKey("message"))
        result = try container.decodeIfPresent(Payload.self, forKey: DetailCodingKey("result"))
    }

    /// Decodes `body` and returns its `result`, or throws the API's error envelope.
    static func payload(from body: Data, instanceId: String) throws(DingTalkDecodingError) -> Payload {
        let endpoint = DingTalkDecodingError.newEndpoint
        let decoded: NewInstanceDetailBody
        do {
            decoded = try JSONDecoder().decode(NewInstanceDetailBody.self, from: body)
        } catch {
            throw DingTalkDecodingError.wrapping(error, instanceId: instanceId, endpoint: endpoint, body: body)
        }
        if let code = decoded.code, !code.isEmpty, decoded.result == nil || decoded.success == false {
            throw .apiError(instanceId: instanceId, endpoint: endpoint, code: code, message: decoded.message ?? "")
        }
        if decoded.success == false {
            throw .apiError(
                instanceId: instanceId, endpoint: endpoint, code: "success=false",
                message: decoded.message ?? "the response says the call did not succeed")
        }
        guard let payload = decoded.result else {
            throw .missingPayload(instanceId: instanceId, endpoint: endpoint, key: "result")
        }
        return payload
    }

    /// `result`.
    struct Payload: Decodable {
        var fields: [String: String] = [:]
        var ccUserIds: [String]
        var approverUserIds: [String]
        var attachedInstanceIds: [String]
        var formValues: [RawFormValue]
        var records: [Record]
        var tasks: [Task]

        var createTime: String? { fields["createTime"] }

        static let scalarKeys = [
            "title", "createTime", "finishTime", "originatorUserId", "originatorDeptId",
            "originatorDeptName", "status", "result", "businessId", "bizAction", "mainProcessInstanceId"
        ]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: DetailCodingKey.self)
            for key in Self.scalarKeys {
                fields[key] = try container.lenientString(DetailCodingKey(key))
            }
            ccUserIds = try container.lenientStringList(DetailCodingKey("ccUserIds"))
            approverUserIds = try container.lenientStringList(DetailCodingKey("approverUserIds"))
            attachedInstanceIds = try container.lenientStringList(DetailCodingKey("attachedProcessInstanceIds"))
            formValues = try container.objectList(RawFormValue.self, DetailCodingKey("formComponentValues"))
            records = try container.objectList(Record.self, DetailCodingKey("operationRecords"))
            tasks = try container.objectList(Task.self, DetailCodingKey("tasks"))
        }
    }

    /// `operationRecords[]`.
    struct Record: Decodable {
        var userId, date, type, result, remark, showName, activityId: String?
        var attachments: [RawAttachment]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: DetailCodingKey.self)
            userId = try container.lenientString(DetailCodingKey("userId"))
            date = try container.lenientString(DetailCodingKey("date"))
            type = try container.lenientString(DetailCodingKey("type"))
            result = try container.lenientString(DetailCodingKey("result"))
            remark = try container.lenientString(DetailCodingKey("remark"))
            showName = try container.lenientString(DetailCodingKey("showName"))
            activityId = try container.lenientString(DetailCodingKey("activityId"))
            attachments = try container.objectList(RawAttachment.self, DetailCodingKey("attachments"))
        }
    }

    /// `tasks[]`; `taskId` is an int64 (a string is accepted too).
    struct Task: Decodable {
        var taskId: String
        var userId, status, result, createTime, finishTime, activityId, taskGroupName: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: DetailCodingKey.self)
            guard let taskId = try container.lenientString(DetailCodingKey("taskId")), !taskId.isEmpty else {
                throw DecodingError.keyNotFound(
                    DetailCodingKey("taskId"),
                    .init(
                        codingPath: container.codingPath, debugDescription: "a task without taskId"))
            }
            self.taskId = taskId
            userId = try container.lenientString(DetailCodingKey("userId"))
            status = try container.lenientString(DetailCodingKey("status"))
            result = try container.lenientString(DetailCodingKey("result"))
            createTime = try container.lenientString(DetailCodingKey("createTime"))
            finishTime = try container.lenientString(DetailCodingKey("finishTime"))
            activityId = try container.lenientString(DetailCodingKey("activityId"))
            taskGroupName = try container.lenientString(DetailCodingKey("taskGroupName"))
        }
    }
}
