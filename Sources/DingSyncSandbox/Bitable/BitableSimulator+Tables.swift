/// Listing and creating tables, and building the field definitions (also for the fields).
extension BitableSimulator {
    func listTables(_ ctx: inout CallContext) throws(FeishuError) -> SandboxResponse {
        let size = try pageSize(ctx, max: 100)
        let offset = try pageOffset(ctx, scope: "tables")
        let all = base.tables
        let slice = offset < all.count ? Array(all[offset..<min(all.count, offset + size)]) : []
        let items = slice.map {
            JSONValue.object([("table_id", .string($0.id)), ("revision", .int($0.revision)), ("name", .string($0.name))]
            )
        }
        return feishuOK(page(items, total: all.count, offset: offset, scope: "tables"))
    }

    static let forbiddenNameCharacters: Set<Character> = ["/", "\\", "?", "*", ":", "[", "]"]
    static let primaryTypes: Set<Int> = [1, 2, 5, 13, 15, 20, 22]

    func createTable(_ ctx: inout CallContext) throws(FeishuError) -> SandboxResponse {
        let body = try bodyJSON(ctx, allowEmpty: false)
        guard let spec = body["table"], spec.objectPairs != nil else {
            throw FeishuError.wrongBody("table is required")
        }
        guard let rawName = spec["name"]?.stringValue else { throw FeishuError.wrongBody("table.name is required") }
        let name = rawName.trimmingSpaces
        guard !name.isEmpty, name.count <= 100, !name.contains(where: Self.forbiddenNameCharacters.contains) else {
            throw FeishuError.wrongBody("invalid table name (must not contain / \\ ? * : [ ])")
        }
        let viewName = spec["default_view_name"]?.stringValue?.trimmingSpaces ?? ""
        if viewName.contains("[") || viewName.contains("]") || viewName.count > BitableSimulator.maxViewName {
            throw FeishuError.invalidViewName
        }
        if base.tables.contains(where: { $0.name == name }) {
            throw FeishuError(code: 1_254_013, msg: "TableNameDuplicated")
        }
        if base.tables.count >= 100 { throw FeishuError(code: 1_254_100, msg: "TableExceedLimit") }
        var fields: [BitField] = []
        if let list = spec["fields"], !list.isNull {
            guard let items = list.arrayValue else { throw FeishuError.wrongBody("table.fields must be an array") }
            for (index, item) in items.enumerated() {
                var field = try makeField(item, isPrimary: index == 0, existing: fields)
                field.isPrimary = index == 0
                fields.append(field)
            }
        }
        if fields.isEmpty {
            fields = [
                BitField(
                    id: newFieldId(), name: "文本", type: 1, uiType: "Text", isPrimary: true, property: nil,
                    description: nil)
            ]
        }
        if !Self.primaryTypes.contains(fields[0].type) {
            throw FeishuError.wrongBody("the first field (primary) must be of type 1, 2, 5, 13, 15, 20 or 22")
        }
        let table = BitTable(
            id: newTableId(), name: name, defaultViewId: newViewId(),
            defaultViewName: viewName.isEmpty ? "表格" : viewName,
            fields: fields)
        base.tables.append(table)
        ctx.committed = true
        return feishuOK(
            .object([
                ("table_id", .string(table.id)), ("default_view_id", .string(table.defaultViewId)),
                ("field_id_list", .strings(fields.map(\.id)))
            ]))
    }

    /// Builds a field from a create body (`field_name`, `type`, `ui_type`, `property`, `description`).
    /// For an update (`replacing` the field of that id), select options that carry the id of one
    /// of the old field's options keep it; the others get new ids.
    func makeField(_ json: JSONValue, isPrimary: Bool, existing: [BitField], replacing previous: BitField? = nil)
        throws(FeishuError) -> BitField
    {
        guard json.objectPairs != nil, let name = json["field_name"]?.stringValue, !name.trimmingSpaces.isEmpty else {
            throw FeishuError.wrongBody("field_name is required")
        }
        if existing.contains(where: { $0.name == name }) {
            throw FeishuError(code: 1_254_014, msg: "FieldNameDuplicated: \(name)")
        }
        guard let typeValue = json["type"]?.int64Value, let defaultUI = BitField.defaultUIType(Int(typeValue)) else {
            throw FeishuError.wrongBody("field \(name): unknown type")
        }
        let type = Int(typeValue)
        if type == 19 { throw FeishuError.wrongBody("field \(name): lookup fields cannot be created through the API") }
        var uiType = defaultUI
        if let ui = json["ui_type"]?.stringValue {
            let allowed = BitField.uiTypesByType[type] ?? [defaultUI]
            guard allowed.contains(ui) else {
                throw FeishuError.wrongBody("field \(name): ui_type \(ui) does not match type \(type)")
            }
            uiType = ui
        }
        var property: JSONValue? = json["property"].flatMap { $0.isNull ? nil : $0 }
        if let p = property, p.objectPairs == nil {
            throw FeishuError.wrongBody("field \(name): property must be an object")
        }
        switch type {
        case 2:
            property = (property ?? .object([])).setting("formatter", property?["formatter"] ?? "0")
        case 3, 4:
            var options: [JSONValue] = []
            for (i, option) in (property?["options"]?.arrayValue ?? []).enumerated() {
                guard let optionName = option["name"]?.stringValue, !optionName.isEmpty else {
                    throw FeishuError.wrongBody("field \(name): option without name")
                }
                let optionId: String
                if let given = option["id"]?.stringValue, let previous, Self.optionName(id: given, in: previous) != nil
                {
                    optionId = given
                } else {
                    optionId = newOptionId()
                }
                options.append(
                    .object([
                        ("name", .string(optionName)), ("id", .string(optionId)),
                        ("color", option["color"] ?? .int(i % 55))
                    ]))
            }
            property = (property ?? .object([])).setting("options", .array(options))
        case 5:
            let p = property ?? .object([])
            property = p.setting("date_formatter", p["date_formatter"] ?? "yyyy/MM/dd").setting(
                "auto_fill", p["auto_fill"] ?? false)
        default:
            break
        }
        var description: JSONValue?
        if let d = json["description"], !d.isNull {
            guard d.objectPairs != nil else {
                throw FeishuError.wrongBody("field \(name): description must be an object")
            }
            description = .object([("disable_sync", d["disable_sync"] ?? false), ("text", d["text"] ?? "")])
        }
        return BitField(
            id: previous?.id ?? newFieldId(), name: name, type: type, uiType: uiType, isPrimary: isPrimary,
            property: property, description: description)
    }

    /// The name of the option with `id` in a select field.
    static func optionName(id: String, in field: BitField) -> String? {
        field.property?["options"]?.arrayValue?.first(where: { $0["id"]?.stringValue == id })?["name"]?.stringValue
    }
}
