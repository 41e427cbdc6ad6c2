import Foundation

extension SyncPipeline {
    /// Maps, diffs and writes one chunk of fetched instances, then commits it to the state database.
    func processChunk(_ chunk: [(id: String, code: String)], results: [Result<InstanceDetail, Error>], request: Request,
                      carry: inout ActionCarry, _ summary: inout RunSummary) async throws {
        var details: [InstanceDetail] = []
        for (item, result) in zip(chunk, results) {
            switch result {
            case .success(let detail): details.append(detail)
            case .failure(let error):
                if let api = error as? APIError, api.stopsRun { throw api }
                let message = error.localizedDescription
                logger.warning("instance \(item.id) (\(item.code)) failed: \(message)")
                summary.failed += 1
                summary.failures.append((item.id, message))
                if !request.dryRun { try store.recordFailure(instanceId: item.id, processCode: item.code, error: message, at: request.now) }
            }
        }
        summary.fetched += details.count
        guard !details.isEmpty else { return }

        let names = await resolveNames(details)
        let processed = details.map { processor.process($0, names: names, syncedAt: request.now) }
        for p in processed { for w in p.warnings { logger.warning("\(w)") } }

        // main rows
        let mainLedger = try store.ledger(.main, keys: processed.map(\.main.key))
        let mainDiff = RowDiff.compute(rows: processed.map(\.main), ledger: mainLedger)
        // action rows, per instance: removed records delete their rows
        var actionDiff = RowDiff()
        if actionTable != nil {
            let actionLedger = try store.actionLedger(instanceIds: details.map(\.instanceId))
            let rows = processed.flatMap(\.actions)
            let ledger = Dictionary(actionLedger.values.flatMap { $0 }.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            actionDiff = RowDiff.compute(rows: rows, ledger: ledger, stale: actionLedger.values.flatMap { $0 })
        }
        summary.unchanged += mainDiff.unchanged.count
        if request.dryRun {
            summary.created += mainDiff.create.count
            summary.updated += mainDiff.update.count
            summary.actionsCreated += actionDiff.create.count
            summary.actionsUpdated += actionDiff.update.count
            summary.actionsDeleted += actionDiff.delete.count
            for row in mainDiff.create { print("would create \(row.key)") }
            for (_, row) in mainDiff.update { print("would update \(row.key)") }
            for entry in actionDiff.delete { print("would delete action \(entry.key)") }
            return
        }

        let written = try await write(mainDiff, table: mainTable, kind: .main, at: request.now)
        summary.created += mainDiff.create.count
        summary.updated += mainDiff.update.count
        let mainByInstance = Dictionary(grouping: written, by: \.instanceId)
        let deleted = Dictionary(grouping: actionDiff.delete, by: \.instanceId)
        if let actionTable, !actionDiff.delete.isEmpty {
            var deletes = RowDiff()
            deletes.delete = actionDiff.delete
            _ = try await write(deletes, table: actionTable, kind: .action, at: request.now)
            summary.actionsDeleted += actionDiff.delete.count
        }
        // the mirror of an instance (and the end of its failure) is committed once all its rows are written
        carry.create += actionDiff.create
        carry.update += actionDiff.update
        carry.waiting += zip(details, processed).map { detail, p in
            InstanceCommit(detail: detail, processed: p, ledger: (mainByInstance[detail.instanceId] ?? []).map { (TableKind.main, $0) },
                           removedActionKeys: (deleted[detail.instanceId] ?? []).map(\.key))
        }
        try await flushActions(&carry, final: false, names: names, at: request.now, &summary)
    }

    /// Action rows waiting for a full batch, and the instances whose mirror waits for them.
    struct ActionCarry: Sendable {
        var create: [BitableRow] = []
        var update: [(entry: LedgerEntry, row: BitableRow)] = []
        var waiting: [InstanceCommit] = []
        var names = NameLookup()
    }

    /// Writes the full batches of waiting action rows (all of them when `final`), so that action
    /// rows go out in batches of `sync.batch_size` across chunks, then commits every instance
    /// that has no row left to write.
    func flushActions(_ carry: inout ActionCarry, final: Bool, names: NameLookup?, at now: Date, _ summary: inout RunSummary) async throws {
        if let names {
            carry.names.users.merge(names.users) { $1 }
            carry.names.departments.merge(names.departments) { $1 }
        }
        if let actionTable {
            let batch = config.sync.batchSize
            var diff = RowDiff()
            let creates = final ? carry.create.count : carry.create.count / batch * batch
            let updates = final ? carry.update.count : carry.update.count / batch * batch
            diff.create = Array(carry.create.prefix(creates))
            diff.update = Array(carry.update.prefix(updates))
            if diff.writes > 0 {
                _ = try await write(diff, table: actionTable, kind: .action, at: now)
                carry.create.removeFirst(creates)
                carry.update.removeFirst(updates)
                summary.actionsCreated += creates
                summary.actionsUpdated += updates
            }
        }
        let outstanding = Set(carry.create.map(Self.instanceId(of:)) + carry.update.map(\.entry.instanceId))
        let ready = carry.waiting.filter { !outstanding.contains($0.detail.instanceId) }
        guard !ready.isEmpty else { return }
        try store.commit(ready, names: carry.names, at: now)
        carry.waiting.removeAll { !outstanding.contains($0.detail.instanceId) }
    }

    /// Creates, updates and deletes one table's rows; returns the ledger entries written.
    /// Creates are journaled as pending first, so a crash cannot leave an unknown duplicate.
    func write(_ diff: RowDiff, table: String, kind: TableKind, at now: Date) async throws -> [LedgerEntry] {
        var written: [LedgerEntry] = []
        if !diff.create.isEmpty {
            try store.markPendingCreates(kind, keys: diff.create.map(\.key), table: table, at: now)
            let rows = diff.create
            // keys and hashes once per row; the record id arrives with each chunk
            let partial = rows.map { (key: $0.key, instanceId: Self.instanceId(of: $0), hash: $0.contentHash) }
            let store = self.store
            let ids = try await feishu.batchCreate(table: table, records: rows.map(naming.encode)) { range, ids in
                let entries = zip(partial[range], ids).map { LedgerEntry(key: $0.key, instanceId: $0.instanceId, recordId: $1, contentHash: $0.hash) }
                try store.recordWritten(kind, entries, at: now)
            }
            written += zip(partial, ids).map { LedgerEntry(key: $0.key, instanceId: $0.instanceId, recordId: $1, contentHash: $0.hash) }
        }
        if !diff.update.isEmpty {
            let entries = diff.update.map {
                LedgerEntry(key: $0.row.key, instanceId: $0.entry.instanceId, recordId: $0.entry.recordId, contentHash: $0.row.contentHash)
            }
            let store = self.store
            try await feishu.batchUpdate(table: table, records: diff.update.map { ($0.entry.recordId, naming.encode($0.row)) }) { range in
                try store.recordWritten(kind, Array(entries[range]), at: now)
            }
            written += entries
        }
        if !diff.delete.isEmpty {
            try await feishu.batchDelete(table: table, recordIds: diff.delete.map(\.recordId))
            try store.removeLedger(kind, keys: diff.delete.map(\.key))
        }
        return written
    }

    /// The instance a row belongs to: the main row's key, or the action row's instance_id.
    static func instanceId(of row: BitableRow) -> String {
        if case .text(let id)? = row["instance_id"] { return id }
        return instanceId(forKey: row.key)
    }

    /// The instance of a row key: a main key is the instance id, an action key `instance_id#seq`.
    static func instanceId(forKey key: String) -> String {
        key.split(separator: "#").first.map(String.init) ?? key
    }

    /// Details of a chunk, fetched concurrently (the client's rate limiter keeps them ≤ qps).
    func fetchDetails(_ chunk: [(id: String, code: String)]) async throws -> [Result<InstanceDetail, Error>] {
        let width = max(1, min(config.dingtalk.qps, 32))
        return try await withThrowingTaskGroup(of: (Int, Result<InstanceDetail, Error>).self) { group in
            var results = [Result<InstanceDetail, Error>?](repeating: nil, count: chunk.count)
            var next = 0
            func add() {
                guard next < chunk.count else { return }
                let index = next, item = chunk[next]
                next += 1
                group.addTask { [dingtalk] in
                    do {
                        return (index, .success(try await dingtalk.instanceDetail(id: item.id, processCode: item.code)))
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<width { add() }
            while let (index, result) = try await group.next() {
                results[index] = result
                add()
            }
            return results.map { $0 ?? .failure(CancellationError()) }
        }
    }

    /// Names of every user and department a chunk mentions (cached; unknown users keep their id).
    func resolveNames(_ details: [InstanceDetail]) async -> NameLookup {
        var userIds = Set<String>()
        var needRoot = false
        for d in details {
            userIds.insert(d.originatorUserId)
            for r in d.operationRecords { userIds.insert(r.userId) }
            for t in d.tasks { userIds.insert(t.userId) }
            if d.originatorDeptId == "-1" { needRoot = true }
        }
        userIds.remove("")
        var users: [String: String] = [:]
        await withTaskGroup(of: (String, String?).self) { group in
            for id in userIds { group.addTask { [dingtalk] in (id, await dingtalk.userName(id)) } }
            for await (id, name) in group { if let name { users[id] = name } }
        }
        var departments: [String: String] = [:]
        if needRoot, let root = await dingtalk.departmentName("-1") { departments[DingTalkClient.rootDepartmentId] = root }
        return NameLookup(users: users, departments: departments)
    }
}
