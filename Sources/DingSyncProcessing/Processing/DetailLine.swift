import DingSyncBasics
import Foundation

/// One line (row) of a `TableField` of one instance: what the detail table (SPEC 4.7) and
/// the state database's `detail_lines` hold.
public struct DetailLine: Sendable, Equatable {
    /// `instance_id#component_id#row`.
    public var key: String
    public var instanceId: String
    public var processCode: String
    /// The TableField's component id.
    public var componentId: String
    /// The TableField's label (e.g. 费用明细).
    public var tableField: String
    /// 1-based, in form order.
    public var row: Int
    /// The row's amount (SPEC 4.7); nil when it has none or it is unreadable.
    public var amount: Decimal?
    /// Every sub-field as (name, readable value), in order.
    public var cells: [(name: String, value: String)]

    public static func == (lhs: DetailLine, rhs: DetailLine) -> Bool {
        lhs.key == rhs.key && lhs.instanceId == rhs.instanceId && lhs.processCode == rhs.processCode
            && lhs.componentId == rhs.componentId && lhs.tableField == rhs.tableField && lhs.row == rhs.row
            && lhs.amount == rhs.amount && lhs.cells.map(\.name) == rhs.cells.map(\.name)
            && lhs.cells.map(\.value) == rhs.cells.map(\.value)
    }

    /// `名称: 值` lines, joined with `\n` (the `line_data` column).
    public var lineData: String {
        cells.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    /// The value of the first sub-field named `name` (trimmed), or nil.
    public func value(of name: String) -> String? {
        let wanted = name.trimmingCharacters(in: .whitespaces)
        return cells.first { $0.name.trimmingCharacters(in: .whitespaces) == wanted }?.value
    }
}

/// The canonical columns of the detail-line table (审批明细表, SPEC 4.7), in table order.
///
/// `mapping.detail_fields` (and `mapping.templates.*.detail_fields`) add text columns after these.
public enum DetailTableColumn: String, Sendable, CaseIterable {
    case detailKey = "detail_key"
    case instanceId = "instance_id"
    case templateCode = "template_code"
    case tableField = "table_field"
    case row
    case amount
    case lineData = "line_data"

    /// The column's Bitable kind.
    public var kind: BitableColumnKind {
        switch self {
        case .row, .amount: return .number
        default: return .text
        }
    }
}
