import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore

/// What to do with a table's rows after comparing them with the ledger. Pure.
public struct RowDiff: Sendable, Equatable {
    public var create: [BitableRow] = []
    public var update: [(entry: LedgerEntry, row: BitableRow)] = []
    public var unchanged: [BitableRow] = []
    /// Ledger entries whose rows no longer exist in the source (an action removed): delete them.
    public var delete: [LedgerEntry] = []

    public init() {}

    public static func == (l: RowDiff, r: RowDiff) -> Bool {
        l.create == r.create && l.unchanged == r.unchanged && l.delete == r.delete
            && l.update.map(\.entry) == r.update.map(\.entry) && l.update.map(\.row) == r.update.map(\.row)
    }

    /// Rows keyed by `row.key`: new keys are created, changed hashes (or unknown ones) updated,
    /// equal hashes skipped. `stale` ledger entries not matched by any row are deleted.
    public static func compute(rows: [BitableRow], ledger: [String: LedgerEntry], stale: [LedgerEntry] = []) -> RowDiff
    {
        var diff = RowDiff()
        var keys = Set<String>()
        for row in rows {
            keys.insert(row.key)
            guard let entry = ledger[row.key] else {
                diff.create.append(row)
                continue
            }
            if entry.contentHash == row.contentHash {
                diff.unchanged.append(row)
            } else {
                diff.update.append((entry, row))
            }
        }
        diff.delete = stale.filter { !keys.contains($0.key) }
        return diff
    }

    public var writes: Int { create.count + update.count + delete.count }
}
