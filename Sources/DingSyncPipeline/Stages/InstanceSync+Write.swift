import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore
import Foundation

/// What one table write did: ledger entries written, rows counted as they went out, and the
/// instances one of whose rows Feishu refused (they fail alone and are retried next run).
struct WriteResult: Sendable {
    var written: [LedgerEntry] = []
    /// instance id → why a row of it could not be written.
    var failed: [String: String] = [:]
    /// Keys adopted from rows found in Bitable (not created again).
    var adopted = 0
}

/// Rows created / updated / deleted so far in one write, counted call by call so that a
/// later failure does not hide what earlier calls already wrote.
final class WriteTally: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = (created: 0, updated: 0, deleted: 0)

    func add(created: Int = 0, updated: Int = 0, deleted: Int = 0) {
        lock.lock()
        counts.created += created
        counts.updated += updated
        counts.deleted += deleted
        lock.unlock()
    }

    var snapshot: (created: Int, updated: Int, deleted: Int) {
        lock.lock()
        defer { lock.unlock() }
        return counts
    }
}

/// Per table: whether rows unknown to the ledger may exist in Bitable (a lost, emptied or
/// older state database), so that a key is looked up before its row is created.
final class KeyLookupPolicy: @unchecked Sendable {
    private let lock = NSLock()
    private var tables = Set<TableKind>()

    func set(_ kind: TableKind, _ on: Bool) {
        lock.lock()
        if on { tables.insert(kind) } else { tables.remove(kind) }
        lock.unlock()
    }

    func needsLookup(_ kind: TableKind) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return tables.contains(kind)
    }
}

extension InstanceSync {
    /// Decides, per table, whether new keys must be looked up in Bitable before they are
    /// created: when the table holds more rows than the ledger knows. One search call per table.
    func checkUnknownRows() async throws {
        for kind in TableKind.allCases {
            guard let table = table(kind) else { continue }
            let total = try await feishu.countRecords(table: table, keyField: keyColumn(kind))
            let known = try store.ledgerCount(kind)
            let lookup = total > known
            keyLookup.set(kind, lookup)
            if lookup {
                let note =
                    "\(kind.rawValue) table \(table) holds \(total) row(s), the state database knows \(known): "
                    + "new keys are looked up in Bitable and existing rows adopted, not duplicated"
                logger.notice("\(note)")
            }
        }
    }

    /// Creates, updates and deletes one table's rows; returns the ledger entries written and
    /// the instances whose rows Feishu refused.
    ///
    /// - Creates are journaled as pending first, so a crash cannot leave an unknown duplicate;
    ///   with ``KeyLookupPolicy`` on (or for rows whose record was deleted by hand) each key is
    ///   first looked up and an existing row adopted (the oldest of several).
    /// - An update whose record was deleted in Bitable drops the stale record id and recreates
    ///   the row (or adopts one found by key) in the same run.
    /// - A delete of a record already gone counts as done.
    func write(
        _ diff: RowDiff, table: String, kind: TableKind, at now: Date, lookup: Bool? = nil,
        tally: WriteTally = WriteTally()
    ) async throws -> WriteResult {
        var result = WriteResult()
        var creates = diff.create
        var updates = diff.update
        if !creates.isEmpty, lookup ?? keyLookup.needsLookup(kind) {
            let found = try await existingRecords(keys: creates.map(\.key), table: table, kind: kind)
            if !found.isEmpty {
                result.adopted += found.count
                logger.info(
                    "\(kind.rawValue): adopting \(found.count) row(s) found in Bitable by key instead of creating them")
                updates += creates.compactMap { row in
                    found[row.key].map {
                        (
                            LedgerEntry(
                                key: row.key, instanceId: Self.instanceId(of: row), recordId: $0, contentHash: nil), row
                        )
                    }
                }
                creates.removeAll { found[$0.key] != nil }
            }
        }
        if !creates.isEmpty {
            try store.markPendingCreates(kind, keys: creates.map(\.key), table: table, at: now)
            // keys and hashes once per row; the record id arrives with each call
            let partial = creates.map { (key: $0.key, instanceId: Self.instanceId(of: $0), hash: $0.contentHash) }
            let store = self.store
            let outcome = try await feishu.batchCreate(table: table, records: creates.map(naming.encode)) { pairs in
                let entries = pairs.map {
                    LedgerEntry(
                        key: partial[$0.index].key, instanceId: partial[$0.index].instanceId,
                        recordId: $0.recordId, contentHash: partial[$0.index].hash)
                }
                try store.recordWritten(kind, entries, at: now)
                tally.add(created: entries.count)
            }
            for (index, id) in outcome.recordIds.enumerated() {
                guard let id else { continue }
                result.written.append(
                    LedgerEntry(
                        key: partial[index].key, instanceId: partial[index].instanceId, recordId: id,
                        contentHash: partial[index].hash))
            }
            try refuse(outcome.rejected, keys: partial.map(\.key), kind: kind, into: &result)
        }
        if !updates.isEmpty {
            let entries = updates.map {
                LedgerEntry(
                    key: $0.row.key, instanceId: $0.entry.instanceId, recordId: $0.entry.recordId,
                    contentHash: $0.row.contentHash)
            }
            let store = self.store
            let outcome = try await feishu.batchUpdate(
                table: table, records: updates.map { ($0.entry.recordId, naming.encode($0.row)) }
            ) { indices in
                try store.recordWritten(kind, indices.map { entries[$0] }, at: now)
                tally.add(updated: indices.count)
            }
            let skipped = Set(outcome.absent).union(outcome.rejected.keys)
            result.written += entries.indices.filter { !skipped.contains($0) }.map { entries[$0] }
            try refuse(outcome.rejected, keys: entries.map(\.key), kind: kind, into: &result)
            if !outcome.absent.isEmpty {
                // deleted in Bitable: forget the stale record id, then adopt a row with the key or recreate it
                let gone = outcome.absent.map { updates[$0].row }
                try store.removeLedger(kind, keys: gone.map(\.key))
                logger.notice("\(kind.rawValue): \(gone.count) row(s) were deleted in Bitable; recreating them")
                var recreate = RowDiff()
                recreate.create = gone
                let again = try await write(recreate, table: table, kind: kind, at: now, lookup: true, tally: tally)
                result.written += again.written
                result.failed.merge(again.failed) { a, _ in a }
                result.adopted += again.adopted
            }
        }
        if !diff.delete.isEmpty {
            let gone = try await feishu.batchDelete(table: table, recordIds: diff.delete.map(\.recordId))
            try store.removeLedger(kind, keys: diff.delete.map(\.key))
            tally.add(deleted: diff.delete.count - gone.count)
        }
        return result
    }

    /// Records rows Feishu refused: their instances fail alone; nothing was created for them.
    private func refuse(_ rejected: [Int: APIError], keys: [String], kind: TableKind, into result: inout WriteResult)
        throws
    {
        guard !rejected.isEmpty else { return }
        try store.clearPendingCreates(kind, keys: rejected.keys.map { keys[$0] })
        for (index, error) in rejected {
            let message = "\(kind.rawValue) row \(keys[index]) refused by Feishu: \(error.code) \(error.message)"
            logger.warning("\(message)")
            result.failed[Self.instanceId(forKey: keys[index])] = message
        }
    }

    /// Record ids of rows that already exist in Bitable for these keys (the oldest when a key
    /// has several), ≤ 50 keys per search call.
    func existingRecords(keys: [String], table: String, kind: TableKind) async throws -> [String: String] {
        try await rowsByKey(keys: keys, table: table, kind: kind).mapValues(\.keep)
    }

    /// For each of `keys` found in Bitable: the record to keep (the oldest) and any other
    /// records with the same key (duplicates), ≤ 50 keys per search call.
    func rowsByKey(keys: [String], table: String, kind: TableKind) async throws
        -> [String: (keep: String, extra: [String])]
    {
        var found: [String: (keep: String, extra: [String])] = [:]
        let column = keyColumn(kind)
        for group in keys.chunked(50) {
            let records = try await feishu.searchRecords(
                table: table, fieldNames: [column], filter: .anyOf(field: column, values: Array(group)),
                automaticFields: true)
            for (key, matches) in Dictionary(grouping: records, by: { $0.fields[column] ?? "" }) where !key.isEmpty {
                guard let oldest = FeishuRecord.oldest(matches) else { continue }
                found[key] = (oldest.recordId, matches.filter { $0.recordId != oldest.recordId }.map(\.recordId))
            }
        }
        return found
    }
}
