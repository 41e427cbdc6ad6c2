/// Edits of a generated form through the admin API: `form` sets fields' text, `tables`
/// replaces a TableField's lines.
enum FormEdit {
    /// Applies `body["form"]` (`{label: text}`) and `body["tables"]`
    /// (`{table label: [{column label: text}, …]}`) to `form`.
    ///
    /// A table's lines are replaced by the given ones in order (an empty list empties it); a
    /// column left out of a line is a blank child (omitted, as DingTalk does); select columns
    /// get an `extendValue` `{"label","key"}`. Unknown labels are refused.
    static func apply(_ body: JSONValue, to form: inout [FormValue], templateName: String) throws(AdminError) {
        if let edits = body["form"] {
            guard case .object(let members) = edits else { throw AdminError("form must be an object of label → text") }
            for (label, value) in members {
                guard let text = value.stringValue else { throw AdminError("form.\(label) must be text") }
                guard let index = form.firstIndex(where: { $0.name == label }) else {
                    throw AdminError("template \(templateName) has no form field \(label)")
                }
                guard form[index].table == nil else {
                    throw AdminError("\(label) is a table field: give its lines in tables.\(label)")
                }
                form[index].value = text
            }
        }
        if let tables = body["tables"] {
            guard case .object(let members) = tables else {
                throw AdminError("tables must be an object of table label → list of lines")
            }
            for (label, lines) in members {
                guard let index = form.firstIndex(where: { $0.name == label }), var table = form[index].table else {
                    throw AdminError("template \(templateName) has no table field \(label)")
                }
                guard case .array(let items) = lines else {
                    throw AdminError("tables.\(label) must be a list of lines")
                }
                var rows: [FormTable.Row] = []
                for (number, item) in items.enumerated() {
                    guard case .object(let cells) = item else {
                        throw AdminError("tables.\(label)[\(number)] must be an object of column label → text")
                    }
                    // a row key of DingTalk's shape (12 characters), stable for a table and position
                    let rowKey = "ADMINROW" + String(1000 + number).suffix(4)
                    var row = FormTable.Row(rowKey: String(rowKey), cells: [:])
                    for (column, value) in cells {
                        guard let spec = table.columns.first(where: { $0.label == column }) else {
                            let known = table.columns.map(\.label).joined(separator: ", ")
                            throw AdminError("table \(label) has no column \(column) (columns: \(known))")
                        }
                        guard let text = value.stringValue else {
                            throw AdminError("tables.\(label)[\(number)].\(column) must be text")
                        }
                        row.cells[column] =
                            spec.componentType == "DDSelectField"
                            ? FormTable.Cell(
                                text, extendValue: .object([("label", .string(text)), ("key", .string("option_admin"))])
                            )
                            : FormTable.Cell(text)
                    }
                    rows.append(row)
                }
                table.rows = rows
                form[index].table = table
                form[index].value = table.value(tableId: form[index].id, legacy: false)
            }
        }
    }
}
