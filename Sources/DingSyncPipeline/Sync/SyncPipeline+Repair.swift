import Foundation
import DingSyncBasics
import DingSyncProcessing
import DingSyncStore
import DingSyncClients

extension SyncPipeline {
    func keyColumn(_ kind: TableKind) -> String {
        naming.column(kind == .main ? MainTableColumn.instanceId.rawValue : ActionTableColumn.actionKey.rawValue)
    }

    func table(_ kind: TableKind) -> String? { kind == .main ? mainTable : actionTable }

    /// Rows a killed run may have created without storing their record ids: find them by key
    /// (≤ 50 keys per search) and adopt them, so they are updated instead of duplicated.
    func recoverPendingCreates(_ summary: inout RunSummary) async throws {
        for kind in TableKind.allCases {
            guard let table = table(kind) else { continue }
            let pending = try store.pendingCreates(kind)
            guard !pending.isEmpty else { continue }
            logger.info("\(pending.count) \(kind.rawValue) row(s) may have been created by an interrupted run; looking them up")
            var found: [LedgerEntry] = []
            var duplicates: [String] = []
            for group in pending.chunked(50) {
                let records = try await feishu.searchRecords(table: table, fieldNames: [keyColumn(kind)],
                                                             filter: .anyOf(field: keyColumn(kind), values: Array(group)), automaticFields: true)
                for (key, matches) in Dictionary(grouping: records, by: { $0.fields[keyColumn(kind)] ?? "" }) where !key.isEmpty {
                    guard let oldest = FeishuRecord.oldest(matches) else { continue }
                    found.append(LedgerEntry(key: key, instanceId: Self.instanceId(forKey: key), recordId: oldest.recordId, contentHash: nil))
                    duplicates += matches.filter { $0.recordId != oldest.recordId }.map(\.recordId)
                }
            }
            if !duplicates.isEmpty { try await feishu.batchDelete(table: table, recordIds: duplicates) }
            try store.resolvePendingCreates(kind, found: found, at: Date())
            if !found.isEmpty { summary.repairs.append("adopted \(found.count) \(kind.rawValue) row(s) created by an interrupted run") }
            if !duplicates.isEmpty { summary.repairs.append("removed \(duplicates.count) duplicate \(kind.rawValue) row(s)") }
        }
    }

    /// `--full-check`: compares every Bitable row with the state database and repairs the
    /// difference — rows deleted by hand are recreated, edited ones restored, duplicates of a
    /// key removed, missing action rows recreated. Each repair is reported.
    func reconcile(_ request: Request, _ summary: inout RunSummary) async throws {
        // names as they are now: the cache and what this run learnt (a name learnt in this run
        // must not be "restored" to the user id the old cache had)
        let cached = try store.names()
        let learnt = await dingtalk.learntNames()
        let names = NameLookup(users: cached.users.merging(learnt.users) { $1 },
                               departments: cached.departments.merging(learnt.departments) { $1 })
        for kind in TableKind.allCases {
            guard let table = table(kind) else { continue }
            let records = try await feishu.searchRecords(table: table, automaticFields: true)
            let ledger = try store.allLedger(kind)
            let byKey = Dictionary(grouping: records, by: { $0.fields[keyColumn(kind)] ?? "" })
            let ledgerByKey = Dictionary(ledger.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            var deletes: [String] = []
            var updates: [(entry: LedgerEntry, row: BitableRow)] = []
            var creates: [BitableRow] = []
            var adopted: [LedgerEntry] = []
            var expectedCache: [String: [String: BitableRow]] = [:]
            func expected(_ entry: LedgerEntry) throws -> BitableRow? {
                if expectedCache[entry.instanceId] == nil {
                    guard let detail = try store.mirroredDetail(entry.instanceId) else { return nil }
                    let p = processor.process(detail, names: names, syncedAt: request.now)
                    expectedCache[entry.instanceId] = Dictionary((kind == .main ? [p.main] : p.actions).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
                }
                return expectedCache[entry.instanceId]?[entry.key]
            }
            var unknown = 0
            for (key, matches) in byKey {
                guard !key.isEmpty, let entry = ledgerByKey[key] else { unknown += matches.count; continue }
                // several rows for one key: keep the oldest (people's comments and links are on it)
                guard let keep = FeishuRecord.oldest(matches) else { continue }
                let extra = matches.filter { $0.recordId != keep.recordId }
                if !extra.isEmpty {
                    deletes += extra.map(\.recordId)
                    summary.repairs.append("\(kind.rawValue) \(key): removed \(extra.count) duplicate row(s), kept the oldest")
                }
                var current = entry
                if keep.recordId != entry.recordId {
                    current.recordId = keep.recordId
                    adopted.append(current)
                }
                guard let row = try expected(entry) else { continue }
                let edited = row.fields.filter { $0.name != MainTableColumn.syncedAt.rawValue }
                    .filter { !ValueComparison.matches($0.value, keep.fields[naming.column($0.name)]) }.map(\.name)
                if !edited.isEmpty {
                    updates.append((current, row))
                    summary.repairs.append("\(kind.rawValue) \(key): restored \(edited.joined(separator: ", ")) (edited in Bitable)")
                }
            }
            for entry in ledger where byKey[entry.key] == nil {
                guard let row = try expected(entry) else { continue }
                creates.append(row)
                summary.repairs.append("\(kind.rawValue) \(entry.key): recreated (deleted in Bitable)")
            }
            if unknown > 0 { summary.warnings.append("\(kind.rawValue) table: \(unknown) row(s) whose key dingsync does not know were left alone") }
            guard !request.dryRun else { continue }
            if !adopted.isEmpty { try store.recordWritten(kind, adopted, at: request.now) }
            if !deletes.isEmpty { try await feishu.batchDelete(table: table, recordIds: deletes) }
            var diff = RowDiff()
            diff.create = creates
            diff.update = updates
            _ = try await write(diff, table: table, kind: kind, at: request.now)
        }
        logger.info("full check: \(summary.repairs.count) repair(s)")
    }
}

/// Compares a value we wrote with what Bitable returns (flattened text). Pure.
public enum ValueComparison {
    public static func matches(_ expected: FieldValue, _ actual: String?) -> Bool {
        switch expected {
        case .empty:
            return actual == nil || actual == ""
        case .text(let text):
            return actual == text
        case .datetime(let ms):
            return actual.flatMap { Int64($0) ?? Double($0).map { Int64($0) } } == ms
        case .number(let number):
            guard let actual, let value = Double(actual) else { return false }
            let wanted = NSDecimalNumber(decimal: number).doubleValue
            return abs(value - wanted) <= 1e-9 * max(1, abs(wanted))
        }
    }
}
