/// The views API (feishu reference §9): list, create, get, patch, delete on one table.
///
/// Names: non-empty (1254021), ≤ 100 characters, no `[` `]` (1254022), unique in the table
/// (1254020); types `grid` `kanban` `gallery` `gantt` `form` (1254019); ≤ 200 views per table
/// (1254101); a table's last view cannot be deleted (1254023). Create takes `view_name` and
/// `view_type` only (§9.2); patch sets `view_name` and the v1 `property` (`filter_info`,
/// `hidden_fields`, `hierarchy_config`) — anything else a view has (grouping, sort, gantt dates)
/// v1 cannot set and is refused (1254001) rather than ignored.
extension BitableSimulator {
    static let maxViews = 200
    static let maxViewName = 100
    static let maxHiddenFields = 300

    func listViews(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let size = try pageSize(ctx, max: 100)
        let scope = "views-\(table.id)"
        let offset = try pageOffset(ctx, scope: scope)
        let all = table.views
        let slice = offset < all.count ? Array(all[offset..<min(all.count, offset + size)]) : []
        return feishuOK(page(slice.map { $0.listItem() }, total: all.count, offset: offset, scope: scope))
    }

    func createView(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let body = try bodyJSON(ctx, allowEmpty: false)
        for (key, _) in body.objectPairs ?? [] where key != "view_name" && key != "view_type" {
            throw FeishuError.wrongBody(
                key == "property"
                    ? "property cannot be sent on create; PATCH the view to set it"
                    : "unknown key \(key) (a view is created with view_name and view_type)")
        }
        let name = try viewName(body["view_name"], table: table, except: nil)
        let type: String
        switch body["view_type"] {
        case nil, .null?: type = "grid"
        case .string(let given)?:
            guard BitView.types.contains(given) else { throw FeishuError.invalidViewType(given) }
            type = given
        default: throw FeishuError.invalidViewType("(not a string)")
        }
        guard table.views.count < Self.maxViews else { throw FeishuError.viewLimit }
        let view = BitView(id: newViewId(), name: name, type: type)
        table.views.append(view)
        ctx.committed = true
        return feishuOK(
            .object([
                (
                    "view",
                    .object([("view_id", .string(view.id)), ("view_name", .string(name)), ("view_type", .string(type))])
                )
            ]))
    }

    func getView(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let view = try requireView(ctx, table)
        return feishuOK(.object([("view", view.json())]))
    }

    func patchView(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        var view = try requireView(ctx, table)
        let body = try bodyJSON(ctx, allowEmpty: false)
        for (key, _) in body.objectPairs ?? [] where key != "view_name" && key != "property" {
            throw FeishuError.wrongBody("unknown key \(key) (a view is patched with view_name and property)")
        }
        if let name = body["view_name"], !name.isNull {
            view.name = try viewName(name, table: table, except: view.id)
        }
        if let property = body["property"], !property.isNull {
            guard let pairs = property.objectPairs else { throw FeishuError.wrongBody("property must be an object") }
            for (key, value) in pairs {
                switch key {
                case "filter_info":
                    if value.isNull {
                        view.filter = nil
                    } else {
                        view.filter = try viewFilter(value, table: table, into: view.filter)
                    }
                case "hidden_fields":
                    if value.isNull {
                        view.hiddenFields = nil
                    } else {
                        view.hiddenFields = try hiddenFields(value, table: table)
                    }
                case "hierarchy_config":
                    if value.isNull {
                        view.hierarchyFieldId = nil
                    } else {
                        view.hierarchyFieldId = try hierarchyField(value, table: table)
                    }
                default:
                    throw FeishuError.wrongBody(
                        "property.\(key) cannot be set through the v1 views API (only filter_info, hidden_fields, hierarchy_config)"
                    )
                }
            }
        }
        if let index = table.views.firstIndex(where: { $0.id == view.id }) { table.views[index] = view }
        ctx.committed = true
        return feishuOK(.object([("view", view.json())]))
    }

    func deleteView(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let view = try requireView(ctx, table)
        guard table.views.count > 1 else {
            throw FeishuError(code: 1_254_023, msg: "LastViewDeleteForbidden")
        }
        table.views.removeAll { $0.id == view.id }
        ctx.committed = true
        return feishuOK(.object([]))
    }

    // MARK: Checks

    /// The view of the path's `view_id`: unknown → 1254042 ViewIdNotFound, malformed → 1254005 WrongViewId.
    private func requireView(_ ctx: CallContext, _ table: BitTable) throws(FeishuError) -> BitView {
        let id = ctx.param("view_id")
        guard id.hasPrefix("vew"), id.count == 10, id.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw FeishuError(code: 1_254_005, msg: "WrongViewId")
        }
        guard let view = table.view(id: id) else { throw FeishuError(code: 1_254_042, msg: "ViewIdNotFound") }
        return view
    }

    /// A valid, unused view name (the view `except` may keep its own).
    private func viewName(_ value: JSONValue?, table: BitTable, except: String?) throws(FeishuError) -> String {
        guard let value, !value.isNull else { throw FeishuError(code: 1_254_021, msg: "EmptyViewName") }
        guard let raw = value.stringValue else { throw FeishuError.invalidViewName }
        let name = raw.trimmingSpaces
        guard !name.isEmpty else { throw FeishuError(code: 1_254_021, msg: "EmptyViewName") }
        guard name.count <= Self.maxViewName, !name.contains("["), !name.contains("]") else {
            throw FeishuError.invalidViewName
        }
        if table.views.contains(where: { $0.name == name && $0.id != except }) {
            throw FeishuError(code: 1_254_020, msg: "ViewNameDuplicated")
        }
        return name
    }

    /// `filter_info` (§9.4): `conjunction` and `conditions` required, ≤ 50 conditions on field
    /// ids, each `value` the JSON text of a string array with the search filter's per-type rules;
    /// no nested groups. Stored with condition ids (kept for a condition that is sent back with
    /// its `condition_id`) and field types. `conditions: []` clears the filter.
    private func viewFilter(_ json: JSONValue, table: BitTable, into old: JSONValue?) throws(FeishuError) -> JSONValue?
    {
        guard json.objectPairs != nil else { throw FeishuError.invalidFilter("filter_info must be an object") }
        if json["children"] != nil { throw FeishuError.invalidFilter("view filters have no nested groups (children)") }
        guard let conjunction = json["conjunction"]?.stringValue, conjunction == "and" || conjunction == "or" else {
            throw FeishuError.invalidFilter("filter_info.conjunction must be \"and\" or \"or\"")
        }
        guard let conditions = json["conditions"]?.arrayValue else {
            throw FeishuError.invalidFilter("filter_info.conditions is required (an array)")
        }
        guard conditions.count <= RecordPredicate.maxConditions else {
            throw FeishuError.invalidFilter("at most \(RecordPredicate.maxConditions) conditions per filter")
        }
        if conditions.isEmpty { return nil }
        let oldIds = Set((old?["conditions"]?.arrayValue ?? []).compactMap { $0["condition_id"]?.stringValue })
        var stored: [JSONValue] = []
        for condition in conditions {
            guard condition.objectPairs != nil else { throw FeishuError.invalidFilter("a condition must be an object") }
            guard let fieldId = condition["field_id"]?.stringValue, !fieldId.isEmpty else {
                throw FeishuError.invalidFilter("condition without field_id (view filters name fields by id)")
            }
            guard let field = table.field(id: fieldId) else { throw FeishuError.fieldIdNotFound(fieldId) }
            if field.type == 19 || field.type == 20 {
                throw FeishuError(code: 1_254_012, msg: "UnsupportedFieldType: \(field.name)")
            }
            let op: String
            switch condition["operator"] {
            case nil, .null?: op = "is"
            case .string(let given)? where RecordPredicate.operators.contains(given): op = given
            default:
                throw FeishuError.invalidFilter(
                    "unsupported operator \(condition["operator"]?.stringValue ?? "(not a string)")")
            }
            guard let text = condition["value"]?.stringValue else {
                throw FeishuError.invalidFilter(
                    "\(field.name): value must be the JSON text of a string array, e.g. \"[\\\"审批中\\\"]\" (\"[]\" for isEmpty)"
                )
            }
            guard let parsed = try? JSONValue.parse(text), let items = parsed.arrayValue else {
                throw FeishuError.invalidFilter("\(field.name): value \(text) is not the JSON text of an array")
            }
            var values: [String] = []
            for item in items {
                // read-back may carry numbers (["ExactDate",1642672432000]); accept them on the way in as well
                guard let value = item.stringValue ?? (item.isNumber ? item.lenientString : nil) else {
                    throw FeishuError.invalidFilter("\(field.name): value must hold strings")
                }
                values.append(value)
            }
            try RecordPredicate.checkCondition(field: field, op: op, values: values)
            let given = condition["condition_id"]?.stringValue
            let conditionId = given.flatMap { oldIds.contains($0) ? $0 : nil } ?? newConditionId()
            stored.append(
                .object([
                    ("condition_id", .string(conditionId)), ("field_id", .string(field.id)),
                    ("field_type", .int(field.type)), ("operator", .string(op)),
                    ("value", .string(JSONValue.strings(values).serialized()))
                ]))
        }
        return .object([
            ("conjunction", .string(conjunction)), ("condition_omitted", .bool(false)), ("conditions", .array(stored))
        ])
    }

    private func hiddenFields(_ json: JSONValue, table: BitTable) throws(FeishuError) -> [String] {
        guard let items = json.arrayValue else {
            throw FeishuError.wrongBody("hidden_fields must be an array of field ids")
        }
        guard items.count <= Self.maxHiddenFields else {
            throw FeishuError.wrongBody("hidden_fields holds at most \(Self.maxHiddenFields) field ids")
        }
        var ids: [String] = []
        for item in items {
            guard let id = item.stringValue else { throw FeishuError.wrongBody("hidden_fields must hold field ids") }
            guard let field = table.field(id: id) else { throw FeishuError.fieldIdNotFound(id) }
            if field.isPrimary { throw FeishuError.wrongBody("the primary field cannot be hidden") }
            if !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    private func hierarchyField(_ json: JSONValue, table: BitTable) throws(FeishuError) -> String {
        guard json.objectPairs != nil, let id = json["field_id"]?.stringValue else {
            throw FeishuError.wrongBody("hierarchy_config must be {\"field_id\": \"fld…\"}")
        }
        guard let field = table.field(id: id) else { throw FeishuError.fieldIdNotFound(id) }
        guard field.type == 18 else {
            throw FeishuError(code: 1_254_012, msg: "UnsupportedFieldType: hierarchy needs a one-way link field")
        }
        return id
    }

    func newConditionId() -> String { "con" + ids.alnum(7) }
}

extension FeishuError {
    static let invalidViewName = FeishuError(code: 1_254_022, msg: "InvalidViewName: at most 100 characters, no [ ]")
    static let viewLimit = FeishuError(code: 1_254_101, msg: "ViewExceedLimit: a table holds at most 200 views")
    static func invalidViewType(_ given: String) -> FeishuError {
        FeishuError(code: 1_254_019, msg: "InvalidViewType: \(given) (grid, kanban, gallery, gantt or form)")
    }
}
