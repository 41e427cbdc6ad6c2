import DingSyncBasics
import Foundation

/// The extra columns of one table that a mapping (`mapping.form_fields` or
/// `mapping.detail_fields`, each with its `mapping.templates.*` entries) adds.
///
/// The table's columns are the union over the global map and every template's map, sorted by
/// name; an instance fills the columns its own template's merged map names and leaves the
/// others empty. A column that clashes with a built-in column, or that two fields of one
/// merged map both name, is dropped (for that map) with a warning.
public struct MappedColumns: Sendable, Equatable {
    /// Every extra column, in table order.
    public let columns: [String]
    /// Column → source field name of instances without their own template entry.
    let global: [String: String]
    /// Process code → column → source field name.
    let perTemplate: [String: [String: String]]

    /// Resolves `global` (field → column) and the templates' maps merged over it; `key` names
    /// the mapping key in warnings (`mapping.form_fields`).
    public static func resolve(
        global: [String: String], templates: [String: [String: String]], builtIn: Set<String>, key: String
    ) -> (MappedColumns, [String]) {
        var warnings: [String] = []
        func invert(_ fields: [String: String], label: String) -> [String: String] {
            var byColumn: [String: String] = [:]
            let entries = fields.map { (field: $0.key.trimmingCharacters(in: .whitespaces), column: $0.value) }
                .sorted { lhs, rhs in
                    lhs.column != rhs.column
                        ? Array(lhs.column.utf8).lexicographicallyPrecedes(Array(rhs.column.utf8))
                        : Array(lhs.field.utf8).lexicographicallyPrecedes(Array(rhs.field.utf8))
                }
            for entry in entries {
                guard !entry.column.isEmpty, !builtIn.contains(entry.column), byColumn[entry.column] == nil else {
                    warnings.append(
                        "\(label): \"\(entry.field)\" maps to column \"\(entry.column)\", "
                            + "which is empty or already used by another column; that entry is ignored")
                    continue
                }
                byColumn[entry.column] = entry.field
            }
            return byColumn
        }
        let globalColumns = invert(global, label: key)
        var perTemplate: [String: [String: String]] = [:]
        for code in templates.keys.sorted() {
            guard let own = templates[code], !own.isEmpty else { continue }
            let ownColumns = invert(own, label: "mapping.templates.\(code)")
            // the template's entries over the global ones, by source field
            var merged = globalColumns.filter { _, field in !own.keys.contains(field) }
            for (column, field) in ownColumns { merged[column] = field }
            perTemplate[code] = merged
        }
        let all = Set(globalColumns.keys).union(perTemplate.values.flatMap(\.keys))
        let columns = all.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        return (MappedColumns(columns: columns, global: globalColumns, perTemplate: perTemplate), warnings)
    }

    /// Column → source field for instances of `code`.
    public func sources(for code: String) -> [String: String] {
        perTemplate[code] ?? global
    }

    /// Every (template, source field) pair some column reads: `nil` template for the global map.
    public var mappedFields: [(code: String?, field: String)] {
        global.values.sorted().map { (nil, $0) }
            + perTemplate.keys.sorted().flatMap { code in
                (perTemplate[code] ?? [:]).values.sorted().map { (code, $0) }
            }
    }

    /// One text cell per column: the value `value(field)` gives for the column's source field
    /// of `code`, `.empty` when the template maps nothing to it or the value is absent.
    public func fields(for code: String, value: (String) -> String?) -> [BitableField] {
        let sources = sources(for: code)
        return columns.map { column in
            BitableField(name: column, value: sources[column].flatMap(value).map(FieldValue.textOrEmpty) ?? .empty)
        }
    }
}
