import DingSyncBasics
import Foundation

/// The kind of a Bitable column, as SPEC 4.1/4.2 lists them.
public enum BitableColumnKind: String, Sendable, Codable {
    /// Text (type 1).
    case text
    /// Number (type 2).
    case number
    /// Date/time in epoch milliseconds (type 5).
    case datetime
    /// Single select (type 3), written as the option's name.
    case singleSelect
}

/// The canonical columns of the main table (审批实例表, SPEC 4.1), in table order.
///
/// `mapping.form_fields` adds text columns after these.
public enum MainTableColumn: String, Sendable, CaseIterable {
    case instanceId = "instance_id"
    case businessId = "business_id"
    case templateCode = "template_code"
    case title
    case status
    case applicant
    case applicantDept = "applicant_dept"
    case amount
    case startTime = "start_time"
    case endTime = "end_time"
    case durationHours = "duration_hours"
    case currentNode = "current_node"
    case lastAction = "last_action"
    case lastActionTime = "last_action_time"
    case approverChain = "approver_chain"
    case formData = "form_data"
    case syncedAt = "synced_at"
    case templateName = "template_name"
    case nodeSince = "node_since"
    case slaDue = "sla_due"

    /// The column's Bitable kind (`status` is text in bases set up before it became a single
    /// select; ``acceptedKinds`` says which kinds a table may have).
    public var kind: BitableColumnKind {
        switch self {
        case .amount, .durationHours: return .number
        case .startTime, .endTime, .lastActionTime, .syncedAt, .nodeSince, .slaDue: return .datetime
        case .status, .templateName: return .singleSelect
        default: return .text
        }
    }

    /// The kinds an existing table's field may have: a single select is written as its option's
    /// name, so a text field serves as well.
    public var acceptedKinds: Set<BitableColumnKind> {
        kind == .singleSelect ? [.singleSelect, .text] : [kind]
    }

    /// Columns new in this version (SPEC 4.1): a table without them still syncs (they are left
    /// out of its rows, with a warning that points to `dingsync setup`).
    public static let optional: Set<MainTableColumn> = [.templateName, .nodeSince, .slaDue]
}

/// The canonical columns of the action table (审批动作表, SPEC 4.2), in table order.
public enum ActionTableColumn: String, Sendable, CaseIterable {
    case actionKey = "action_key"
    case instanceId = "instance_id"
    case seq
    case nodeName = "node_name"
    case approver
    case action
    case actionTime = "action_time"
    case comment

    /// The column's Bitable kind.
    public var kind: BitableColumnKind {
        switch self {
        case .seq: return .number
        case .actionTime: return .datetime
        default: return .text
        }
    }
}
