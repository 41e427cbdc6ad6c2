import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import Foundation

/// The optional main-table columns (SPEC 4.1: `template_name`, `node_since`, `sla_due`) a base
/// set up before them lacks: such a table still syncs, its rows written without them.
///
/// Rows are shaped before they are hashed, so that a row's hash covers what is written: once
/// `setup` adds the fields, every row's hash changes and the next run fills them (each row
/// rewritten once).
final class OmittedColumns: @unchecked Sendable {
    private let lock = NSLock()
    private var known: Set<String>?

    var value: Set<String>? {
        lock.lock()
        defer { lock.unlock() }
        return known
    }

    func set(_ columns: Set<String>) {
        lock.lock()
        defer { lock.unlock() }
        known = columns
    }
}

extension InstanceSync {
    /// The main table's columns as the sync needs them (SPEC 4.1 and `mapping.form_fields`).
    var mainColumns: [SchemaCheck.Column] {
        SchemaCheck.mainColumns(naming: naming, extraColumns: processor.extraColumns.map(\.column))
    }

    /// Notes which optional columns `fields` (the main table's) lacks and returns the warning
    /// for them (nil when none is missing).
    @discardableResult
    func noteMainFields(_ fields: [FeishuField]) -> String? {
        let missing = SchemaCheck.missingOptional(mainColumns, actual: fields)
        omitted.set(Set(missing.map(\.canonical)))
        return missing.isEmpty ? nil : SchemaCheck.optionalWarning(table: mainTable, label: "main", missing: missing)
    }

    /// The canonical names of the optional columns the main table lacks; read from the table
    /// once when no schema check has said (`watch` writes without one), with the warning logged.
    func omittedMainColumns() async throws -> Set<String> {
        if let known = omitted.value { return known }
        if let warning = noteMainFields(try await feishu.listFields(table: mainTable)) {
            logger.warning("\(warning)")
        }
        return omitted.value ?? []
    }

    /// `processed` with the `omitting` columns left out of its main row.
    func shaped(_ processed: ProcessedInstance, omitting: Set<String>) -> ProcessedInstance {
        guard !omitting.isEmpty else { return processed }
        var result = processed
        result.main.fields.removeAll { omitting.contains($0.name) }
        return result
    }
}
