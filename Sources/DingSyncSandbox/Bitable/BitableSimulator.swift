import NIOConcurrencyHelpers

/// Counts of one Bitable table as `/__admin/counters` shows them.
struct TableStats: Sendable {
    var calls = 0
    var reads = 0
    var writes = 0
    var conflicts = 0
    var maxConcurrency = 0
}

/// The Bitable part: base, tables, fields, records, tenant tokens, write-conflict occupancy.
///
/// It also keeps the `client_token` replays and the tables' counters. Its state is touched
/// only under `lock`: `handle` takes it for the whole call (so a table's occupancy is checked
/// and taken in one step), `release` when the answer leaves, the admin methods for theirs.
/// While holding it the part calls nothing but the shared envelopes and the sandbox address.
final class BitableSimulator: EnvelopeAnswering, @unchecked Sendable {
    let lock = NIOLock()
    let envelopes: Envelopes
    let identity: SandboxIdentity
    let address: SandboxAddress
    private let options: SandboxOptions

    var base: BitBase
    var mainTableId: String?
    var actionTableId: String?
    /// Tenant tokens and their expiry (sandbox ms); the latest is handed out again.
    var tokens: [String: Int64] = [:]
    var latestToken: String?
    /// Bitable idempotency: key → (canonical body, data answered).
    var clientTokens: [String: (body: String, data: JSONValue)] = [:]
    var tableStats: [String: TableStats] = [:]
    /// Generates table, field, record, option and view ids and tenant tokens.
    var ids: SplitMix64

    /// An empty base; the main and action tables (SPEC §4) unless `options.createTables` is off.
    init(options: SandboxOptions, identity: SandboxIdentity, envelopes: Envelopes, address: SandboxAddress) {
        self.options = options
        self.identity = identity
        self.envelopes = envelopes
        self.address = address
        base = BitBase(appToken: identity.appToken, name: "审批同步")
        ids = BitableSimulator.idGenerator(options.seed)
        createStartTables()
    }

    private static func idGenerator(_ seed: UInt64) -> SplitMix64 { SplitMix64(seed: seed ^ 0x1D5E_ED00_0000_0004) }

    /// The base as it was at start: same ids, empty tables, no tokens (admin reset).
    func reset() {
        lock.withLock {
            base = BitBase(appToken: identity.appToken, name: "审批同步")
            mainTableId = nil
            actionTableId = nil
            tokens = [:]
            latestToken = nil
            clientTokens = [:]
            tableStats = [:]
            ids = BitableSimulator.idGenerator(options.seed)
            createStartTables()
        }
    }

    private func createStartTables() {
        guard options.createTables else { return }
        mainTableId = createSchemaTable(name: "审批实例表", specs: Schema.main).id
        actionTableId = createSchemaTable(name: "审批动作表", specs: Schema.action).id
    }

    /// Creates an empty table with the fields of `specs` (the first one primary).
    private func createSchemaTable(name: String, specs: [Schema.FieldSpec]) -> BitTable {
        let fields = specs.enumerated().map { index, spec in
            var property = spec.property
            if let options = property?["options"]?.arrayValue {
                // options as a field list shows them: with an id and a colour
                property = property?.setting(
                    "options",
                    .array(
                        options.enumerated().map { i, option in
                            .object([
                                ("name", option["name"] ?? ""), ("id", .string(newOptionId())), ("color", .int(i % 55))
                            ])
                        }))
            }
            return BitField(
                id: newFieldId(), name: spec.name, type: spec.type, uiType: BitField.defaultUIType(spec.type) ?? "Text",
                isPrimary: index == 0, property: property, description: nil)
        }
        let table = BitTable(id: newTableId(), name: name, defaultViewId: newViewId(), fields: fields)
        base.tables.append(table)
        return table
    }

    // MARK: Ids (under the lock)

    func newTableId() -> String { "tbl" + ids.alnum(13) }
    func newFieldId() -> String { "fld" + ids.alnum(7) }
    func newRecordId() -> String { "rec" + ids.alnum(11) }
    func newOptionId() -> String { "opt" + ids.alnum(7) }
    func newViewId() -> String { "vew" + ids.alnum(7) }

    /// The main and action tables' ids (nil without tables).
    var tableIds: (main: String?, action: String?) { lock.withLock { (mainTableId, actionTableId) } }

    // MARK: Dispatch

    /// Answers the tenant-token endpoint and every Bitable endpoint.
    func handle(_ ctx: inout CallContext) -> SandboxResponse {
        lock.withLock {
            ctx.endpoint == .fsToken ? feishuToken(&ctx) : bitable(&ctx)
        }
    }

    /// A Bitable call, its error in the Feishu envelope.
    private func bitable(_ ctx: inout CallContext) -> SandboxResponse {
        do {
            return try bitableThrowing(&ctx)
        } catch {
            return feishuError(&ctx, error)
        }
    }

    private func bitableThrowing(_ ctx: inout CallContext) throws(FeishuError) -> SandboxResponse {
        guard ctx.param("app_token") == base.appToken else {
            throw ctx.param("app_token").hasPrefix("bas") || ctx.param("app_token").hasPrefix("app")
                ? FeishuError.baseNotFound : FeishuError(code: 1_254_003, msg: "WrongBaseToken")
        }
        try checkUserIdType(ctx.request.query("user_id_type"))
        try checkBoolQueries(ctx.request)
        switch ctx.endpoint {
        case .fsTablesList: return try listTables(&ctx)
        case .fsTablesCreate: return try createTable(&ctx)
        default: break
        }
        guard let table = base.table(ctx.param("table_id")) else {
            throw ctx.param("table_id").hasPrefix("tbl")
                ? FeishuError.tableNotFound : FeishuError(code: 1_254_004, msg: "WrongTableId")
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
        case .fsViewsList: response = try listViews(&ctx, table)
        case .fsViewsCreate: response = try createView(&ctx, table)
        case .fsViewsGet: response = try getView(&ctx, table)
        case .fsViewsPatch: response = try patchView(&ctx, table)
        case .fsViewsDelete: response = try deleteView(&ctx, table)
        default: throw FeishuError(code: 1_254_001, msg: "WrongRequestBody")
        }
        if ctx.occupancy == .write, ctx.committed {
            ctx.holdMs = ctx.settings.feishuWriteHoldMs
            table.revision += 1
        } else if ctx.occupancy == .read {
            ctx.holdMs = ctx.settings.feishuReadHoldMs
        }
        return response
    }

    // MARK: Occupancy

    /// Registers the call on the table; a write overlapping any other call, or a read
    /// overlapping a write, is a write conflict (1254291).
    private func occupy(_ table: BitTable, _ ctx: inout CallContext) throws(FeishuError) {
        let write = ctx.endpoint.tableAccess == .write
        var stats = tableStats[table.id, default: TableStats()]
        stats.calls += 1
        if write { stats.writes += 1 } else { stats.reads += 1 }
        table.inFlight += 1
        ctx.touchedTable = table
        stats.maxConcurrency = max(stats.maxConcurrency, table.inFlight)
        let conflict = write ? table.activeWrites + table.activeReads > 0 : table.activeWrites > 0
        if conflict {
            stats.conflicts += 1
            tableStats[table.id] = stats
            throw FeishuError.writeConflict
        }
        tableStats[table.id] = stats
        if write {
            table.activeWrites += 1
            ctx.occupancy = .write
        } else {
            table.activeReads += 1
            ctx.occupancy = .read
        }
    }

    /// The call that occupied `table` leaves it: its answer is about to be written.
    ///
    /// Called by the gateway; after an admin reset the table may be an old one (harmless).
    func release(_ table: BitTable, _ occupancy: Endpoint.TableAccess) {
        lock.withLock {
            table.inFlight = max(0, table.inFlight - 1)
            switch occupancy {
            case .write: table.activeWrites = max(0, table.activeWrites - 1)
            case .read: table.activeReads = max(0, table.activeReads - 1)
            case .none: break
            }
        }
    }

    // MARK: Counters

    /// `counters.tables`: per table id, sorted.
    func tableStatsJSON() -> JSONValue {
        lock.withLock {
            .object(
                tableStats.keys.sorted().compactMap { key -> (String, JSONValue)? in
                    guard let s = tableStats[key] else { return nil }
                    return (
                        key,
                        .object([
                            ("calls", .int(s.calls)), ("reads", .int(s.reads)), ("writes", .int(s.writes)),
                            ("conflicts", .int(s.conflicts)), ("max_concurrency", .int(s.maxConcurrency))
                        ])
                    )
                })
        }
    }

    /// `POST /__admin/counters/reset`: the table counters start again.
    func resetTableStats() {
        lock.withLock { tableStats = [:] }
    }
}
