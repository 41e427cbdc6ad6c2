import DingSyncBasics
import Foundation

/// What ``DataProcessor`` makes of one instance: its rows and what the operator should know.
public struct ProcessedInstance: Sendable, Equatable {
    /// The main-table row (key `instance_id`).
    public var main: BitableRow
    /// The action-table rows (key `instance_id#seq`), seq 1, 2, … in time order.
    public var actions: [BitableRow]
    /// The detail-table rows (key `instance_id#component_id#row`, SPEC 4.7), in form order.
    public var details: [BitableRow]
    /// The detail lines the ``details`` rows are made of (for the state database's `detail_lines`).
    public var detailLines: [DetailLine]
    /// Data problems that did not stop processing (unreadable amount, unknown status or
    /// operation type shown raw, a clashing `mapping.form_fields` column), each naming the
    /// instance.
    public var warnings: [String]

    /// Creates a result.
    public init(
        main: BitableRow, actions: [BitableRow], details: [BitableRow] = [], detailLines: [DetailLine] = [],
        warnings: [String]
    ) {
        self.main = main
        self.actions = actions
        self.details = details
        self.detailLines = detailLines
        self.warnings = warnings
    }
}
