import DingSyncBasics
import Foundation

extension FormValueRenderer {
    /// `TableField` lines: `名称: 第N行 列A=…；列B=…`, one per row.
    ///
    /// The rows are read by ``TableFieldValue`` (reference §3.7); each cell is rendered by the
    /// same rules as a top-level field. An empty table (`[]`, `"null"`, empty, or the
    /// empty-table quirk) is one empty line; a value of another shape is rendered generically,
    /// so nothing is lost.
    static func tableLines(_ field: InstanceDetail.FormValue) -> [FormLine] {
        guard let table = TableFieldValue.parse(field.value) else {
            return [FormLine(name: field.name, value: generic(cleaned(field.value)))]
        }
        if table.rows.isEmpty {
            return [FormLine(name: field.name, value: "")]
        }
        return table.rows.map { row in
            FormLine(
                name: field.name,
                value: "第\(row.number)行 " + row.cells.map { "\($0.name)=\(cellValue($0))" }.joined(separator: "；"))
        }
    }

    /// A cell's readable value: its single line's value, or its lines joined with `, `.
    public static func cellValue(_ cell: InstanceDetail.FormValue) -> String {
        let rendered = lines(for: cell)
        return rendered.count == 1 ? (rendered.first?.value ?? "") : rendered.map(\.text).joined(separator: ", ")
    }
}
