import DingSyncBasics
import DingSyncProcessing
import Foundation

/// What differs between the backends' SQL. Everything else the store writes is shared SQL:
/// `?` placeholders, identifiers that are not reserved words (or quoted with backticks,
/// which both accept), and integer epoch-millisecond times.
public enum SQLDialect: String, Sendable {
    case sqlite, mysql

    /// The clause that turns an INSERT into an upsert on `conflict` (the key's columns).
    /// Follow it with assignments built from `excluded(_:)`.
    package func onConflict(_ conflict: String) -> String {
        switch self {
        case .sqlite: return "ON CONFLICT(\(conflict)) DO UPDATE SET"
        case .mysql: return "ON DUPLICATE KEY UPDATE"
        }
    }

    /// The value the failed INSERT would have written into `column`.
    package func excluded(_ column: String) -> String {
        switch self {
        case .sqlite: return "excluded.\(column)"
        case .mysql: return "VALUES(\(column))"
        }
    }

    /// `column = <inserted value>` for each column, joined: the common upsert assignments.
    package func replacing(_ columns: [String]) -> String {
        columns.map { "\($0) = \(excluded($0))" }.joined(separator: ", ")
    }

    /// The schema steps of this backend, oldest first (see `StateStore.schemaVersion`).
    var schemaSteps: [SchemaStep] {
        switch self {
        case .sqlite: return SQLiteSchema.steps
        case .mysql: return MySQLSchema.steps
        }
    }

    /// The statement that creates the `meta` table (schema version) if it is missing.
    var metaTable: String {
        switch self {
        case .sqlite: return "CREATE TABLE IF NOT EXISTS meta (`key` TEXT PRIMARY KEY, value TEXT NOT NULL)"
        case .mysql:
            return
                "CREATE TABLE IF NOT EXISTS meta (`key` VARCHAR(64) NOT NULL PRIMARY KEY, value TEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
        }
    }
}

/// One schema change: the statements that bring the schema to `version`, and whether the
/// instances' wall-clock columns must be filled from their epoch times afterwards.
struct SchemaStep: Sendable {
    var version: Int
    var statements: [String]
    var backfillLocalTimes = false
}

/// The tables every backend shares, in the order a copy must fill them (parents first).
enum StoreTables {
    static let copyOrder = [
        "instances", "form_values", "operation_records", "tasks", "detail_lines", "detail_cells", "ledger",
        "pending_creates", "failed_instances", "users", "departments", "api_calls", "runs", "detail_hints",
        "checkpoints", "sla_notices"
    ]
}
