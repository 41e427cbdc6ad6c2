/// Record writes: create, update, delete, their batch forms, and the checks of their values.
///
/// A refused call changes nothing (select options it would have created included).
extension BitableSimulator {
    static let maxBatchWrite = 1000
    static let maxBatchDelete = 500

    // MARK: Validation of write bodies

    /// Checks one `fields` object against the table; returns (field, value-to-store) pairs.
    /// Select options the values would create are collected in `newOptions` (by field id): the
    /// caller adds them with `addOptions` once the whole call is accepted, so that a refused
    /// call (a bad cell further on, a full table) changes nothing.
    func validateFields(_ json: JSONValue?, table: BitTable, newOptions: inout [String: [String]]) throws(FeishuError)
        -> [(BitField, JSONValue?)]
    {
        guard let json else { throw FeishuError.wrongBody("fields is required") }
        guard let pairs = json.objectPairs else { throw FeishuError.wrongBody("fields must be an object") }
        var out: [(BitField, JSONValue?)] = []
        for (name, value) in pairs {
            guard let field = table.field(named: name) else { throw FeishuError.fieldNameNotFound(name) }
            var created: [String] = []
            let stored = try BitableValues.normalize(value, field: field, newOptions: &created)
            if !created.isEmpty { newOptions[field.id, default: []] += created }
            out.append((field, stored))
        }
        return out
    }

    /// Adds the collected select options, field by field in the table's order.
    func addOptions(_ newOptions: [String: [String]], table: BitTable) {
        for field in table.fields {
            if let names = newOptions[field.id], !names.isEmpty { addOptions(names, to: field.id, table: table) }
        }
    }

    private func addOptions(_ names: [String], to fieldId: String, table: BitTable) {
        guard let index = table.fields.firstIndex(where: { $0.id == fieldId }) else { return }
        var field = table.fields[index]
        var options = field.property?["options"]?.arrayValue ?? []
        for name in names where !options.contains(where: { $0["name"]?.stringValue == name }) {
            options.append(
                .object([("name", .string(name)), ("id", .string(newOptionId())), ("color", .int(options.count % 55))]))
        }
        field.property = (field.property ?? .object([])).setting("options", .array(options))
        table.fields[index] = field
    }

    func apply(_ values: [(BitField, JSONValue?)], to record: inout BitRecord) {
        for (field, value) in values {
            if let value { record.values[field.id] = value } else { record.values.removeValue(forKey: field.id) }
        }
    }

    func newRecord(_ values: [(BitField, JSONValue?)], table: BitTable, now: Int64) -> BitRecord {
        var record = BitRecord(
            id: newRecordId(), values: [:], createdTime: now, modifiedTime: now, autoNumber: table.nextAutoNumber)
        table.nextAutoNumber += 1
        apply(values, to: &record)
        return record
    }

    // MARK: Writes

    func createRecord(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let body = try bodyJSON(ctx, allowEmpty: false)
        let replayKey = try clientTokenKey(ctx, table: table, kind: "create")
        if let replayKey, let cached = clientTokens[replayKey] {
            guard cached.body == body.canonical() else { throw FeishuError.clientTokenConflict }
            return feishuOK(cached.data)
        }
        var newOptions: [String: [String]] = [:]
        let values = try validateFields(body["fields"], table: table, newOptions: &newOptions)
        if table.count + 1 > ctx.settings.rowLimit { throw FeishuError.rowLimit }
        addOptions(newOptions, table: table)
        let record = newRecord(values, table: table, now: ctx.nowMs)
        table.insert(record)
        ctx.committed = true
        let data = JSONValue.object([
            (
                "record",
                .object([("fields", echo(values)), ("id", .string(record.id)), ("record_id", .string(record.id))])
            )
        ])
        if let replayKey { clientTokens[replayKey] = (body.canonical(), data) }
        return feishuOK(data)
    }

    func updateRecord(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let body = try bodyJSON(ctx, allowEmpty: false)
        let id = ctx.param("record_id")
        guard var record = table.record(id) else { throw FeishuError.recordNotFound(id) }
        var newOptions: [String: [String]] = [:]
        let values = try validateFields(body["fields"], table: table, newOptions: &newOptions)
        addOptions(newOptions, table: table)
        apply(values, to: &record)
        record.modifiedTime = ctx.nowMs
        table.update(record)
        ctx.committed = true
        return feishuOK(
            .object([("record", .object([("fields", echo(values)), ("id", .string(id)), ("record_id", .string(id))]))]))
    }

    func deleteRecord(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let id = ctx.param("record_id")
        guard table.remove(id) else { throw FeishuError.recordNotFound(id) }
        ctx.committed = true
        return feishuOK(.object([("deleted", true), ("record_id", .string(id))]))
    }

    func batchCreate(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let body = try bodyJSON(ctx, allowEmpty: false)
        let replayKey = try clientTokenKey(ctx, table: table, kind: "batch_create")
        if let replayKey, let cached = clientTokens[replayKey] {
            guard cached.body == body.canonical() else { throw FeishuError.clientTokenConflict }
            return feishuOK(cached.data)
        }
        guard let items = body["records"]?.arrayValue else { throw FeishuError.wrongBody("records must be an array") }
        if items.isEmpty { throw FeishuError.wrongBody("records must not be empty") }
        if items.count > Self.maxBatchWrite { throw FeishuError.tooMany }
        var all: [[(BitField, JSONValue?)]] = []
        var newOptions: [String: [String]] = [:]
        for item in items {
            guard item.objectPairs != nil else {
                throw FeishuError.wrongBody("each record must be an object with fields")
            }
            all.append(try validateFields(item["fields"], table: table, newOptions: &newOptions))
        }
        if table.count + all.count > ctx.settings.rowLimit { throw FeishuError.rowLimit }
        addOptions(newOptions, table: table)
        var out: [JSONValue] = []
        for values in all {
            let record = newRecord(values, table: table, now: ctx.nowMs)
            table.insert(record)
            out.append(
                .object([("fields", echo(values)), ("id", .string(record.id)), ("record_id", .string(record.id))]))
        }
        ctx.committed = true
        let data = JSONValue.object([("records", .array(out))])
        if let replayKey { clientTokens[replayKey] = (body.canonical(), data) }
        return feishuOK(data)
    }

    func batchUpdate(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let body = try bodyJSON(ctx, allowEmpty: false)
        guard let items = body["records"]?.arrayValue else { throw FeishuError.wrongBody("records must be an array") }
        if items.isEmpty { throw FeishuError.wrongBody("records must not be empty") }
        if items.count > Self.maxBatchWrite { throw FeishuError.tooMany }
        var planned: [(String, [(BitField, JSONValue?)])] = []
        var newOptions: [String: [String]] = [:]
        for item in items {
            guard let id = item["record_id"]?.stringValue, !id.isEmpty else {
                throw FeishuError.wrongBody("record_id is required")
            }
            guard table.record(id) != nil else { throw FeishuError.recordNotFound(id) }
            planned.append((id, try validateFields(item["fields"], table: table, newOptions: &newOptions)))
        }
        addOptions(newOptions, table: table)
        var out: [JSONValue] = []
        for (id, values) in planned {
            guard var record = table.record(id) else { continue }
            apply(values, to: &record)
            record.modifiedTime = ctx.nowMs
            table.update(record)
            out.append(.object([("fields", echo(values)), ("id", .string(id)), ("record_id", .string(id))]))
        }
        ctx.committed = true
        return feishuOK(.object([("records", .array(out))]))
    }

    func batchDelete(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let body = try bodyJSON(ctx, allowEmpty: false)
        guard let items = body["records"]?.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw FeishuError.wrongBody("records must be an array of record ids")
        }
        if items.isEmpty { throw FeishuError.wrongBody("records must not be empty") }
        if items.count > Self.maxBatchDelete {
            throw FeishuError(
                code: 1_254_104,
                msg: "RecordAddOnceExceedLimit: at most \(Self.maxBatchDelete) records per batch_delete")
        }
        let ids = items.compactMap(\.stringValue)
        for id in ids where table.record(id) == nil { throw FeishuError.recordNotFound(id) }
        var out: [JSONValue] = []
        for id in ids {
            table.remove(id)
            out.append(.object([("deleted", true), ("record_id", .string(id))]))
        }
        ctx.committed = true
        return feishuOK(.object([("records", .array(out))]))
    }
}
