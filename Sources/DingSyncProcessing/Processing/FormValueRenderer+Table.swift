import DingSyncBasics
import Foundation

extension FormValueRenderer {
    /// `TableField` lines: `名称: 第N行 列A=…；列B=…`, one per row.
    ///
    /// The value is `[{"rowValue":[{"label","value","key","componentType","extValue"?}]}]`
    /// (reference §3.3). A cell without `label` is named by its `key`. An empty table (`[]`,
    /// `"null"`, empty) is one empty line; a value of another shape is rendered generically,
    /// so nothing is lost.
    static func tableLines(_ field: InstanceDetail.FormValue) -> [FormLine] {
        let value = cleaned(field.value)
        guard case .array(let rows)? = JSON.parse(value) else {
            return [FormLine(name: field.name, value: generic(value))]
        }
        if rows.isEmpty {
            return [FormLine(name: field.name, value: "")]
        }
        return rows.enumerated().map { index, row in
            FormLine(name: field.name, value: "第\(index + 1)行 " + rowText(row))
        }
    }

    /// The cells of one row as `列A=…；列B=…`.
    private static func rowText(_ row: JSON) -> String {
        let cells: [JSON]
        if case .array(let list)? = row["rowValue"] {
            cells = list
        } else if case .array(let list) = row {
            cells = list
        } else {
            return readable(row)
        }
        return cells.map(cellText).joined(separator: "；")
    }

    private static func cellText(_ cell: JSON) -> String {
        guard case .object = cell else { return readable(cell) }
        let label = cell["label"]?.scalarText ?? cell["key"]?.scalarText ?? ""
        let field = InstanceDetail.FormValue(
            id: cell["key"]?.scalarText ?? "",
            name: label,
            componentType: cell["componentType"]?.scalarText ?? "",
            value: textOf(cell["value"]),
            extValue: cell["extValue"].map(textOf))
        let rendered = lines(for: field)
        let value =
            rendered.count == 1
            ? (rendered.first?.value ?? "")
            : rendered.map(\.text).joined(separator: ", ")
        return "\(label)=\(value)"
    }

    /// A cell's `value`/`extValue` as the text a top-level field would carry: strings and
    /// scalars as they are, structures as compact JSON text.
    private static func textOf(_ node: JSON?) -> String {
        guard let node else { return "" }
        if node == .null { return "" }
        return node.scalarText ?? node.compactText
    }
}
