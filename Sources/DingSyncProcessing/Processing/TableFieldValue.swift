import DingSyncBasics
import Foundation

/// The rows of a `TableField` (明细) form value, read as dingtalk reference §3.7 gives them.
///
/// `value` is JSON text of `[{"rowValue":[cell…],"rowNumber"?}]`; each cell carries `label`
/// (absent on 说明文字 cells), `key` (the child's component id, or its label on old
/// templates), `value` (mostly a string, sometimes a native array or a JSON-text string),
/// `extendValue` (native JSON, optional) and `componentType` (optional). The same shape comes
/// from both API families. Rows are numbered by array position (`rowNumber` is absent in some
/// captures and repeated in others). A value whose first element has no `rowValue` is the
/// empty-table quirk (the template's definition of its children): zero rows. `"null"`, empty
/// or `[]` is zero rows too.
public struct TableFieldValue: Sendable, Equatable {
    /// One row: its cells as form values (component type inferred from the key when absent).
    public struct Row: Sendable, Equatable {
        /// 1-based position in the table.
        public var number: Int
        public var cells: [InstanceDetail.FormValue]
    }

    /// The rows in form order.
    public var rows: [Row]

    /// Whether `field` is a TableField: its type says so, or (premium listings carry no type)
    /// its id starts with `TableField`.
    public static func isTable(_ field: InstanceDetail.FormValue) -> Bool {
        field.componentType == "TableField"
            || (field.componentType.isEmpty && field.id.hasPrefix("TableField"))
    }

    /// The rows of a table value; nil when the value is not a JSON array (then it is shown as text).
    public static func parse(_ value: String) -> TableFieldValue? {
        let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text == "null" { return TableFieldValue(rows: []) }
        guard case .array(let items)? = JSON.parse(text) else { return nil }
        // the empty-table quirk: the template's child definitions, not rows
        // (reference §3.7: a first element that is an object without `rowValue` means zero rows)
        if let first = items.first, case .object = first, first["rowValue"] == nil {
            return TableFieldValue(rows: [])
        }
        var rows: [Row] = []
        for (index, item) in items.enumerated() {
            let cells: [JSON]
            if case .array(let list)? = item["rowValue"] {
                cells = list
            } else if case .array(let list) = item {
                cells = list  // the write shape (rows as arrays of cells), accepted when read
            } else {
                return nil
            }
            rows.append(Row(number: index + 1, cells: cells.map(cell)))
        }
        return TableFieldValue(rows: rows)
    }

    /// A cell as a form value: `label` (else `name`, else the key) as its name; `value` as text
    /// (native JSON compacted); `extendValue` (or `extValue`) as JSON text.
    static func cell(_ cell: JSON) -> InstanceDetail.FormValue {
        guard case .object = cell else {
            return InstanceDetail.FormValue(name: "", value: FormValueRenderer.readable(cell))
        }
        let key = cell["key"]?.scalarText ?? cell["id"]?.scalarText ?? ""
        let label = cell["label"]?.scalarText ?? cell["name"]?.scalarText ?? key
        let given = cell["componentType"]?.scalarText ?? ""
        let ext = cell["extendValue"] ?? cell["extValue"] ?? cell["ext_value"]
        return InstanceDetail.FormValue(
            id: key, name: label, componentType: given.isEmpty ? inferredType(key) : given,
            value: text(cell["value"]), extValue: ext.flatMap { $0 == .null ? nil : text($0) })
    }

    /// The component type a key names (`MoneyField_1X…`, `TextField-K2AD…` → `MoneyField`,
    /// `TextField`); empty for keys that are labels.
    static func inferredType(_ key: String) -> String {
        let prefix = key.prefix { $0 != "_" && $0 != "-" }
        guard prefix.count < key.count, prefix.hasSuffix("Field") || prefix.hasPrefix("DD") || prefix == "TextNote"
        else { return "" }
        return String(prefix)
    }

    /// A JSON node as the text a top-level form value would carry: strings as they are,
    /// scalars as text, structures as compact JSON text.
    private static func text(_ node: JSON?) -> String {
        guard let node, node != .null else { return "" }
        if case .string(let text) = node { return text }
        return node.scalarText ?? node.compactText
    }
}
