/// The rows of a `TableField` (明细), rendered per API family as dingtalk reference §3.7 gives them.
///
/// Both families put JSON text of `[{"rowValue":[cell…]…}]` in `value` and
/// `{"statValue":[],"componentName":"TableField"}` in the table's `extValue`/`ext_value`. A cell
/// has `label`, `key` (the child's component id), `value` and, for selects, contacts and
/// departments, `extendValue` as native JSON. The families differ as the captures do:
/// - new API: rows carry `rowNumber` (`<TableFieldId>_<rowKey>`); cells carry no
///   `componentType`; multi-select and attachment cells carry native arrays as `value`.
/// - legacy: rows carry no `rowNumber`; cells carry `componentType`; multi-select and
///   attachment cells carry JSON-array text as `value`.
/// A blank child is omitted from its row. A table without rows is `[]`.
struct FormTable: Sendable {
    /// One child control of the table (a column).
    struct Column: Sendable {
        var label: String
        var key: String
        var componentType: String
    }

    /// One cell: text, or a list (multi-select, attachments).
    struct Cell: Sendable {
        var text: String
        var list: [JSONValue]?
        var extendValue: JSONValue?

        init(_ text: String, list: [JSONValue]? = nil, extendValue: JSONValue? = nil) {
            self.text = text
            self.list = list
            self.extendValue = extendValue
        }
    }

    struct Row: Sendable {
        /// The row's own key (`rowNumber` is `<table id>_<rowKey>`).
        var rowKey: String
        /// Column label → cell; a column without a cell is a blank child, omitted.
        var cells: [String: Cell]
    }

    var columns: [Column]
    var rows: [Row]

    /// The table's `extValue` / `ext_value` (both families).
    static let extValue = JSONValue.object([
        ("statValue", .array([])), ("componentName", .string("TableField"))
    ]).serialized()

    /// The `value` text for one family.
    func value(tableId: String, legacy: Bool) -> String {
        JSONValue.array(
            rows.map { tableRow in
                var cells: [JSONValue] = []
                for column in columns {
                    guard let cell = tableRow.cells[column.label] else { continue }
                    var b = ObjectBuilder()
                    b.set("label", column.label)
                    if let extend = cell.extendValue { b.set("extendValue", extend) }
                    if let list = cell.list {
                        b.set("value", legacy ? .string(JSONValue.array(list).serialized()) : .array(list))
                    } else {
                        b.set("value", cell.text)
                    }
                    b.set("key", column.key)
                    if legacy { b.set("componentType", column.componentType) }
                    cells.append(b.value)
                }
                var row = ObjectBuilder()
                row.set("rowValue", .array(cells))
                if !legacy { row.set("rowNumber", "\(tableId)_\(tableRow.rowKey)") }
                return row.value
            }
        ).serialized()
    }
}
