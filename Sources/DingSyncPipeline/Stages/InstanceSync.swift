import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore
import Foundation
import Logging

/// One instance id to sync and the process code it belongs to.
public struct WorkItem: Sendable, Equatable, Hashable {
    public var id: String
    public var code: String
    public init(id: String, code: String) {
        self.id = id
        self.code = code
    }
}

/// A stage stopped by `error` after writing what `counts` says: the run still counts those rows.
public struct PartialWrite: Error {
    public var counts: SyncCounts
    public var error: Error
}

/// The stages after "which instances": fetch details → map → diff with the ledger → batch
/// writes → state database. A batch run feeds it the chunks of its windows; `watch` feeds it
/// the instances its events name. Each stage returns what it did (``SyncCounts``).
public final class InstanceSync: @unchecked Sendable {
    let config: Config
    let dingtalk: DingTalkClient
    let feishu: FeishuClient
    let store: StateStore
    let logger: Logger
    let observer: SyncObserver
    public let processor: DataProcessor
    let naming: FieldNaming
    /// Tables where a new key is looked up before its row is created (rows unknown to the ledger exist).
    let keyLookup = KeyLookupPolicy()
    /// The optional main-table columns the table lacks (see `InstanceSync+Shape.swift`).
    let omitted = OmittedColumns()

    public init(
        config: Config, dingtalk: DingTalkClient, feishu: FeishuClient, store: StateStore, logger: Logger,
        observer: SyncObserver = SilentObserver()
    ) {
        self.config = config
        self.dingtalk = dingtalk
        self.feishu = feishu
        self.store = store
        self.logger = logger
        self.observer = observer
        self.processor = DataProcessor(
            options: ProcessorOptions(
                mapping: config.mapping, timeZone: config.sync.timeZone, sla: SLAPolicy(config.sla)))
        self.naming = FieldNaming(config.feishu.fieldNames)
    }

    var mainTable: String { config.feishu.tables.main }
    var actionTable: String? { config.feishu.tables.action.isEmpty ? nil : config.feishu.tables.action }
    var detailTable: String? { config.feishu.tables.detail.isEmpty ? nil : config.feishu.tables.detail }

    /// The table of `kind`; nil for a child table that is not configured.
    func table(_ kind: TableKind) -> String? {
        switch kind {
        case .main: return mainTable
        case .action: return actionTable
        case .detail: return detailTable
        }
    }

    func keyColumn(_ kind: TableKind) -> String {
        switch kind {
        case .main: return naming.column(MainTableColumn.instanceId.rawValue)
        case .action: return naming.column(ActionTableColumn.actionKey.rawValue)
        case .detail: return naming.column(DetailTableColumn.detailKey.rawValue)
        }
    }

    /// The child tables (action, detail) that are configured, in write order.
    var childTables: [(kind: TableKind, table: String)] {
        TableKind.childKinds.compactMap { kind in table(kind).map { (kind, $0) } }
    }

    /// Syncs a few instances to the end (fetch, write, commit): what `watch` does for a batch of events.
    public func sync(_ items: [WorkItem], at now: Date) async throws -> SyncCounts {
        var carry = ChildRowCarry()
        var counts = try await process(items, results: try await fetch(items), at: now, dryRun: false, carry: &carry)
        do {
            counts += try await flush(&carry, final: true, names: nil, at: now)
        } catch let partial as PartialWrite {
            var done = counts
            done += partial.counts
            throw PartialWrite(counts: done, error: partial.error)
        }
        return counts
    }

    /// Maps, diffs and writes one chunk of fetched instances; queues its action rows in `carry`
    /// and commits every instance whose rows are all written.
    func process(
        _ items: [WorkItem], results: [Result<InstanceDetail, Error>], at now: Date, dryRun: Bool,
        carry: inout ChildRowCarry
    ) async throws -> SyncCounts {
        var counts = SyncCounts()
        do {
            try await process(items, results: results, at: now, dryRun: dryRun, carry: &carry, into: &counts)
        } catch {
            throw PartialWrite(counts: counts, error: error)
        }
        return counts
    }

    private func process(
        _ items: [WorkItem], results: [Result<InstanceDetail, Error>], at now: Date, dryRun: Bool,
        carry: inout ChildRowCarry, into counts: inout SyncCounts
    ) async throws {
        var details: [InstanceDetail] = []
        for (item, result) in zip(items, results) {
            switch result {
            case .success(let detail): details.append(detail)
            case .failure(is StopRequested):
                continue  // not fetched: a stop was requested; the next run takes it
            case .failure(let error):
                if let api = error as? APIError, api.stopsRun { throw api }
                try recordFailure(
                    item.id, processCode: item.code, message: error.localizedDescription, at: now, &counts,
                    remember: !dryRun)
            }
        }
        counts.fetched += details.count
        guard !details.isEmpty else { return }

        var names = await resolveNames(details)
        names.templates = try store.resolveTemplateNames(
            codes: Set(details.map(\.processCode)), titles: details.map { ($0.processCode, $0.title) },
            remember: !dryRun)
        let omitted = try await omittedMainColumns()
        let processed = details.map { shaped(processor.process($0, names: names, syncedAt: now), omitting: omitted) }
        for p in processed { for w in p.warnings { logger.warning("\(w)") } }

        // main rows
        let mainLedger = try store.ledger(.main, keys: processed.map(\.main.key))
        let mainDiff = RowDiff.compute(rows: processed.map(\.main), ledger: mainLedger)
        // child rows (actions, detail lines), per instance: rows that vanished are deleted
        var childDiffs: [TableKind: RowDiff] = [:]
        for (kind, _) in childTables {
            let byInstance = try store.childLedger(kind, instanceIds: details.map(\.instanceId))
            let entries = byInstance.values.flatMap { $0 }
            let ledger = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            childDiffs[kind] = RowDiff.compute(
                rows: processed.flatMap { $0.rows(kind) }, ledger: ledger, stale: entries)
        }
        counts.unchanged += mainDiff.unchanged.count
        if dryRun {
            counts.created += mainDiff.create.count
            counts.updated += mainDiff.update.count
            for (kind, diff) in childDiffs {
                counts.add(
                    created: diff.create.count, updated: diff.update.count, deleted: diff.delete.count, kind: kind)
            }
            for row in mainDiff.create {
                observer.wouldWrite(PlannedWrite(action: .create, table: .main, key: row.key))
            }
            for (_, row) in mainDiff.update {
                observer.wouldWrite(PlannedWrite(action: .update, table: .main, key: row.key))
            }
            for (kind, _) in childTables {
                for entry in childDiffs[kind]?.delete ?? [] {
                    observer.wouldWrite(PlannedWrite(action: .delete, table: kind, key: entry.key))
                }
            }
            return
        }

        let mainTally = WriteTally()
        defer { counts.add(mainTally, kind: .main) }
        let mainResult = try await write(mainDiff, table: mainTable, kind: .main, at: now, tally: mainTally)
        let mainByInstance = Dictionary(grouping: mainResult.written, by: \.instanceId)
        var removed: [String: [(kind: TableKind, key: String)]] = [:]
        for (kind, table) in childTables {
            guard let gone = childDiffs[kind]?.delete, !gone.isEmpty else { continue }
            var deletes = RowDiff()
            deletes.delete = gone
            let tally = WriteTally()
            defer { counts.add(tally, kind: kind) }
            _ = try await write(deletes, table: table, kind: kind, at: now, tally: tally)
            for entry in gone { removed[entry.instanceId, default: []].append((kind, entry.key)) }
        }
        // an instance whose main row Feishu refused fails alone (retried next run)
        for (id, message) in mainResult.failed {
            guard let detail = details.first(where: { $0.instanceId == id }) else { continue }
            try recordFailure(id, processCode: detail.processCode, message: message, at: now, &counts)
        }
        // the mirror of an instance (and the end of its failure) is committed once all its rows are written
        let waiting = zip(details, processed).filter { mainResult.failed[$0.0.instanceId] == nil }.map { detail, p in
            InstanceCommit(
                detail: detail, processed: p,
                ledger: (mainByInstance[detail.instanceId] ?? []).map { (TableKind.main, $0) },
                removedKeys: removed[detail.instanceId] ?? [])
        }
        for (kind, diff) in childDiffs { carry.queue(kind, creates: diff.create, updates: diff.update) }
        carry.add(waiting: waiting, names: names)
        try await flush(&carry, final: false, names: nil, at: now, into: &counts)
    }

    /// Writes the full batches of waiting child rows (all of them when `final`), then commits
    /// every instance that has no row left to write.
    func flush(_ carry: inout ChildRowCarry, final: Bool, names: NameLookup?, at now: Date) async throws -> SyncCounts {
        var counts = SyncCounts()
        do {
            try await flush(&carry, final: final, names: names, at: now, into: &counts)
        } catch {
            throw PartialWrite(counts: counts, error: error)
        }
        return counts
    }

    private func flush(
        _ carry: inout ChildRowCarry, final: Bool, names: NameLookup?, at now: Date,
        into counts: inout SyncCounts
    ) async throws {
        carry.add(waiting: [], names: names)
        var refused: [String: String] = [:]
        for (kind, table) in childTables {
            let diff = carry.nextWrite(kind, batchSize: config.sync.batchSize, final: final)
            guard diff.writes > 0 else { continue }
            let tally = WriteTally()
            defer { counts.add(tally, kind: kind) }
            refused.merge(try await write(diff, table: table, kind: kind, at: now, tally: tally).failed) { a, _ in a }
            carry.written(kind, diff)
        }
        // an instance one of whose child rows Feishu refused fails alone: its mirror is not committed
        for dropped in carry.drop(Set(refused.keys)) {
            try recordFailure(
                dropped.detail.instanceId, processCode: dropped.detail.processCode,
                message: refused[dropped.detail.instanceId] ?? "", at: now, &counts)
        }
        let ready = carry.takeReady()
        if !ready.isEmpty { try store.commit(ready, names: carry.names, at: now) }
    }

    /// Records one instance as failed (retried next run) and counts it.
    func recordFailure(
        _ id: String, processCode: String, message: String, at now: Date, _ counts: inout SyncCounts,
        remember: Bool = true
    ) throws {
        logger.warning("instance \(id) (\(processCode)) failed: \(message)")
        counts.failures.append(.init(instanceId: id, processCode: processCode, error: message))
        if remember { try store.recordFailure(instanceId: id, processCode: processCode, error: message, at: now) }
    }

    /// The instance a row belongs to: the main row's key, or a child row's instance_id.
    static func instanceId(of row: BitableRow) -> String {
        if case .text(let id)? = row["instance_id"] { return id }
        return instanceId(forKey: row.key)
    }

    /// The instance of a row key: a main key is the instance id, an action key `instance_id#seq`,
    /// a detail key `instance_id#component_id#row`.
    static func instanceId(forKey key: String) -> String {
        key.split(separator: "#").first.map(String.init) ?? key
    }
}
