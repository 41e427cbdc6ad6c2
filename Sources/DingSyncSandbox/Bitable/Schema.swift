/// The dingsync tables (SPEC §4), created empty at start unless `--no-tables`, as `dingsync
/// setup` creates them in a new base: `status` a single select with one option per status of
/// SPEC 4.3, `template_name` a single select whose options the writes create.
enum Schema {
    struct FieldSpec {
        var name: String
        var type: Int
        var property: JSONValue?
    }

    static let dateTime: JSONValue = ["date_formatter": "yyyy/MM/dd HH:mm", "auto_fill": false]

    static let main: [FieldSpec] = [
        FieldSpec(name: "instance_id", type: 1),
        FieldSpec(name: "business_id", type: 1),
        FieldSpec(name: "template_code", type: 1),
        FieldSpec(name: "title", type: 1),
        FieldSpec(
            name: "status", type: 3,
            property: ["options": .array(["审批中", "已同意", "已拒绝", "已撤销", "已取消"].map { ["name": .string($0)] })]),
        FieldSpec(name: "applicant", type: 1),
        FieldSpec(name: "applicant_dept", type: 1),
        FieldSpec(name: "amount", type: 2, property: ["formatter": "0.00"]),
        FieldSpec(name: "start_time", type: 5, property: dateTime),
        FieldSpec(name: "end_time", type: 5, property: dateTime),
        FieldSpec(name: "duration_hours", type: 2, property: ["formatter": "0.00"]),
        FieldSpec(name: "current_node", type: 1),
        FieldSpec(name: "last_action", type: 1),
        FieldSpec(name: "last_action_time", type: 5, property: dateTime),
        FieldSpec(name: "approver_chain", type: 1),
        FieldSpec(name: "form_data", type: 1),
        FieldSpec(name: "synced_at", type: 5, property: dateTime),
        FieldSpec(name: "template_name", type: 3, property: ["options": .array([])]),
        FieldSpec(name: "node_since", type: 5, property: dateTime),
        FieldSpec(name: "sla_due", type: 5, property: dateTime)
    ]

    static let action: [FieldSpec] = [
        FieldSpec(name: "action_key", type: 1),
        FieldSpec(name: "instance_id", type: 1),
        FieldSpec(name: "seq", type: 2, property: ["formatter": "0"]),
        FieldSpec(name: "node_name", type: 1),
        FieldSpec(name: "approver", type: 1),
        FieldSpec(name: "action", type: 1),
        FieldSpec(name: "action_time", type: 5, property: dateTime),
        FieldSpec(name: "comment", type: 1)
    ]
}
