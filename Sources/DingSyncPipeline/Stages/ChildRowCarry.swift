import DingSyncProcessing
import DingSyncStore
import Foundation

/// Action rows waiting for a full batch, and the instances whose mirror waits for them. Pure.
///
/// Action rows go out in batches of `sync.batch_size` across chunks (a chunk of 200 instances
/// has ~1,000 of them, rarely a round number), so that Feishu calls stay at their floor; an
/// instance's mirror (and the end of its failure) is committed only once every one of its
/// rows is written, so that a crash in between rewrites them rather than losing them.
public struct ActionCarry: Sendable {
    public private(set) var creates: [BitableRow] = []
    public private(set) var updates: [(entry: LedgerEntry, row: BitableRow)] = []
    public private(set) var waiting: [InstanceCommit] = []
    public private(set) var names = NameLookup()

    public init() {}

    /// Queues a chunk's action rows and the instances they belong to.
    public mutating func add(
        creates: [BitableRow], updates: [(entry: LedgerEntry, row: BitableRow)], waiting: [InstanceCommit],
        names: NameLookup?
    ) {
        self.creates += creates
        self.updates += updates
        self.waiting += waiting
        if let names {
            self.names.users.merge(names.users) { $1 }
            self.names.departments.merge(names.departments) { $1 }
        }
    }

    /// The rows to write now: whole batches of `batchSize` only, or everything when `final`.
    public func nextWrite(batchSize: Int, final: Bool) -> RowDiff {
        let batch = max(1, batchSize)
        var diff = RowDiff()
        diff.create = Array(creates.prefix(final ? creates.count : creates.count / batch * batch))
        diff.update = Array(updates.prefix(final ? updates.count : updates.count / batch * batch))
        return diff
    }

    /// Marks the rows of `diff` (a ``nextWrite(batchSize:final:)``) as written.
    public mutating func written(_ diff: RowDiff) {
        creates.removeFirst(min(diff.create.count, creates.count))
        updates.removeFirst(min(diff.update.count, updates.count))
    }

    /// Drops instances one of whose rows Feishu refused: they fail alone, their mirror is not
    /// committed (their other rows stay in the ledger and are not rewritten).
    public mutating func drop(_ instanceIds: Set<String>) -> [InstanceCommit] {
        let dropped = waiting.filter { instanceIds.contains($0.detail.instanceId) }
        waiting.removeAll { instanceIds.contains($0.detail.instanceId) }
        return dropped
    }

    /// Instances with no row left to write: removed from the carry, to be committed.
    public mutating func takeReady() -> [InstanceCommit] {
        let outstanding = Set(creates.map(InstanceSync.instanceId(of:)) + updates.map(\.entry.instanceId))
        let ready = waiting.filter { !outstanding.contains($0.detail.instanceId) }
        waiting.removeAll { !outstanding.contains($0.detail.instanceId) }
        return ready
    }
}
