import DingSyncBasics
import DingSyncProcessing
import Foundation

/// Which Bitable table a ledger entry belongs to.
public enum TableKind: String, Sendable, CaseIterable {
    case main, action, detail

    /// The tables whose rows belong to an instance several at a time (keyed
    /// `instance_id#…`): rows that vanish from the instance are deleted.
    public static let childKinds: [TableKind] = [.action, .detail]
}

/// What the ledger knows of one Bitable row.
public struct LedgerEntry: Sendable, Equatable {
    public var key: String
    public var instanceId: String
    public var recordId: String
    /// nil when the row's content is unknown (adopted after a crash): it will be rewritten.
    public var contentHash: String?

    public init(key: String, instanceId: String, recordId: String, contentHash: String?) {
        self.key = key
        self.instanceId = instanceId
        self.recordId = recordId
        self.contentHash = contentHash
    }
}

/// One instance's outcome, committed in one transaction with its ledger entries.
public struct InstanceCommit: Sendable {
    public var detail: InstanceDetail
    public var processed: ProcessedInstance
    /// Ledger entries written for this instance in this run (created or updated rows).
    public var ledger: [(kind: TableKind, entry: LedgerEntry)]
    /// Child-table keys whose rows were removed (an instance with fewer records or detail
    /// lines than before).
    public var removedKeys: [(kind: TableKind, key: String)]

    public init(
        detail: InstanceDetail, processed: ProcessedInstance, ledger: [(kind: TableKind, entry: LedgerEntry)],
        removedKeys: [(kind: TableKind, key: String)] = []
    ) {
        self.detail = detail
        self.processed = processed
        self.ledger = ledger
        self.removedKeys = removedKeys
    }
}

extension StateStore {
    /// Ledger entries for these keys (missing keys are absent from the result).
    public func ledger(_ kind: TableKind, keys: [String]) throws -> [String: LedgerEntry] {
        try locked {
            var result: [String: LedgerEntry] = [:]
            for key in keys {
                if let row = try db.query(
                    "SELECT `key`, instance_id, record_id, content_hash FROM ledger WHERE kind = ? AND `key` = ?",
                    [.text(kind.rawValue), .text(key)]
                ).first,
                    let k = row[0].string, let i = row[1].string, let r = row[2].string
                {
                    result[k] = LedgerEntry(key: k, instanceId: i, recordId: r, contentHash: row[3].string)
                }
            }
            return result
        }
    }

    /// Every ledger entry of a child table (action, detail) for these instances.
    public func childLedger(_ kind: TableKind, instanceIds: [String]) throws -> [String: [LedgerEntry]] {
        try locked {
            var result: [String: [LedgerEntry]] = [:]
            for id in instanceIds {
                try db.forEach(
                    "SELECT `key`, record_id, content_hash FROM ledger WHERE kind = ? AND instance_id = ?",
                    [.text(kind.rawValue), .text(id)]
                ) { row in
                    guard let k = row[0].string, let r = row[1].string else { return }
                    result[id, default: []].append(
                        LedgerEntry(key: k, instanceId: id, recordId: r, contentHash: row[2].string))
                }
            }
            return result
        }
    }

    /// Every ledger entry of a table (for reconciliation).
    public func allLedger(_ kind: TableKind) throws -> [LedgerEntry] {
        try locked {
            try db.query(
                "SELECT `key`, instance_id, record_id, content_hash FROM ledger WHERE kind = ?", [.text(kind.rawValue)]
            ).compactMap { row in
                guard let k = row[0].string, let i = row[1].string, let r = row[2].string else { return nil }
                return LedgerEntry(key: k, instanceId: i, recordId: r, contentHash: row[3].string)
            }
        }
    }

    /// Forgets pending creates that were refused (nothing was created for them).
    public func clearPendingCreates(_ kind: TableKind, keys: [String]) throws {
        try locked {
            try db.transaction {
                for key in keys {
                    try db.run(
                        "DELETE FROM pending_creates WHERE kind = ? AND `key` = ?", [.text(kind.rawValue), .text(key)])
                }
            }
        }
    }

    /// Records that these keys are about to be created in `table` (committed before the create call).
    public func markPendingCreates(_ kind: TableKind, keys: [String], table: String, at date: Date) throws {
        try locked {
            try db.transaction {
                for key in keys {
                    try db.run(
                        """
                        INSERT INTO pending_creates (kind, `key`, table_id, started_at) VALUES (?, ?, ?, ?)
                        \(db.dialect.onConflict("kind, `key`")) \(db.dialect.replacing(["table_id", "started_at"]))
                        """,
                        [.text(kind.rawValue), .text(key), .text(table), .integer(DingTalkTime.epochMilliseconds(date))]
                    )
                }
            }
        }
    }

    /// Keys whose create may have been applied without its record id being stored (a crash).
    public func pendingCreates(_ kind: TableKind) throws -> [String] {
        try locked {
            try db.query("SELECT `key` FROM pending_creates WHERE kind = ? ORDER BY `key`", [.text(kind.rawValue)])
                .compactMap { $0[0].string }
        }
    }

    /// Stores record ids found for pending keys (content unknown: hash nil) and clears all pending keys of `kind`.
    public func resolvePendingCreates(_ kind: TableKind, found: [LedgerEntry], at date: Date) throws {
        try locked {
            try db.transaction {
                for entry in found { try upsertLedger(kind, entry, at: date) }
                try db.run("DELETE FROM pending_creates WHERE kind = ?", [.text(kind.rawValue)])
            }
        }
    }

    /// Stores ledger entries right after a Bitable write (before the instance's mirror is committed).
    public func recordWritten(_ kind: TableKind, _ entries: [LedgerEntry], at date: Date) throws {
        try locked {
            try db.transaction {
                for entry in entries {
                    try upsertLedger(kind, entry, at: date)
                    try db.run(
                        "DELETE FROM pending_creates WHERE kind = ? AND `key` = ?",
                        [.text(kind.rawValue), .text(entry.key)])
                }
            }
        }
    }

    /// Forgets ledger entries (rows deleted from Bitable).
    public func removeLedger(_ kind: TableKind, keys: [String]) throws {
        try locked {
            try db.transaction {
                for key in keys {
                    try db.run("DELETE FROM ledger WHERE kind = ? AND `key` = ?", [.text(kind.rawValue), .text(key)])
                }
            }
        }
    }

    /// Commits instances: mirror, ledger, and clears their failures — one transaction.
    public func commit(_ commits: [InstanceCommit], names: NameLookup, at date: Date) throws {
        try locked {
            try db.transaction {
                for commit in commits {
                    try saveMirror(commit.detail, commit.processed, names: names, syncedAt: date)
                    for (kind, entry) in commit.ledger { try upsertLedger(kind, entry, at: date) }
                    for (kind, key) in commit.removedKeys {
                        try db.run(
                            "DELETE FROM ledger WHERE kind = ? AND `key` = ?", [.text(kind.rawValue), .text(key)])
                    }
                    try db.run("DELETE FROM failed_instances WHERE instance_id = ?", [.text(commit.detail.instanceId)])
                }
            }
        }
    }

    func upsertLedger(_ kind: TableKind, _ entry: LedgerEntry, at date: Date) throws {
        try db.run(
            """
            INSERT INTO ledger (kind, `key`, instance_id, record_id, content_hash, written_at) VALUES (?, ?, ?, ?, ?, ?)
            \(db.dialect.onConflict("kind, `key`")) \(db.dialect.replacing(["record_id", "content_hash", "written_at", "instance_id"]))
            """,
            [
                .text(kind.rawValue), .text(entry.key), .text(entry.instanceId), .text(entry.recordId),
                SQLValue(entry.contentHash),
                .integer(DingTalkTime.epochMilliseconds(date))
            ])
    }
}
