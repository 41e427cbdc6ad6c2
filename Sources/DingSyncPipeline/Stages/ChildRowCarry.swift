import DingSyncProcessing
import DingSyncStore
import Foundation

/// Child-table rows (action and detail lines) waiting for a full batch, and the instances
/// whose mirror waits for them. Pure.
///
/// Child rows go out in batches of `sync.batch_size` across chunks (a chunk of 200 instances
/// has ~1,000 action rows, rarely a round number), so that Feishu calls stay at their floor;
/// an instance's mirror (and the end of its failure) is committed only once every one of its
/// rows in every table is written, so that a crash in between rewrites them rather than losing them.
public struct ChildRowCarry: Sendable {
    public private(set) var creates: [TableKind: [BitableRow]] = [:]
    public private(set) var updates: [TableKind: [(entry: LedgerEntry, row: BitableRow)]] = [:]
    public private(set) var waiting: [InstanceCommit] = []
    public private(set) var names = NameLookup()

    public init() {}

    /// Queues a chunk's rows of one child table.
    public mutating func queue(
        _ kind: TableKind, creates: [BitableRow], updates: [(entry: LedgerEntry, row: BitableRow)]
    ) {
        self.creates[kind, default: []] += creates
        self.updates[kind, default: []] += updates
    }

    /// Queues the instances of a chunk (committed once their queued rows are written) and the
    /// names learnt for them.
    public mutating func add(waiting: [InstanceCommit], names: NameLookup?) {
        self.waiting += waiting
        if let names {
            self.names.users.merge(names.users) { $1 }
            self.names.departments.merge(names.departments) { $1 }
        }
    }

    /// The rows of `kind` to write now: whole batches of `batchSize` only, or everything when `final`.
    public func nextWrite(_ kind: TableKind, batchSize: Int, final: Bool) -> RowDiff {
        let batch = max(1, batchSize)
        let creates = self.creates[kind] ?? []
        let updates = self.updates[kind] ?? []
        var diff = RowDiff()
        diff.create = Array(creates.prefix(final ? creates.count : creates.count / batch * batch))
        diff.update = Array(updates.prefix(final ? updates.count : updates.count / batch * batch))
        return diff
    }

    /// Marks the rows of `diff` (a ``nextWrite(_:batchSize:final:)`` of `kind`) as written.
    public mutating func written(_ kind: TableKind, _ diff: RowDiff) {
        let created = min(diff.create.count, creates[kind]?.count ?? 0)
        let updated = min(diff.update.count, updates[kind]?.count ?? 0)
        creates[kind]?.removeFirst(created)
        updates[kind]?.removeFirst(updated)
    }

    /// Drops instances one of whose rows Feishu refused: they fail alone, their mirror is not
    /// committed (their other rows stay in the ledger and are not rewritten).
    public mutating func drop(_ instanceIds: Set<String>) -> [InstanceCommit] {
        let dropped = waiting.filter { instanceIds.contains($0.detail.instanceId) }
        waiting.removeAll { instanceIds.contains($0.detail.instanceId) }
        return dropped
    }

    /// Instances with no row left to write in any child table: removed from the carry, to be committed.
    public mutating func takeReady() -> [InstanceCommit] {
        let outstanding = Set(
            creates.values.joined().map(InstanceSync.instanceId(of:)) + updates.values.joined().map(\.entry.instanceId))
        let ready = waiting.filter { !outstanding.contains($0.detail.instanceId) }
        waiting.removeAll { !outstanding.contains($0.detail.instanceId) }
        return ready
    }
}

extension ProcessedInstance {
    /// The rows of one table.
    public func rows(_ kind: TableKind) -> [BitableRow] {
        switch kind {
        case .main: return [main]
        case .action: return actions
        case .detail: return details
        }
    }
}
