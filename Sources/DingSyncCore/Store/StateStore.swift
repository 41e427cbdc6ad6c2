import Foundation

/// The local state database (`sync.state_db`): the mirror of every synced instance, the
/// Bitable ledger (key → record id + content hash), pending creates, failed instances, name
/// caches, API call counts per month, and the run history.
///
/// Every method is synchronous and serialised by a lock; multi-row writes are transactions.
public final class StateStore: @unchecked Sendable {
    /// The schema version this build writes; older databases are migrated on open.
    public static let schemaVersion = 1

    let db: SQLiteDatabase
    let lock = NSLock()
    public var path: String { db.path }

    public init(path: String) throws {
        db = try SQLiteDatabase(path: path)
        try migrate()
    }

    func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// The schema version stored in the file (0 for a new file).
    public func storedVersion() throws -> Int {
        try locked { try currentVersion() }
    }

    private func currentVersion() throws -> Int {
        try db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        return Int(try db.query("SELECT value FROM meta WHERE key = 'schema_version'").first?.first?.int ?? 0)
    }

    private func migrate() throws {
        try locked {
            let version = try currentVersion()
            if version > Self.schemaVersion {
                throw SQLiteError(code: 0, message: "schema version \(version) is newer than this dingsync understands (\(Self.schemaVersion)); upgrade dingsync", path: db.path)
            }
            for (index, step) in Self.migrations.enumerated() where index + 1 > version {
                try db.transaction {
                    try db.execute(step)
                    try db.run("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               [.text(String(index + 1))])
                }
            }
        }
    }

    /// Migration n (1-based) brings the schema from version n−1 to n. Append only.
    static let migrations: [String] = [
        """
        CREATE TABLE instances (
            instance_id TEXT PRIMARY KEY,
            process_code TEXT NOT NULL,
            business_id TEXT, title TEXT,
            status TEXT NOT NULL, result TEXT, status_text TEXT,
            create_time INTEGER, finish_time INTEGER,
            originator_user_id TEXT, originator_name TEXT,
            originator_dept_id TEXT, originator_dept_name TEXT,
            amount REAL, duration_hours REAL,
            current_node TEXT, last_action TEXT, last_action_time INTEGER,
            approver_chain TEXT, form_data TEXT, biz_action TEXT,
            is_final INTEGER NOT NULL,
            detail_json TEXT NOT NULL,
            synced_at INTEGER NOT NULL
        );
        CREATE INDEX instances_open ON instances (is_final, process_code);
        CREATE INDEX instances_created ON instances (create_time);
        CREATE TABLE form_values (
            instance_id TEXT NOT NULL REFERENCES instances(instance_id) ON DELETE CASCADE,
            position INTEGER NOT NULL, component_id TEXT, name TEXT, component_type TEXT, value TEXT, ext_value TEXT,
            PRIMARY KEY (instance_id, position)
        );
        CREATE INDEX form_values_name ON form_values (name);
        CREATE TABLE operation_records (
            instance_id TEXT NOT NULL REFERENCES instances(instance_id) ON DELETE CASCADE,
            seq INTEGER NOT NULL, user_id TEXT, user_name TEXT, type TEXT, result TEXT, action_text TEXT,
            date INTEGER, remark TEXT, show_name TEXT, activity_id TEXT,
            PRIMARY KEY (instance_id, seq)
        );
        CREATE INDEX operation_records_user ON operation_records (user_id);
        CREATE TABLE tasks (
            instance_id TEXT NOT NULL REFERENCES instances(instance_id) ON DELETE CASCADE,
            position INTEGER NOT NULL, task_id TEXT, user_id TEXT, user_name TEXT, status TEXT, result TEXT,
            create_time INTEGER, finish_time INTEGER, activity_id TEXT, node_name TEXT,
            PRIMARY KEY (instance_id, position)
        );
        CREATE TABLE ledger (
            kind TEXT NOT NULL, key TEXT NOT NULL, instance_id TEXT NOT NULL,
            record_id TEXT NOT NULL, content_hash TEXT, written_at INTEGER NOT NULL,
            PRIMARY KEY (kind, key)
        );
        CREATE INDEX ledger_instance ON ledger (instance_id);
        CREATE TABLE pending_creates (
            kind TEXT NOT NULL, key TEXT NOT NULL, table_id TEXT NOT NULL, started_at INTEGER NOT NULL,
            PRIMARY KEY (kind, key)
        );
        CREATE TABLE failed_instances (
            instance_id TEXT PRIMARY KEY, process_code TEXT NOT NULL, error TEXT NOT NULL,
            attempts INTEGER NOT NULL, first_failed_at INTEGER NOT NULL, last_failed_at INTEGER NOT NULL
        );
        CREATE TABLE users (user_id TEXT PRIMARY KEY, name TEXT NOT NULL, updated_at INTEGER NOT NULL);
        CREATE TABLE departments (dept_id TEXT PRIMARY KEY, name TEXT NOT NULL, updated_at INTEGER NOT NULL);
        CREATE TABLE api_calls (
            month TEXT NOT NULL, platform TEXT NOT NULL, api TEXT NOT NULL, calls INTEGER NOT NULL,
            PRIMARY KEY (month, platform, api)
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL,
            mode TEXT NOT NULL, exit_code INTEGER NOT NULL, listed INTEGER, fetched INTEGER, created INTEGER,
            updated INTEGER, unchanged INTEGER, failed INTEGER, summary TEXT
        );
        """,
    ]
}
