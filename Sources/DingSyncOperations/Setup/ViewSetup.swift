import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import Foundation

/// The views `setup` creates on the main table (SPEC section 8, feishu reference §9), and how.
///
/// A view is matched by name: one that exists (made by `setup` or by anyone) is never modified
/// or deleted, so a view an operator made or changed by hand stays as it is, and a second
/// `setup` creates nothing. What the v1 views API cannot set (a kanban's grouping field, a
/// gantt's date fields, §9.6) becomes one line for the operator to click.
struct ViewSetup: Sendable {
    /// One view to create.
    struct Wanted: Sendable {
        var name: String
        var type: String
        /// Conditions as (canonical column, operator, values); empty: no filter.
        var conditions: [(column: String, op: String, values: [String])]
        /// What to finish in Bitable, nil when the API sets everything.
        var click: String?
    }

    let feishu: FeishuClient
    let naming: FieldNaming
    /// The status text of a running instance (`审批中` unless `mapping.status` says otherwise).
    let runningStatus: String

    static let running = "审批中"
    static let overdue = "已超时"
    static let byStatus = "按状态"
    static let timeline = "时间线"

    /// The four views, in the order they are created.
    func wanted() -> [Wanted] {
        let status = MainTableColumn.status.rawValue
        let due = MainTableColumn.slaDue.rawValue
        return [
            Wanted(name: Self.running, type: "grid", conditions: [(status, "is", [runningStatus])]),
            // v1 filters compare dates with whole days only (§2.1: ExactDate/Today/…), never with "now":
            // the view shows open instances whose sla_due lies before today
            Wanted(
                name: Self.overdue, type: "grid",
                conditions: [(status, "is", [runningStatus]), (due, "isLess", ["Today"])]),
            Wanted(
                name: Self.byStatus, type: "kanban", conditions: [],
                click:
                    "view \(Self.byStatus) (kanban): open it in Bitable and choose \"\(naming.column(status))\" as its grouping field (the views API cannot set it)"
            ),
            Wanted(
                name: Self.timeline, type: "gantt", conditions: [],
                click:
                    "view \(Self.timeline) (gantt): open it in Bitable and choose \"\(naming.column(MainTableColumn.startTime.rawValue))\" as start and \"\(naming.column(MainTableColumn.endTime.rawValue))\" as end date (the views API cannot set them)"
            )
        ]
    }

    /// Creates the missing views on `table` and reports each.
    func run(table: String, _ report: inout SetupReport) async throws {
        let fields = try await feishu.listFields(table: table)
        let fieldIds = Dictionary(fields.map { ($0.name, $0.fieldId) }, uniquingKeysWith: { a, _ in a })
        let existing = Set(try await feishu.listViews(table: table).map(\.name))
        for view in wanted() {
            if existing.contains(view.name) {
                report.lines.append("view \(view.name) exists on the main table: left as it is")
                continue
            }
            // every field the filter names must exist (已超时 needs sla_due, which setup adds first)
            let missing = view.conditions.map { naming.column($0.column) }.filter { fieldIds[$0] == nil }
            if let field = missing.first {
                report.lines.append("view \(view.name) not created: the main table has no field \"\(field)\"")
                continue
            }
            let filter = FeishuViewFilter(
                conditions: view.conditions.compactMap { condition in
                    fieldIds[naming.column(condition.column)].map {
                        FeishuViewFilter.Condition(fieldId: $0, op: condition.op, values: condition.values)
                    }
                })
            let created = try await feishu.createView(table: table, name: view.name, type: view.type)
            report.created += 1
            if !filter.conditions.isEmpty {
                do {
                    try await feishu.setViewFilter(table: table, viewId: created.viewId, filter: filter)
                } catch {
                    // setup never touches an existing view, so the next setup would not finish this one
                    report.problems.append(
                        "view \(view.name) (\(created.viewId)) was created but its filter could not be set: \(error.localizedDescription) — delete the view in Bitable and run setup again"
                    )
                    continue
                }
            }
            report.lines.append("created view \(view.name) (\(view.type), \(created.viewId)) on the main table")
            if let click = view.click { report.clickLines.append(click) }
        }
    }
}
