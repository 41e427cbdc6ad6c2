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
        /// The type `setup` creates.
        public var type: Int
        /// The types an existing field may have (a single select is written by name, so text serves too).
        public var accepted: Set<Int>
        /// New in this version (SPEC 4.1): a table without it still syncs, with a warning.
        public var isOptional = false
        /// The options `setup` gives a new single-select field.
        public var options: [String] = []

        public init(
            canonical: String, column: String, type: Int, accepted: Set<Int>? = nil, isOptional: Bool = false,
            options: [String] = []
        ) {
            self.canonical = canonical
            self.column = column
            self.type = type
            self.accepted = accepted ?? [type]
            self.isOptional = isOptional
            self.options = options
        }

        /// The field to create for this column.
        public var spec: FeishuFieldSpec { FeishuFieldSpec(name: column, type: type, options: options) }
    }

    public static func feishuType(_ kind: BitableColumnKind) -> Int {
        switch kind {
        case .text: return FeishuFieldSpec.text
        case .number: return FeishuFieldSpec.number
        case .datetime: return FeishuFieldSpec.datetime
        case .singleSelect: return FeishuFieldSpec.singleSelect
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

    /// The main table's columns; `statusOptions` are the options of a new `status` field (one
    /// per status of SPEC 4.3, see ``StatusMapping/optionNames``).
    public static func mainColumns(naming: FieldNaming, extraColumns: [String], statusOptions: [String] = [])
        -> [Column]
    {
        MainTableColumn.allCases.map {
            Column(
                canonical: $0.rawValue, column: naming.column($0.rawValue), type: feishuType($0.kind),
                accepted: Set($0.acceptedKinds.map(feishuType)), isOptional: MainTableColumn.optional.contains($0),
                options: $0 == .status ? statusOptions : [])
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
                if column.isOptional { continue }
                problems.append(
                    "\(label) table \(table): field \"\(column.column)\" is missing (\(typeName(column.type)))")
                continue
            }
            // A text column may also be the primary field; numbers and datetimes must match.
            if !column.accepted.contains(field.type) {
                problems.append(
                    "\(label) table \(table): field \"\(column.column)\" is \(typeName(field.type)), needs \(typeNames(column))"
                )
            }
        }
        return problems
    }

    /// "single select or text" for a column that accepts both.
    public static func typeNames(_ column: Column) -> String {
        ([column.type] + column.accepted.subtracting([column.type]).sorted()).map(typeName).joined(separator: " or ")
    }

    /// The optional columns (``Column/isOptional``) missing from `actual`.
    public static func missingOptional(_ columns: [Column], actual: [FeishuField]) -> [Column] {
        let names = Set(actual.map(\.name))
        return columns.filter { $0.isOptional && !names.contains($0.column) }
    }

    /// The warning for a table that lacks optional columns: what happens, and what to do.
    public static func optionalWarning(table: String, label: String, missing: [Column]) -> String {
        "\(label) table \(table) has no field \(missing.map { "\"\($0.column)\"" }.joined(separator: ", ")) "
            + "(new in this version): rows are written without \(missing.count == 1 ? "it" : "them"); "
            + "run `dingsync setup` to add \(missing.count == 1 ? "it" : "them") "
            + "(the next run then rewrites every row once to fill \(missing.count == 1 ? "it" : "them"))"
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
