import Foundation
import DingSyncBasics
import DingSyncProcessing
import DingSyncStore
import DingSyncClients

extension SyncPipeline {
    /// Maps, diffs and writes one chunk of fetched instances, then commits it to the state database.
    func processChunk(_ chunk: [(id: String, code: String)], results: [Result<InstanceDetail, Error>], request: Request,
                      carry: inout ActionCarry, _ summary: inout RunSummary) async throws {
        var details: [InstanceDetail] = []
        for (item, result) in zip(chunk, results) {
            switch result {
            case .success(let detail): details.append(detail)
            case .failure(is StopRequested):
                continue   // not fetched: a stop was requested; the next run takes it
            case .failure(let error):
                if let api = error as? APIError, api.stopsRun { throw api }
                try recordFailure(item.id, processCode: item.code, message: error.localizedDescription, at: request.now, &summary,
                                  store: !request.dryRun)
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
            for row in mainDiff.create { observer.wouldWrite(PlannedWrite(action: .create, table: .main, key: row.key)) }
            for (_, row) in mainDiff.update { observer.wouldWrite(PlannedWrite(action: .update, table: .main, key: row.key)) }
            for entry in actionDiff.delete { observer.wouldWrite(PlannedWrite(action: .delete, table: .action, key: entry.key)) }
            return
        }

        let mainTally = WriteTally()
        defer { summary.count(mainTally, kind: .main) }
        let mainResult = try await write(mainDiff, table: mainTable, kind: .main, at: request.now, tally: mainTally)
        let mainByInstance = Dictionary(grouping: mainResult.written, by: \.instanceId)
        let deleted = Dictionary(grouping: actionDiff.delete, by: \.instanceId)
        if let actionTable, !actionDiff.delete.isEmpty {
            var deletes = RowDiff()
            deletes.delete = actionDiff.delete
            let tally = WriteTally()
            defer { summary.count(tally, kind: .action) }
            _ = try await write(deletes, table: actionTable, kind: .action, at: request.now, tally: tally)
        }
        // an instance whose main row Feishu refused fails alone (retried next run)
        for (id, message) in mainResult.failed {
            guard let detail = details.first(where: { $0.instanceId == id }) else { continue }
            try recordFailure(id, processCode: detail.processCode, message: message, at: request.now, &summary)
        }
        // the mirror of an instance (and the end of its failure) is committed once all its rows are written
        carry.create += actionDiff.create
        carry.update += actionDiff.update
        carry.waiting += zip(details, processed).filter { mainResult.failed[$0.0.instanceId] == nil }.map { detail, p in
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
        var refused: [String: String] = [:]
        if let actionTable {
            let batch = config.sync.batchSize
            var diff = RowDiff()
            let creates = final ? carry.create.count : carry.create.count / batch * batch
            let updates = final ? carry.update.count : carry.update.count / batch * batch
            diff.create = Array(carry.create.prefix(creates))
            diff.update = Array(carry.update.prefix(updates))
            if diff.writes > 0 {
                let tally = WriteTally()
                defer { summary.count(tally, kind: .action) }
                let result = try await write(diff, table: actionTable, kind: .action, at: now, tally: tally)
                carry.create.removeFirst(creates)
                carry.update.removeFirst(updates)
                refused = result.failed
            }
        }
        // an instance one of whose action rows Feishu refused fails alone: its mirror is not committed
        for (id, message) in refused {
            guard let waiting = carry.waiting.first(where: { $0.detail.instanceId == id }) else { continue }
            try recordFailure(id, processCode: waiting.detail.processCode, message: message, at: now, &summary)
        }
        carry.waiting.removeAll { refused[$0.detail.instanceId] != nil }
        let outstanding = Set(carry.create.map(Self.instanceId(of:)) + carry.update.map(\.entry.instanceId))
        let ready = carry.waiting.filter { !outstanding.contains($0.detail.instanceId) }
        guard !ready.isEmpty else { return }
        try store.commit(ready, names: carry.names, at: now)
        carry.waiting.removeAll { !outstanding.contains($0.detail.instanceId) }
    }

    /// Records one instance as failed (retried next run) and counts it.
    func recordFailure(_ id: String, processCode: String, message: String, at now: Date, _ summary: inout RunSummary,
                       store remember: Bool = true) throws {
        logger.warning("instance \(id) (\(processCode)) failed: \(message)")
        summary.failed += 1
        summary.failures.append((id, message))
        if remember { try store.recordFailure(instanceId: id, processCode: processCode, error: message, at: now) }
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
    /// Once `stop` is requested no new fetch starts; the instances not fetched are left for the next run.
    func fetchDetails(_ chunk: [(id: String, code: String)], stop: StopSignal? = nil) async throws -> [Result<InstanceDetail, Error>] {
        let width = max(1, min(config.dingtalk.qps, 32))
        return try await withThrowingTaskGroup(of: (Int, Result<InstanceDetail, Error>).self) { group in
            var results = [Result<InstanceDetail, Error>?](repeating: nil, count: chunk.count)
            var next = 0
            func add() {
                guard next < chunk.count, stop?.isRequested != true else { return }
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
            return results.map { $0 ?? .failure(StopRequested()) }
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
