import DingSyncBasics
import DingSyncProcessing
import Foundation

/// An instance the mirror knows, as the pipeline needs it (re-check, retry).
public struct KnownInstance: Sendable, Equatable {
    public var instanceId: String
    public var processCode: String
    public var createTime: Date?
    /// Raw status as last seen (RUNNING, NEW, …).
    public var status: String = ""
    /// When its detail was last read and its rows brought up to date (the mirror's `synced_at`).
    public var lastRefreshed: Date?

    public init(
        instanceId: String, processCode: String, createTime: Date?, status: String = "", lastRefreshed: Date? = nil
    ) {
        self.instanceId = instanceId
        self.processCode = processCode
        self.createTime = createTime
        self.status = status
        self.lastRefreshed = lastRefreshed
    }
}

extension StateStore {
    /// Writes the mirror of one instance (replacing what was there) from its detail and mapped rows.
    /// Call inside `transaction` together with the ledger updates of the same instance.
    func saveMirror(_ detail: InstanceDetail, _ processed: ProcessedInstance, names: NameLookup, syncedAt: Date) throws
    {
        let main = processed.main
        func text(_ name: String) -> SQLValue {
            if case .text(let t)? = main[name] { return .text(t) }
            return .null
        }
        func number(_ name: String) -> SQLValue {
            if case .number(let n)? = main[name] { return .real(NSDecimalNumber(decimal: n).doubleValue) }
            return .null
        }
        func ms(_ name: String) -> SQLValue {
            if case .datetime(let v)? = main[name] { return .integer(v) }
            return .null
        }
        func ms(_ date: Date?) -> SQLValue { date.map { .integer(DingTalkTime.epochMilliseconds($0)) } ?? .null }
        // the full form text, also when the Bitable cell had to be cut (CellLimit)
        let formData = FormValueRenderer.formData(detail.formValues)
        let json = (try? JSONEncoder().encode(detail)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        try db.run(
            "DELETE FROM detail_cells WHERE detail_key IN (SELECT detail_key FROM detail_lines WHERE instance_id = ?)",
            [.text(detail.instanceId)])
        try db.run("DELETE FROM detail_lines WHERE instance_id = ?", [.text(detail.instanceId)])
        try db.run("DELETE FROM instances WHERE instance_id = ?", [.text(detail.instanceId)])
        try db.run(
            """
            INSERT INTO instances (instance_id, process_code, business_id, title, status, result, status_text, create_time, finish_time,
                originator_user_id, originator_name, originator_dept_id, originator_dept_name, amount, duration_hours, current_node,
                last_action, last_action_time, approver_chain, form_data, biz_action, is_final, detail_json, synced_at,
                create_local, finish_local)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(detail.instanceId), .text(detail.processCode), .text(detail.businessId), .text(detail.title),
                .text(detail.status), .text(detail.result), text("status"), ms(detail.createTime),
                ms(detail.finishTime),
                .text(detail.originatorUserId), .text(names.userName(detail.originatorUserId)),
                .text(detail.originatorDeptId),
                text("applicant_dept"), number("amount"), number("duration_hours"), text("current_node"),
                text("last_action"),
                ms("last_action_time"), text("approver_chain"), formData.isEmpty ? .null : .text(formData),
                .text(detail.bizAction),
                .integer(detail.isFinal ? 1 : 0), .text(json), .integer(DingTalkTime.epochMilliseconds(syncedAt)),
                localTime(detail.createTime.map(DingTalkTime.epochMilliseconds)),
                localTime(detail.finishTime.map(DingTalkTime.epochMilliseconds))
            ])
        for (position, form) in detail.formValues.enumerated() {
            try db.run(
                "INSERT INTO form_values (instance_id, position, component_id, name, component_type, value, ext_value) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(detail.instanceId), SQLValue(position), .text(form.id), .text(form.name),
                    .text(form.componentType),
                    .text(form.value), SQLValue(form.extValue)
                ])
        }
        let actionTexts = Dictionary(
            processed.actions.compactMap { row -> (Int, String)? in
                guard case .number(let seq)? = row["seq"], case .text(let action)? = row["action"] else { return nil }
                return (NSDecimalNumber(decimal: seq).intValue, action)
            }, uniquingKeysWith: { a, _ in a })
        for (index, record) in DataProcessor.timeOrdered(detail.operationRecords).enumerated() {
            try db.run(
                """
                INSERT INTO operation_records (instance_id, seq, user_id, user_name, type, result, action_text, date, remark, show_name, activity_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(detail.instanceId), SQLValue(index + 1), .text(record.userId),
                    .text(names.userName(record.userId)),
                    .text(record.type), .text(record.result), SQLValue(actionTexts[index + 1]), ms(record.date),
                    .text(record.remark),
                    SQLValue(record.showName), SQLValue(record.activityId)
                ])
        }
        for line in processed.detailLines {
            try db.run(
                """
                INSERT INTO detail_lines (detail_key, instance_id, component_id, table_field, row_no, amount, line_data)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(line.key), .text(detail.instanceId), .text(line.componentId), .text(line.tableField),
                    SQLValue(line.row),
                    line.amount.map { SQLValue.real(NSDecimalNumber(decimal: $0).doubleValue) } ?? .null,
                    .text(line.lineData)
                ])
            for (position, cell) in line.cells.enumerated() {
                try db.run(
                    "INSERT INTO detail_cells (detail_key, position, name, value) VALUES (?, ?, ?, ?)",
                    [.text(line.key), SQLValue(position), .text(cell.name), .text(cell.value)])
            }
        }
        for (position, task) in detail.tasks.enumerated() {
            try db.run(
                """
                INSERT INTO tasks (instance_id, position, task_id, user_id, user_name, status, result, create_time, finish_time, activity_id, node_name)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(detail.instanceId), SQLValue(position), .text(task.taskId), .text(task.userId),
                    .text(names.userName(task.userId)),
                    .text(task.status), .text(task.result), ms(task.createTime), ms(task.finishTime),
                    SQLValue(task.activityId),
                    SQLValue(task.nodeName)
                ])
        }
    }

    /// Instances the mirror holds as not final (RUNNING/NEW…), to re-check every run.
    public func openInstances(processCodes: [String]) throws -> [KnownInstance] {
        try locked {
            try db.query(
                "SELECT instance_id, process_code, create_time, status, synced_at FROM instances WHERE is_final = 0 ORDER BY create_time"
            )
            .compactMap { row in
                guard let id = row[0].string, let code = row[1].string, processCodes.contains(code) else { return nil }
                return KnownInstance(
                    instanceId: id, processCode: code,
                    createTime: row[2].int.map { Date(timeIntervalSince1970: Double($0) / 1000) },
                    status: row[3].string ?? "",
                    lastRefreshed: row[4].int.map { Date(timeIntervalSince1970: Double($0) / 1000) })
            }
        }
    }

    /// The mirrored detail of an instance (nil when unknown or unreadable).
    public func mirroredDetail(_ instanceId: String) throws -> InstanceDetail? {
        try locked {
            guard
                let json = try db.query("SELECT detail_json FROM instances WHERE instance_id = ?", [.text(instanceId)])
                    .first?.first?.string
            else { return nil }
            return try? JSONDecoder().decode(InstanceDetail.self, from: Data(json.utf8))
        }
    }

    /// How many instances the mirror holds.
    public func instanceCount() throws -> Int {
        try locked { Int(try db.query("SELECT COUNT(*) FROM instances").first?.first?.int ?? 0) }
    }
}
