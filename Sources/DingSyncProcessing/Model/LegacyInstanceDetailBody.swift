import DingSyncBasics
import Foundation

/// The raw body of legacy `POST /topapi/processinstance/get` (reference §3.1).
///
/// Only reads; unknown keys are ignored, every field but `taskid` is optional.
struct LegacyInstanceDetailBody: Decodable {
    var errcode: String?
    var errmsg: String?
    var subCode: String?
    var subMsg: String?
    var processInstance: Payload?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DetailCodingKey.self)
        errcode = try container.lenientString(DetailCodingKey("errcode"))
        errmsg = try container.lenientString(DetailCodingKey("errmsg"))
        subCode = try container.lenientString(DetailCodingKey("sub_code"))
        subMsg = try container.lenientString(DetailCodingKey("sub_msg"))
        processInstance = try container.decodeIfPresent(Payload.self, forKey: DetailCodingKey("process_instance"))
    }

    /// `process_instance`.
    struct Payload: Decodable {
        var fields: [String: String] = [:]
        var ccUserIds: [String]
        var approverUserIds: [String]
        var attachedInstanceIds: [String]
        var formValues: [RawFormValue]
        var records: [Record]
        var tasks: [Task]

        static let scalarKeys = [
            "title", "create_time", "finish_time", "originator_userid", "originator_dept_id",
            "originator_dept_name", "status", "result", "business_id", "biz_action", "main_process_instance_id"
        ]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: DetailCodingKey.self)
            for key in Self.scalarKeys {
                fields[key] = try container.lenientString(DetailCodingKey(key))
            }
            ccUserIds = try container.lenientStringList(DetailCodingKey("cc_userids"))
            approverUserIds = try container.lenientStringList(DetailCodingKey("approver_userids"))
            attachedInstanceIds = try container.lenientStringList(DetailCodingKey("attached_process_instance_ids"))
            formValues = try container.objectList(RawFormValue.self, DetailCodingKey("form_component_values"))
            records = try container.objectList(Record.self, DetailCodingKey("operation_records"))
            tasks = try container.objectList(Task.self, DetailCodingKey("tasks"))
        }
    }

    /// `operation_records[]`.
    struct Record: Decodable {
        var userId, date, type, result, remark: String?
        var attachments: [RawAttachment]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: DetailCodingKey.self)
            userId = try container.lenientString(DetailCodingKey("userid"))
            date = try container.lenientString(DetailCodingKey("date"))
            type = try container.lenientString(DetailCodingKey("operation_type"))
            result = try container.lenientString(DetailCodingKey("operation_result"))
            remark = try container.lenientString(DetailCodingKey("remark"))
            attachments = try container.objectList(RawAttachment.self, DetailCodingKey("attachments"))
        }
    }

    /// `tasks[]`.
    struct Task: Decodable {
        var taskId: String
        var userId, status, result, createTime, finishTime, activityId: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: DetailCodingKey.self)
            guard let taskId = try container.lenientString(DetailCodingKey("taskid")), !taskId.isEmpty else {
                throw DecodingError.keyNotFound(
                    DetailCodingKey("taskid"),
                    .init(
                        codingPath: container.codingPath, debugDescription: "a task without taskid"))
            }
            self.taskId = taskId
            userId = try container.lenientString(DetailCodingKey("userid"))
            status = try container.lenientString(DetailCodingKey("task_status"))
            result = try container.lenientString(DetailCodingKey("task_result"))
            createTime = try container.lenientString(DetailCodingKey("create_time"))
            finishTime = try container.lenientString(DetailCodingKey("finish_time"))
            activityId = try container.lenientString(DetailCodingKey("activity_id"))
        }
    }
}

/// A form component value in either family (snake_case legacy, camelCase new).
struct RawFormValue: Decodable {
    var id, name, componentType, value, extValue: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DetailCodingKey.self)
        id = try container.lenientString(DetailCodingKey("id"))
        name = try container.lenientText(DetailCodingKey("name"))
        componentType =
            try container.lenientString(DetailCodingKey("componentType"))
            ?? container.lenientString(DetailCodingKey("component_type"))
        value = try container.lenientText(DetailCodingKey("value"))
        extValue =
            try container.lenientText(DetailCodingKey("extValue"))
            ?? container.lenientText(DetailCodingKey("ext_value"))
    }

    var formValue: InstanceDetail.FormValue {
        InstanceDetail.FormValue(
            id: id ?? "", name: name ?? "", componentType: componentType ?? "",
            value: value ?? "", extValue: extValue)
    }
}

/// An attachment of an operation record in either family; only the file name is kept.
struct RawAttachment: Decodable {
    var fileName: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DetailCodingKey.self)
        fileName =
            try container.lenientString(DetailCodingKey("fileName"))
            ?? container.lenientString(DetailCodingKey("file_name"))
    }
}
