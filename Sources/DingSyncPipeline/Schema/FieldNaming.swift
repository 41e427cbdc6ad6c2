import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore

/// Canonical field names (SPEC 4) ↔ the column names in Bitable (`feishu.field_names`).
public struct FieldNaming: Sendable, Equatable {
    private let toColumn: [String: String]
    private let toCanonical: [String: String]

    public init(_ renames: [String: String]) {
        let cleaned = renames.filter { !$0.value.isEmpty }
        toColumn = cleaned
        toCanonical = Dictionary(cleaned.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
    }

    public func column(_ canonical: String) -> String { toColumn[canonical] ?? canonical }

    public func canonical(_ column: String) -> String {
        if let name = toCanonical[column] { return name }
        // a canonical name that was renamed is not the column any more
        return toColumn[column] == nil ? column : "\u{0}\(column)"
    }

    /// A row's fields as columns to write.
    public func encode(_ row: BitableRow) -> FeishuFields {
        row.fields.map { (column($0.name), $0.value) }
    }
}
