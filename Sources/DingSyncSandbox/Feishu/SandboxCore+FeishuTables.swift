/// Feishu token, tables and fields.
extension SandboxCore {
    // MARK: POST /open-apis/auth/v3/tenant_access_token/internal

    func feishuToken(_ ctx: inout CallContext) -> SandboxResponse {
        guard let body = try? JSONValue.parse(ctx.request.body), let appId = body["app_id"]?.stringValue, !appId.isEmpty,
              let secret = body["app_secret"]?.stringValue, !secret.isEmpty
        else {
            ctx.failed = true
            return .json(.object([("code", 10003), ("msg", "invalid param")]), status: 400)
        }
        guard appId == identity.feishuAppId else {
            ctx.failed = true
            return .json(.object([("code", 10003), ("msg", "invalid param: app_id not found")]), status: 400)
        }
        guard secret == identity.feishuAppSecret else {
            ctx.failed = true
            return .json(.object([("code", 10014), ("msg", "app secret invalid")]), status: 400)
        }
        let now = ctx.nowMs
        let lifetime = Int64(state.settings.tokenLifetime) * 1000
        state.feishuTokens = state.feishuTokens.filter { $0.value > now }
        // The same token while at least a quarter of the lifetime (30 min of 2 h) is left.
        if let token = state.feishuLatestToken, let expiry = state.feishuTokens[token], expiry - now >= lifetime / 4 {
            return .json(.object([("code", 0), ("msg", "ok"), ("tenant_access_token", .string(token)),
                                  ("expire", .int((expiry - now) / 1000))]))
        }
        let token = "t-g" + state.idRng.string(length: 37, alphabet: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        state.feishuTokens[token] = now + lifetime
        state.feishuLatestToken = token
        return .json(.object([("code", 0), ("msg", "ok"), ("tenant_access_token", .string(token)),
                              ("expire", .int(lifetime / 1000))]))
    }

    // MARK: Dispatch of every Bitable endpoint

    func bitable(_ ctx: inout CallContext) -> SandboxResponse {
        do {
            return try bitableThrowing(&ctx)
        } catch {
            return feishuError(&ctx, error)
        }
    }

    private func bitableThrowing(_ ctx: inout CallContext) throws(FeishuError) -> SandboxResponse {
        guard ctx.param("app_token") == state.base.appToken else {
            throw ctx.param("app_token").hasPrefix("bas") || ctx.param("app_token").hasPrefix("app")
                ? FeishuError.baseNotFound : FeishuError(code: 1254003, msg: "WrongBaseToken")
        }
        try checkUserIdType(ctx.request.query("user_id_type"))
        try checkBoolQueries(ctx.request)
        switch ctx.endpoint {
        case .fsTablesList: return try listTables(&ctx)
        case .fsTablesCreate: return try createTable(&ctx)
        default: break
        }
        guard let table = state.base.table(ctx.param("table_id")) else {
            throw ctx.param("table_id").hasPrefix("tbl") ? FeishuError.tableNotFound : FeishuError(code: 1254004, msg: "WrongTableId")
        }
        try occupy(table, &ctx)
        let response: SandboxResponse
        switch ctx.endpoint {
        case .fsFieldsList: response = try listFields(&ctx, table)
        case .fsFieldsCreate: response = try createField(&ctx, table)
        case .fsFieldsUpdate: response = try updateField(&ctx, table)
        case .fsFieldsDelete: response = try deleteField(&ctx, table)
        case .fsSearch: response = try searchRecords(&ctx, table)
        case .fsList: response = try listRecords(&ctx, table)
        case .fsGet: response = try getRecord(&ctx, table)
        case .fsCreate: response = try createRecord(&ctx, table)
        case .fsUpdate: response = try updateRecord(&ctx, table)
        case .fsDelete: response = try deleteRecord(&ctx, table)
        case .fsBatchCreate: response = try batchCreate(&ctx, table)
        case .fsBatchUpdate: response = try batchUpdate(&ctx, table)
        case .fsBatchDelete: response = try batchDelete(&ctx, table)
        case .fsBatchGet: response = try batchGet(&ctx, table)
        default: throw FeishuError(code: 1254001, msg: "WrongRequestBody")
        }
        if ctx.occupancy == .write, ctx.committed {
            ctx.holdMs = state.settings.feishuWriteHoldMs
            table.revision += 1
        } else if ctx.occupancy == .read {
            ctx.holdMs = state.settings.feishuReadHoldMs
        }
        return response
    }

    /// Registers the call on the table; a write overlapping any other call, or a read
    /// overlapping a write, is a write conflict (1254291).
    private func occupy(_ table: BitTable, _ ctx: inout CallContext) throws(FeishuError) {
        let write = ctx.endpoint.tableAccess == .write
        var stats = state.tableStats[table.id, default: TableStats()]
        stats.calls += 1
        if write { stats.writes += 1 } else { stats.reads += 1 }
        table.inFlight += 1
        ctx.touchedTable = table
        stats.maxConcurrency = max(stats.maxConcurrency, table.inFlight)
        let conflict = write ? table.activeWrites + table.activeReads > 0 : table.activeWrites > 0
        if conflict {
            stats.conflicts += 1
            state.tableStats[table.id] = stats
            throw FeishuError.writeConflict
        }
        state.tableStats[table.id] = stats
        if write {
            table.activeWrites += 1
            ctx.occupancy = .write
        } else {
            table.activeReads += 1
            ctx.occupancy = .read
        }
    }

    func checkUserIdType(_ value: String?) throws(FeishuError) {
        if let value, !["open_id", "union_id", "user_id"].contains(value) {
            throw FeishuError(code: 1254001, msg: "WrongRequestBody: user_id_type must be open_id, union_id or user_id")
        }
    }

    func bodyJSON(_ ctx: CallContext, allowEmpty: Bool) throws(FeishuError) -> JSONValue {
        if ctx.request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if allowEmpty { return .object([]) }
            throw FeishuError.wrongBody("body is required")
        }
        guard let json = try? JSONValue.parse(ctx.request.body) else { throw FeishuError.wrongJSON }
        guard json.objectPairs != nil else { throw FeishuError.wrongBody("body must be a JSON object") }
        return json
    }

    // MARK: Paging

    func pageSize(_ ctx: CallContext, max: Int) throws(FeishuError) -> Int {
        guard let text = ctx.request.query("page_size"), !text.isEmpty else { return 20 }
        guard let n = Int(text), n >= 1, n <= max else { throw FeishuError.pageSize }
        return n
    }

    func pageOffset(_ ctx: CallContext, scope: String) throws(FeishuError) -> Int {
        guard let token = ctx.request.query("page_token"), !token.isEmpty else { return 0 }
        guard let bytes = Base64.decode(token) else { throw FeishuError.badPageToken }
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: ":")
        guard parts.count == 3, parts[0] == "sbx", parts[1] == scope, let offset = Int(parts[2]), offset >= 0 else {
            throw FeishuError.badPageToken
        }
        return offset
    }

    func pageToken(scope: String, offset: Int) -> String { Base64.encode(Array("sbx:\(scope):\(offset)".utf8)) }

    /// `{has_more, page_token?, total, items}`.
    func page(_ items: [JSONValue], total: Int, offset: Int, scope: String) -> JSONValue {
        let hasMore = offset + items.count < total
        var pairs: [(String, JSONValue)] = [("has_more", .bool(hasMore))]
        if hasMore { pairs.append(("page_token", .string(pageToken(scope: scope, offset: offset + items.count)))) }
        pairs.append(("total", .int(total)))
        pairs.append(("items", .array(items)))
        return .object(pairs)
    }

    // MARK: Tables

    private func listTables(_ ctx: inout CallContext) throws(FeishuError) -> SandboxResponse {
        let size = try pageSize(ctx, max: 100)
        let offset = try pageOffset(ctx, scope: "tables")
        let all = state.base.tables
        let slice = offset < all.count ? Array(all[offset..<min(all.count, offset + size)]) : []
        let items = slice.map { JSONValue.object([("table_id", .string($0.id)), ("revision", .int($0.revision)), ("name", .string($0.name))]) }
        return feishuOK(page(items, total: all.count, offset: offset, scope: "tables"))
    }

    static let forbiddenNameCharacters: Set<Character> = ["/", "\\", "?", "*", ":", "[", "]"]
    static let primaryTypes: Set<Int> = [1, 2, 5, 13, 15, 20, 22]

    private func createTable(_ ctx: inout CallContext) throws(FeishuError) -> SandboxResponse {
        let body = try bodyJSON(ctx, allowEmpty: false)
        guard let spec = body["table"], spec.objectPairs != nil else { throw FeishuError.wrongBody("table is required") }
        guard let rawName = spec["name"]?.stringValue else { throw FeishuError.wrongBody("table.name is required") }
        let name = rawName.trimmingSpaces
        guard !name.isEmpty, name.count <= 100, !name.contains(where: Self.forbiddenNameCharacters.contains) else {
            throw FeishuError.wrongBody("invalid table name (must not contain / \\ ? * : [ ])")
        }
        if let view = spec["default_view_name"]?.stringValue, view.contains("[") || view.contains("]") {
            throw FeishuError.wrongBody("invalid view name")
        }
        if state.base.tables.contains(where: { $0.name == name }) {
            throw FeishuError(code: 1254013, msg: "TableNameDuplicated")
        }
        if state.base.tables.count >= 100 { throw FeishuError(code: 1254100, msg: "TableExceedLimit") }
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
            fields = [BitField(id: state.newFieldId(), name: "文本", type: 1, uiType: "Text", isPrimary: true, property: nil, description: nil)]
        }
        if !Self.primaryTypes.contains(fields[0].type) {
            throw FeishuError.wrongBody("the first field (primary) must be of type 1, 2, 5, 13, 15, 20 or 22")
        }
        let table = BitTable(id: state.newTableId(), name: name, defaultViewId: state.newViewId(), fields: fields)
        state.base.tables.append(table)
        ctx.committed = true
        return feishuOK(.object([("table_id", .string(table.id)), ("default_view_id", .string(table.defaultViewId)),
                                 ("field_id_list", .strings(fields.map(\.id)))]))
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
        if existing.contains(where: { $0.name == name }) { throw FeishuError(code: 1254014, msg: "FieldNameDuplicated: \(name)") }
        guard let typeValue = json["type"]?.int64Value, let defaultUI = BitField.defaultUIType(Int(typeValue)) else {
            throw FeishuError.wrongBody("field \(name): unknown type")
        }
        let type = Int(typeValue)
        if type == 19 { throw FeishuError.wrongBody("field \(name): lookup fields cannot be created through the API") }
        var uiType = defaultUI
        if let ui = json["ui_type"]?.stringValue {
            let allowed = BitField.uiTypesByType[type] ?? [defaultUI]
            guard allowed.contains(ui) else { throw FeishuError.wrongBody("field \(name): ui_type \(ui) does not match type \(type)") }
            uiType = ui
        }
        var property: JSONValue? = json["property"].flatMap { $0.isNull ? nil : $0 }
        if let p = property, p.objectPairs == nil { throw FeishuError.wrongBody("field \(name): property must be an object") }
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
                if let given = option["id"]?.stringValue, let previous, Self.optionName(id: given, in: previous) != nil {
                    optionId = given
                } else {
                    optionId = state.newOptionId()
                }
                options.append(.object([("name", .string(optionName)), ("id", .string(optionId)),
                                        ("color", option["color"] ?? .int(i % 55))]))
            }
            property = (property ?? .object([])).setting("options", .array(options))
        case 5:
            let p = property ?? .object([])
            property = p.setting("date_formatter", p["date_formatter"] ?? "yyyy/MM/dd").setting("auto_fill", p["auto_fill"] ?? false)
        default:
            break
        }
        var description: JSONValue?
        if let d = json["description"], !d.isNull {
            guard d.objectPairs != nil else { throw FeishuError.wrongBody("field \(name): description must be an object") }
            description = .object([("disable_sync", d["disable_sync"] ?? false), ("text", d["text"] ?? "")])
        }
        return BitField(id: previous?.id ?? state.newFieldId(), name: name, type: type, uiType: uiType, isPrimary: isPrimary,
                        property: property, description: description)
    }

    /// The name of the option with `id` in a select field.
    static func optionName(id: String, in field: BitField) -> String? {
        field.property?["options"]?.arrayValue?.first(where: { $0["id"]?.stringValue == id })?["name"]?.stringValue
    }

    // MARK: Fields

    private func listFields(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        if let view = ctx.request.query("view_id"), !view.isEmpty, view != table.defaultViewId {
            throw FeishuError(code: 1254042, msg: "ViewIdNotFound")
        }
        let size = try pageSize(ctx, max: 100)
        let offset = try pageOffset(ctx, scope: "fields")
        let all = table.fields
        let slice = offset < all.count ? Array(all[offset..<min(all.count, offset + size)]) : []
        return feishuOK(page(slice.map { $0.json() }, total: all.count, offset: offset, scope: "fields"))
    }

    private func createField(_ ctx: inout CallContext, _ table: BitTable) throws(FeishuError) -> SandboxResponse {
        let body = try bodyJSON(ctx, allowEmpty: false)
        let replayKey = try clientTokenKey(ctx, table: table, kind: "field")
        if let replayKey, let cached = state.clientTokens[replayKey] {
            guard cached.body == body.canonical() else { throw FeishuError.clientTokenConflict }
            return feishuOK(cached.data)
        }
        if table.fields.count >= 300 { throw FeishuError(code: 1254105, msg: "ColumnExceedLimit") }
        let field = try makeField(body, isPrimary: false, existing: table.fields)
        table.fields.append(field)
        ctx.committed = true
        let data = JSONValue.object([("field", field.json())])
        if let replayKey { state.clientTokens[replayKey] = (body.canonical(), data) }
        return feishuOK(data)
    }

    /// The idempotency key of a call with `client_token`, or nil without one. Throws 1254037
    /// when the token is not a UUIDv4.
    func clientTokenKey(_ ctx: CallContext, table: BitTable, kind: String) throws(FeishuError) -> String? {
        guard let token = ctx.request.query("client_token"), !token.isEmpty else { return nil }
        guard Self.isUUIDv4(token) else { throw FeishuError.badClientToken }
        return "\(table.id)|\(kind)|\(token.lowercased())"
    }

    static func isUUIDv4(_ s: String) -> Bool {
        let chars = Array(s.lowercased())
        guard chars.count == 36 else { return false }
        for (i, c) in chars.enumerated() {
            switch i {
            case 8, 13, 18, 23: if c != "-" { return false }
            case 14: if c != "4" { return false }
            case 19: if !"89ab".contains(c) { return false }
            default: if !c.isHexDigit { return false }
            }
        }
        return true
    }
}
