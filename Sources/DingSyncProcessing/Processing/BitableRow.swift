import DingSyncBasics
import Foundation

/// One named cell of a ``BitableRow``.
public struct BitableField: Sendable, Equatable, Codable {
    /// The canonical column name (SPEC 4.1/4.2), or a `mapping.form_fields` column name.
    public var name: String
    /// The cell value.
    public var value: FieldValue

    /// Creates a field.
    public init(name: String, value: FieldValue) {
        self.name = name
        self.value = value
    }
}

/// One row for a Bitable table: its upsert key and its cells in column order.
///
/// Names are canonical (`instance_id`, `business_id`, …); renaming through
/// `feishu.field_names` happens when the Feishu layer encodes the row, so the
/// ``contentHash`` does not change when an operator renames a column.
public struct BitableRow: Sendable, Equatable, Codable {
    /// The upsert key: `instance_id` for the main table, `instance_id#seq` for actions.
    public var key: String
    /// Cells in column order.
    public var fields: [BitableField]

    /// Creates a row.
    public init(key: String, fields: [BitableField]) {
        self.key = key
        self.fields = fields
    }

    /// The value of the first cell named `name`, or nil when the row has no such column.
    public subscript(name: String) -> FieldValue? {
        fields.first { $0.name == name }?.value
    }

    /// The column names in order.
    public var fieldNames: [String] {
        fields.map(\.name)
    }
}
