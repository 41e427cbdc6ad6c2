import DingSyncBasics
import Foundation

extension DataProcessor {
    /// Every row of every `TableField` of the form as a ``DetailLine`` (SPEC 4.7), in form order.
    ///
    /// A row's amount is its first sub-field named in the amount fields (the template's, else
    /// `mapping.amount_fields`), else its first `MoneyField`; `"null"`, empty or unreadable →
    /// none (an unreadable one with a warning).
    public func detailLines(_ detail: InstanceDetail, warnings: inout [String]) -> [DetailLine] {
        let amountNames = Set(
            options.amountFields(for: detail.processCode).map { $0.trimmingCharacters(in: .whitespaces) })
        var lines: [DetailLine] = []
        var seenTables = Set<String>()
        for field in detail.formValues where TableFieldValue.isTable(field) {
            guard let table = TableFieldValue.parse(field.value) else {
                warnings.append(
                    "instance \(detail.instanceId): table field \"\(field.name)\" is not a list of rows; "
                        + "it stays in form_data only")
                continue
            }
            let componentId = field.id.isEmpty ? field.name : field.id
            guard seenTables.insert(componentId).inserted else {
                warnings.append(
                    "instance \(detail.instanceId): a second table field with the id \"\(componentId)\"; "
                        + "its rows stay in form_data only")
                continue
            }
            for row in table.rows {
                let key = "\(detail.instanceId)#\(componentId)#\(row.number)"
                let source =
                    row.cells.first { amountNames.contains($0.name.trimmingCharacters(in: .whitespaces)) }
                    ?? row.cells.first { $0.componentType == "MoneyField" }
                var amount: Decimal?
                if let source, !FormValueRenderer.cleaned(source.value).isEmpty {
                    amount = AmountExtractor.parse(source.value)
                    if amount == nil {
                        warnings.append(
                            "instance \(detail.instanceId): \(field.name) row \(row.number): amount \"\(source.name)\" "
                                + "has value \"\(source.value)\", which is not a number; amount left empty")
                    }
                }
                lines.append(
                    DetailLine(
                        key: key, instanceId: detail.instanceId, processCode: detail.processCode,
                        componentId: componentId, tableField: field.name, row: row.number, amount: amount,
                        cells: row.cells.map { (name: $0.name, value: FormValueRenderer.cellValue($0)) }))
            }
        }
        return lines
    }

    /// The detail-table row of one line: the SPEC 4.7 columns, then one text column per
    /// ``detailColumns`` column (the sub-field the line's template maps to it).
    func detailRow(_ line: DetailLine) -> BitableRow {
        var fields: [BitableField] = [
            BitableField(name: DetailTableColumn.detailKey.rawValue, value: .text(line.key)),
            BitableField(name: DetailTableColumn.instanceId.rawValue, value: .textOrEmpty(line.instanceId)),
            BitableField(name: DetailTableColumn.templateCode.rawValue, value: .textOrEmpty(line.processCode)),
            BitableField(name: DetailTableColumn.tableField.rawValue, value: .textOrEmpty(line.tableField)),
            BitableField(name: DetailTableColumn.row.rawValue, value: .number(Decimal(line.row))),
            BitableField(name: DetailTableColumn.amount.rawValue, value: line.amount.map(FieldValue.number) ?? .empty),
            BitableField(name: DetailTableColumn.lineData.rawValue, value: .textOrEmpty(line.lineData))
        ]
        fields += detailColumns.fields(for: line.processCode) { line.value(of: $0) }
        return BitableRow(key: line.key, fields: fields)
    }
}
