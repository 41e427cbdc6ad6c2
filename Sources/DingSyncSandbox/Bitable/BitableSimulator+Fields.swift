/// The field endpoints (reference §3.5): list, create, update (full replacement), delete.
extension BitableSimulator {
    // MARK: GET, POST P/fields

    func listFields(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        if let view = ctx.request.query("view_id"), !view.isEmpty, view != table.defaultViewId {
            throw FeishuError(code: 1_254_042, msg: "ViewIdNotFound")
        }
        let size = try pageSize(ctx, max: 100)
        let offset = try pageOffset(ctx, scope: "fields")
        let all = table.fields
        let slice = offset < all.count ? Array(all[offset..<min(all.count, offset + size)]) : []
        return feishuOK(page(slice.map { $0.json() }, total: all.count, offset: offset, scope: "fields"))
    }

    func createField(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let body = try bodyJSON(ctx, allowEmpty: false)
        let replayKey = try clientTokenKey(ctx, table: table, kind: "field")
        if let replayKey, let cached = clientTokens[replayKey] {
            guard cached.body == body.canonical() else { throw FeishuError.clientTokenConflict }
            return feishuOK(cached.data)
        }
        if table.fields.count >= 300 { throw FeishuError(code: 1_254_105, msg: "ColumnExceedLimit") }
        let field = try makeField(body, isPrimary: false, existing: table.fields)
        table.fields.append(field)
        ctx.committed = true
        let data = JSONValue.object([("field", field.json())])
        if let replayKey { clientTokens[replayKey] = (body.canonical(), data) }
        return feishuOK(data)
    }

    // MARK: PUT P/fields/:field_id

    /// Full replacement: `field_name` and `type` are required; an omitted `property`,
    /// `ui_type` or `description` goes back to the type's default. Select options keep their
    /// id when the body names it; options left out are deleted (and leave the cells that held
    /// them), renamed ones are renamed in the cells. A type change carries each cell over
    /// (`BitableValues.convert`); cells that do not fit the new type are cleared.
    func updateField(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let id = ctx.param("field_id")
        guard let index = table.fields.firstIndex(where: { $0.id == id }) else { throw FeishuError.fieldIdNotFound(id) }
        let body = try bodyJSON(ctx, allowEmpty: false)
        let old = table.fields[index]
        guard body["type"].map({ !$0.isNull }) ?? false else {
            throw FeishuError.wrongBody("type is required (full replacement)")
        }
        let others = table.fields.filter { $0.id != id }
        let field = try makeField(body, isPrimary: old.isPrimary, existing: others, replacing: old)
        if old.isPrimary, !Self.primaryTypes.contains(field.type) {
            throw FeishuError.wrongBody("the primary field must be of type 1, 2, 5, 13, 15, 20 or 22")
        }
        table.fields[index] = field
        var newOptions: [String] = []
        for var record in table.orderedRecords() {
            guard let stored = record.values[id] else { continue }
            let carried = carry(stored, from: old, to: field, newOptions: &newOptions)
            if carried == stored { continue }
            if let carried { record.values[id] = carried } else { record.values.removeValue(forKey: id) }
            table.update(record)
        }
        if !newOptions.isEmpty { addOptions([id: newOptions], table: table) }
        ctx.committed = true
        return feishuOK(.object([("field", (table.field(id: id) ?? field).json())]))
    }

    /// One cell across a field update.
    private func carry(_ stored: JSONValue, from old: BitField, to new: BitField, newOptions: inout [String])
        -> JSONValue?
    {
        guard old.type != new.type else {
            guard new.type == 3 || new.type == 4 else { return stored }
            // Same select type: follow the options by id (renamed → new name, removed → gone).
            var names: [String: String] = [:]
            for option in old.property?["options"]?.arrayValue ?? [] {
                guard let optionId = option["id"]?.stringValue, let oldName = option["name"]?.stringValue,
                    let newName = Self.optionName(id: optionId, in: new)
                else { continue }
                names[oldName] = newName
            }
            if let name = stored.stringValue { return names[name].map { .string($0) } }
            let kept = (stored.arrayValue ?? []).compactMap { $0.stringValue.flatMap { names[$0] } }
            return kept.isEmpty ? nil : .strings(kept)
        }
        return BitableValues.convert(stored, from: old, to: new, newOptions: &newOptions)
    }

    // MARK: DELETE P/fields/:field_id

    /// Removes the field and its cells; the primary field cannot be deleted (1254001).
    func deleteField(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let id = ctx.param("field_id")
        guard let index = table.fields.firstIndex(where: { $0.id == id }) else { throw FeishuError.fieldIdNotFound(id) }
        if table.fields[index].isPrimary { throw FeishuError.wrongBody("the primary field cannot be deleted") }
        table.fields.remove(at: index)
        for var record in table.orderedRecords() where record.values[id] != nil {
            record.values.removeValue(forKey: id)
            table.update(record)
        }
        ctx.committed = true
        return feishuOK(.object([("field_id", .string(id)), ("deleted", true)]))
    }
}
