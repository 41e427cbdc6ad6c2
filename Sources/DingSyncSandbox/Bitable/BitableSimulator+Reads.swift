/// Record reads: search, list, get, batch_get, and how records are rendered.
extension BitableSimulator {
    static let maxBatchGet = 100
    static let maxSearchPage = 500

    enum ReadShape {
        case new
        case legacy(textAsArray: Bool)
    }

    /// The `ou_` open id the sandbox gives the app in person fields (created_by and the
    /// like): the first 32 hex digits of the SHA-256 of its app id.
    static func openId(ofApp appId: String) -> String {
        "ou_" + String(Hashing.sha256Hex(appId).prefix(32))
    }

    // MARK: Rendering

    func cellValue(_ field: BitField, _ record: BitRecord) -> JSONValue? {
        switch field.type {
        case 1001: return .int(record.createdTime)
        case 1002: return .int(record.modifiedTime)
        case 1005: return .string(String(record.autoNumber))
        case 1003, 1004:
            return .object([
                ("id", .string(Self.openId(ofApp: identity.feishuAppId))),
                ("name", "dingsync-sandbox")
            ])
        default: return record.values[field.id]
        }
    }

    func renderRecord(
        _ record: BitRecord, table: BitTable, shape: ReadShape, only: Set<String>?, automatic: Bool,
        sharedURL: Bool = false
    ) -> JSONValue {
        var fields: [(String, JSONValue)] = []
        for field in table.fields {
            if let only, !only.contains(field.name) { continue }
            guard let stored = cellValue(field, record) else { continue }
            switch shape {
            case .new: fields.append((field.name, BitableValues.readNew(stored, field: field)))
            case .legacy(let asArray):
                fields.append((field.name, BitableValues.readLegacy(stored, field: field, textAsArray: asArray)))
            }
        }
        var pairs: [(String, JSONValue)] = [("fields", .object(fields)), ("record_id", .string(record.id))]
        if automatic {
            let by = JSONValue.object([
                ("id", .string(Self.openId(ofApp: identity.feishuAppId))),
                ("name", "dingsync-sandbox"), ("en_name", "dingsync-sandbox"), ("email", "")
            ])
            pairs += [
                ("created_by", by), ("created_time", .int(record.createdTime)),
                ("last_modified_by", by), ("last_modified_time", .int(record.modifiedTime))
            ]
        }
        if sharedURL {
            pairs.append(
                ("shared_url", .string("\(address.url)/base/\(base.appToken)?table=\(table.id)&record=\(record.id)")))
        }
        return .object(pairs)
    }

    /// Echo of written values in the write shape (what the client sent, nulls left out).
    func echo(_ values: [(BitField, JSONValue?)]) -> JSONValue {
        .object(values.compactMap { field, value in value.map { (field.name, $0) } })
    }

    // MARK: Reads

    func fieldNameSet(_ value: JSONValue?, table: BitTable) throws(FeishuError) -> Set<String>? {
        guard let value, !value.isNull else { return nil }
        guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw FeishuError.invalidFieldNames("field_names must be an array of strings")
        }
        if items.count > 200 { throw FeishuError.invalidFieldNames("at most 200 field_names") }
        var names = Set<String>()
        for item in items {
            guard let name = item.stringValue, table.field(named: name) != nil else {
                throw FeishuError.invalidFieldNames("unknown field \(item.stringValue ?? "")")
            }
            names.insert(name)
        }
        return names
    }

    func searchRecords(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let size = try pageSize(ctx, max: Self.maxSearchPage)
        let body = try bodyJSON(ctx, allowEmpty: true)
        let only = try fieldNameSet(body["field_names"], table: table)
        var sorts: [RecordSort] = []
        if let sortValue = body["sort"], !sortValue.isNull {
            guard let items = sortValue.arrayValue else { throw FeishuError.invalidSort("sort must be an array") }
            if items.count > 100 { throw FeishuError.invalidSort("at most 100 sort entries") }
            for item in items {
                guard let name = item["field_name"]?.stringValue, let field = table.field(named: name) else {
                    throw FeishuError.invalidSort("unknown field \(item["field_name"]?.stringValue ?? "")")
                }
                sorts.append(RecordSort(field: field, desc: item["desc"]?.boolValue ?? false))
            }
        }
        var predicate = RecordPredicate.always
        if let filter = body["filter"], !filter.isNull {
            predicate = try RecordPredicate.parseSearchFilter(filter, table: table)
        }
        if let view = body["view_id"]?.stringValue, !view.isEmpty, view != table.defaultViewId, body["filter"] == nil,
            sorts.isEmpty
        {
            throw FeishuError(code: 1_254_042, msg: "ViewIdNotFound")
        }
        let automatic = body["automatic_fields"]?.boolValue ?? false
        let scope = "search-\(table.id)"
        let offset = try pageOffset(ctx, scope: scope)
        let matched = RecordSort.sort(
            table.orderedRecords().filter { predicate.matches($0, table: table, nowMs: ctx.nowMs) }, by: sorts)
        let slice = offset < matched.count ? Array(matched[offset..<min(matched.count, offset + size)]) : []
        let items = slice.map { renderRecord($0, table: table, shape: .new, only: only, automatic: automatic) }
        try refuseIfTooLarge(items, ctx)
        return feishuOK(page(items, total: matched.count, offset: offset, scope: scope))
    }

    /// A boolean query flag (absent or empty = false); its spelling was checked on arrival
    /// (`checkBoolQueries`).
    func boolQuery(_ ctx: CallContext, _ name: String) -> Bool {
        ctx.request.query(name).flatMap(BoolQuery.parse) ?? false
    }

    func listRecords(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let size = try pageSize(ctx, max: Self.maxSearchPage)
        var only: Set<String>?
        if let text = ctx.request.query("field_names"), !text.isEmpty {
            guard let json = try? JSONValue.parse(text) else {
                throw FeishuError.invalidFieldNames("field_names must be a JSON array")
            }
            only = try fieldNameSet(json, table: table)
        }
        var sorts: [RecordSort] = []
        if let text = ctx.request.query("sort"), !text.isEmpty {
            if text.count > 1000 { throw FeishuError.invalidSort("sort longer than 1000 characters") }
            guard let items = (try? JSONValue.parse(text))?.arrayValue else {
                throw FeishuError.invalidSort("sort must be a JSON array of strings")
            }
            for item in items {
                guard let entry = item.stringValue else { throw FeishuError.invalidSort("sort entries are strings") }
                var name = entry
                var desc = false
                if entry.hasSuffix(" DESC") {
                    name = String(entry.dropLast(5))
                    desc = true
                } else if entry.hasSuffix(" ASC") {
                    name = String(entry.dropLast(4))
                }
                guard let field = table.field(named: name) else {
                    throw FeishuError.invalidSort("unknown field \(name)")
                }
                sorts.append(RecordSort(field: field, desc: desc))
            }
        }
        var predicate = RecordPredicate.always
        if let text = ctx.request.query("filter"), !text.isEmpty {
            predicate = try RecordPredicate.parseFormula(text, table: table)
        }
        if let view = ctx.request.query("view_id"), !view.isEmpty, view != table.defaultViewId {
            throw FeishuError(code: 1_254_042, msg: "ViewIdNotFound")
        }
        let scope = "list-\(table.id)"
        let offset = try pageOffset(ctx, scope: scope)
        let matched = RecordSort.sort(
            table.orderedRecords().filter { predicate.matches($0, table: table, nowMs: ctx.nowMs) }, by: sorts)
        let slice = offset < matched.count ? Array(matched[offset..<min(matched.count, offset + size)]) : []
        let shape = ReadShape.legacy(textAsArray: boolQuery(ctx, "text_field_as_array"))
        let items = slice.map {
            renderRecord($0, table: table, shape: shape, only: only, automatic: boolQuery(ctx, "automatic_fields"))
        }
        try refuseIfTooLarge(items, ctx)
        return feishuOK(page(items, total: matched.count, offset: offset, scope: scope))
    }

    func getRecord(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let id = ctx.param("record_id")
        guard let record = table.record(id) else { throw FeishuError.recordNotFound(id) }
        var item = renderRecord(
            record, table: table, shape: .legacy(textAsArray: boolQuery(ctx, "text_field_as_array")), only: nil,
            automatic: boolQuery(ctx, "automatic_fields"))
        if boolQuery(ctx, "with_shared_url") {
            item = item.setting("record_url", .string("\(address.url)/record/\(record.id)"))
        }
        return feishuOK(.object([("record", item)]))
    }

    func batchGet(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let body = try bodyJSON(ctx, allowEmpty: false)
        try checkUserIdType(body["user_id_type"]?.stringValue)
        guard let ids = body["record_ids"]?.arrayValue, ids.allSatisfy({ $0.stringValue != nil }) else {
            throw FeishuError.wrongBody("record_ids must be an array of strings")
        }
        if ids.isEmpty { throw FeishuError.wrongBody("record_ids must not be empty") }
        if ids.count > Self.maxBatchGet {
            throw FeishuError(
                code: 1_254_104, msg: "RecordAddOnceExceedLimit: at most \(Self.maxBatchGet) record_ids per batch_get")
        }
        var records: [JSONValue] = []
        var absent: [String] = []
        let automatic = body["automatic_fields"]?.boolValue ?? false
        let shared = body["with_shared_url"]?.boolValue ?? false
        for id in ids.compactMap(\.stringValue) {
            if let record = table.record(id) {
                records.append(
                    renderRecord(record, table: table, shape: .new, only: nil, automatic: automatic, sharedURL: shared))
            } else {
                absent.append(id)
            }
        }
        return feishuOK(
            .object([
                ("records", .array(records)), ("forbidden_record_ids", .array([])),
                ("absent_record_ids", .strings(absent))
            ]))
    }
}
