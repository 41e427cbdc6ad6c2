import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore

/// The Bitable schema the sync needs, and what is wrong with a table's actual fields. Pure.
public enum SchemaCheck {
    /// A required column: canonical name, column name in Bitable, Feishu type.
    public struct Column: Sendable, Equatable {
        public var canonical: String
        public var column: String
        public var type: Int
    }

    public static func feishuType(_ kind: BitableColumnKind) -> Int {
        switch kind {
        case .text: return FeishuFieldSpec.text
        case .number: return FeishuFieldSpec.number
        case .datetime: return FeishuFieldSpec.datetime
        }
    }

    public static func typeName(_ type: Int) -> String {
        switch type {
        case 1: return "text"
        case 2: return "number"
        case 5: return "datetime"
        case 3: return "single select"
        case 4: return "multi select"
        case 11: return "user"
        case 15: return "url"
        case 1001: return "created time"
        default: return "type \(type)"
        }
    }

    public static func mainColumns(naming: FieldNaming, extraColumns: [String]) -> [Column] {
        MainTableColumn.allCases.map {
            Column(canonical: $0.rawValue, column: naming.column($0.rawValue), type: feishuType($0.kind))
        }
            + extraColumns.sorted().map { Column(canonical: $0, column: naming.column($0), type: FeishuFieldSpec.text) }
    }

    public static func actionColumns(naming: FieldNaming) -> [Column] {
        ActionTableColumn.allCases.map {
            Column(canonical: $0.rawValue, column: naming.column($0.rawValue), type: feishuType($0.kind))
        }
    }

    /// The detail-line table (SPEC 4.7) and its mapped `detail_fields` columns.
    public static func detailColumns(naming: FieldNaming, extraColumns: [String]) -> [Column] {
        DetailTableColumn.allCases.map {
            Column(canonical: $0.rawValue, column: naming.column($0.rawValue), type: feishuType($0.kind))
        }
            + extraColumns.sorted().map { Column(canonical: $0, column: naming.column($0), type: FeishuFieldSpec.text) }
    }

    /// Every problem of one table, as lines an operator can act on.
    public static func problems(table: String, label: String, required: [Column], actual: [FeishuField]) -> [String] {
        var problems: [String] = []
        let byName = Dictionary(actual.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for column in required {
            guard let field = byName[column.column] else {
                problems.append(
                    "\(label) table \(table): field \"\(column.column)\" is missing (\(typeName(column.type)))")
                continue
            }
            // A text column may also be the primary field; numbers and datetimes must match.
            if field.type != column.type {
                problems.append(
                    "\(label) table \(table): field \"\(column.column)\" is \(typeName(field.type)), needs \(typeName(column.type))"
                )
            }
        }
        return problems
    }
}

/// The Bitable tables are not as the sync needs them (exit 2).
public struct SchemaError: OperatorFacingError, Equatable {
    public var problems: [String]
    public var exitStatus: ExitStatus { .failed }
    public var errorDescription: String? {
        "the Bitable schema is not as dingsync needs it:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
            + "\nRun `dingsync setup` to create missing tables and fields; change a field of the wrong type by hand in Bitable (setup never touches data)."
    }
}
