import DingSyncBasics
import Foundation

extension DataProcessor {
    /// Operation records in time order: a stable sort by date (ties keep API order); records
    /// without a date keep their API order after all dated ones.
    public static func timeOrdered(_ records: [InstanceDetail.OperationRecord]) -> [InstanceDetail.OperationRecord] {
        records.enumerated()
            .sorted { lhs, rhs in
                switch (lhs.element.date, rhs.element.date) {
                case (let left?, let right?):
                    return left != right ? left < right : lhs.offset < rhs.offset
                case (.some, .none): return true
                case (.none, .some): return false
                case (.none, .none): return lhs.offset < rhs.offset
                }
            }
            .map(\.element)
    }

    /// Action rows (SPEC 4.2) for records already in time order.
    func actionRows(
        _ detail: InstanceDetail, records: [InstanceDetail.OperationRecord], names: NameLookup
    ) -> [BitableRow] {
        records.enumerated().map { index, record in
            let seq = index + 1
            let key = "\(detail.instanceId)#\(seq)"
            let fields: [(ActionTableColumn, FieldValue)] = [
                (.actionKey, .text(key)),
                (.instanceId, .textOrEmpty(detail.instanceId)),
                (.seq, .number(Decimal(seq))),
                (.nodeName, .textOrEmpty(nodeName(of: record, tasks: detail.tasks))),
                (.approver, .textOrEmpty(names.userName(record.userId))),
                (.action, .textOrEmpty(actionMapping.text(type: record.type, result: record.result))),
                (.actionTime, .date(record.date)),
                (.comment, .textOrEmpty(record.remark))
            ]
            return BitableRow(key: key, fields: fields.map { BitableField(name: $0.0.rawValue, value: $0.1) })
        }
    }

    /// A record's node: its `showName`; else the name of a task with the same `activityId`;
    /// else empty.
    func nodeName(of record: InstanceDetail.OperationRecord, tasks: [InstanceDetail.ApprovalTask]) -> String {
        if let showName = nonBlank(record.showName) { return showName }
        guard let activityId = nonBlank(record.activityId) else { return "" }
        return tasks.lazy.filter { $0.activityId == activityId }.compactMap { nonBlank($0.nodeName) }.first ?? ""
    }

    /// `current_node` of a running instance: each task with status `RUNNING` as
    /// `节点名（审批人）`, joined with `、`, in task order. The node name is the task's own
    /// (`taskGroupName`), else the `showName` of the first operation record with the same
    /// `activityId`; without either, just the approver's name.
    func currentNode(_ detail: InstanceDetail, names: NameLookup) -> String {
        detail.tasks
            .filter { $0.status.uppercased() == "RUNNING" }
            .map { task in
                let approver = names.userName(task.userId)
                let node =
                    nonBlank(task.nodeName)
                    ?? nonBlank(task.activityId).flatMap { activityId in
                        detail.operationRecords.lazy
                            .filter { $0.activityId == activityId }
                            .compactMap { nonBlank($0.showName) }
                            .first
                    }
                guard let node else { return approver }
                return "\(node)（\(approver)）"
            }
            .joined(separator: "、")
    }

    private func nonBlank(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return text
    }
}
