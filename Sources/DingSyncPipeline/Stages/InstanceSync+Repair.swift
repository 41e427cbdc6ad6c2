import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore
import Foundation

extension InstanceSync {
    /// Rows a killed run may have created without storing their record ids: find them by key
    /// (≤ 50 keys per search) and adopt them, so they are updated instead of duplicated.
    func recoverPendingCreates() async throws -> [String] {
        var repairs: [String] = []
        for kind in TableKind.allCases {
            guard let table = table(kind) else { continue }
            let pending = try store.pendingCreates(kind)
            guard !pending.isEmpty else { continue }
            logger.info(
                "\(pending.count) \(kind.rawValue) row(s) may have been created by an interrupted run; looking them up")
            let rows = try await rowsByKey(keys: pending, table: table, kind: kind)
            let found = rows.map { key, row in
                LedgerEntry(key: key, instanceId: Self.instanceId(forKey: key), recordId: row.keep, contentHash: nil)
            }
            let duplicates = rows.values.flatMap(\.extra)
            if !duplicates.isEmpty { try await feishu.batchDelete(table: table, recordIds: duplicates) }
            try store.resolvePendingCreates(kind, found: found, at: Date())
            if !found.isEmpty {
                repairs.append("adopted \(found.count) \(kind.rawValue) row(s) created by an interrupted run")
            }
            if !duplicates.isEmpty { repairs.append("removed \(duplicates.count) duplicate \(kind.rawValue) row(s)") }
        }
        return repairs
    }

    /// `--full-check`: compares every Bitable row with the state database and repairs the
    /// difference — rows deleted by hand are recreated, edited ones restored, duplicates of a
    /// key removed (the oldest kept), missing action rows recreated. Returns the repairs and the
    /// tables' counts of rows whose key dingsync does not know.
    func reconcile(at now: Date, dryRun: Bool) async throws -> (counts: SyncCounts, unknown: [TableKind: Int]) {
        // names as they are now: the cache and what this run learnt (a name learnt in this run
        // must not be "restored" to the user id the old cache had)
        let cached = try store.names()
        let learnt = await dingtalk.learntNames()
        let templates = try store.templateNames()
        let names = NameLookup(
            users: cached.users.merging(learnt.users) { $1 },
            departments: cached.departments.merging(learnt.departments) { $1 }, templates: templates)
        let omitted = try await omittedMainColumns()
        var counts = SyncCounts()
        var unknown: [TableKind: Int] = [:]
        for kind in TableKind.allCases {
            guard let table = table(kind) else { continue }
            let records = try await feishu.searchRecords(table: table, automaticFields: true)
            var expectedCache: [String: [String: BitableRow]] = [:]
            let plan = try RepairPlan.make(
                kind: kind, records: records, ledger: try store.allLedger(kind), keyColumn: keyColumn(kind),
                column: naming.column
            ) { entry in
                if expectedCache[entry.instanceId] == nil {
                    guard let detail = try store.mirroredDetail(entry.instanceId) else { return nil }
                    let p = shaped(processor.process(detail, names: names, syncedAt: now), omitting: omitted)
                    expectedCache[entry.instanceId] = Dictionary(
                        p.rows(kind).map { ($0.key, $0) },
                        uniquingKeysWith: { a, _ in a })
                }
                return expectedCache[entry.instanceId]?[entry.key]
            }
            counts.repairs += plan.repairs
            if plan.unknown > 0 { unknown[kind] = plan.unknown }
            guard !dryRun else { continue }
            if !plan.adopted.isEmpty { try store.recordWritten(kind, plan.adopted, at: now) }
            if !plan.deletes.isEmpty { try await feishu.batchDelete(table: table, recordIds: plan.deletes) }
            var diff = RowDiff()
            diff.create = plan.creates
            diff.update = plan.updates
            // repairs are listed, not counted as sync writes
            _ = try await write(diff, table: table, kind: kind, at: now)
        }
        logger.info("full check: \(counts.repairs.count) repair(s)")
        return (counts, unknown)
    }
}
