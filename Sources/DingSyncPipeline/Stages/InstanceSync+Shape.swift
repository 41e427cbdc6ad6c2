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
    /// How long a finding that columns are missing holds before the table is read again (a
    /// long-running `watch` notices `setup` adding them; rows written meanwhile by a catch-up with
    /// them and by `watch` without them would otherwise alternate).
    static let recheckAfter: TimeInterval = 600

    private let lock = NSLock()
    private var known: Set<String>?
    private var checkedAt = Date.distantPast

    /// The columns known to be missing, nil when unknown or due for a new look.
    func value(now: Date = Date()) -> Set<String>? {
        lock.lock()
        defer { lock.unlock() }
        guard let known else { return nil }
        return known.isEmpty || now.timeIntervalSince(checkedAt) < Self.recheckAfter ? known : nil
    }

    func set(_ columns: Set<String>, now: Date = Date()) {
        lock.lock()
        defer { lock.unlock() }
        known = columns
        checkedAt = now
    }
}

extension InstanceSync {
    /// The main table's columns as the sync needs them (SPEC 4.1 and `mapping.form_fields`).
    var mainColumns: [SchemaCheck.Column] {
        SchemaCheck.mainColumns(naming: naming, extraColumns: processor.formColumns.columns)
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
    /// when no schema check has said (`watch` writes without one) and again every
    /// ``OmittedColumns/recheckAfter`` while some are missing, with the warning logged.
    func omittedMainColumns() async throws -> Set<String> {
        if let known = omitted.value() { return known }
        let warning = noteMainFields(try await feishu.listFields(table: mainTable))
        if let warning { logger.warning("\(warning)") }
        return omitted.value() ?? []
    }

    /// `processed` with the `omitting` columns left out of its main row.
    func shaped(_ processed: ProcessedInstance, omitting: Set<String>) -> ProcessedInstance {
        guard !omitting.isEmpty else { return processed }
        var result = processed
        result.main.fields.removeAll { omitting.contains($0.name) }
        return result
    }
}
