import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore
import Foundation

/// What `--full-check` repairs in one table: every Bitable row compared with what the state
/// database says it should be. Pure: made from the rows read and the rows expected, carried
/// out by ``InstanceSync/reconcile(at:dryRun:)``.
public struct RepairPlan: Sendable {
    /// Duplicate records of a key (every one but the oldest).
    public var deletes: [String] = []
    /// Rows edited in Bitable (or whose record changed), to restore.
    public var updates: [(entry: LedgerEntry, row: BitableRow)] = []
    /// Rows deleted in Bitable, to recreate.
    public var creates: [BitableRow] = []
    /// Ledger entries whose record id changes to the record kept.
    public var adopted: [LedgerEntry] = []
    /// One line per repair, for the summary.
    public var repairs: [String] = []
    /// Rows whose key dingsync does not know (left alone).
    public var unknown = 0

    /// Compares `records` (read from the table) with `ledger` and the rows `expected` gives for
    /// a ledger entry (nil when the mirror does not hold its instance: left alone).
    /// `column` maps a canonical field name to the table's column name.
    public static func make(
        kind: TableKind, records: [FeishuRecord], ledger: [LedgerEntry], keyColumn: String,
        column: (String) -> String, expected: (LedgerEntry) throws -> BitableRow?
    ) rethrows -> RepairPlan {
        var plan = RepairPlan()
        let byKey = Dictionary(grouping: records, by: { $0.fields[keyColumn] ?? "" })
        let ledgerByKey = Dictionary(ledger.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for (key, matches) in byKey.sorted(by: { $0.key < $1.key }) {
            guard !key.isEmpty, let entry = ledgerByKey[key] else {
                plan.unknown += matches.count
                continue
            }
            // several rows for one key: keep the oldest (people's comments and links are on it)
            guard let keep = FeishuRecord.oldest(matches) else { continue }
            let extra = matches.filter { $0.recordId != keep.recordId }
            if !extra.isEmpty {
                plan.deletes += extra.map(\.recordId)
                plan.repairs.append("\(kind.rawValue) \(key): removed \(extra.count) duplicate row(s), kept the oldest")
            }
            var current = entry
            if keep.recordId != entry.recordId {
                current.recordId = keep.recordId
                plan.adopted.append(current)
            }
            guard let row = try expected(entry) else { continue }
            let edited = row.fields.filter { $0.name != MainTableColumn.syncedAt.rawValue }
                .filter { !ValueComparison.matches($0.value, keep.fields[column($0.name)]) }.map(\.name)
            if !edited.isEmpty {
                plan.updates.append((current, row))
                plan.repairs.append(
                    "\(kind.rawValue) \(key): restored \(edited.joined(separator: ", ")) (edited in Bitable)")
            }
        }
        for entry in ledger.sorted(by: { $0.key < $1.key }) where byKey[entry.key] == nil {
            guard let row = try expected(entry) else { continue }
            plan.creates.append(row)
            plan.repairs.append("\(kind.rawValue) \(entry.key): recreated (deleted in Bitable)")
        }
        return plan
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
