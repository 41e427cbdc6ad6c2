import DingSyncBasics
import DingSyncProcessing
import Foundation

/// The local state database (`sync.state_db`): the mirror of every synced instance, the
/// Bitable ledger (key → record id + content hash), pending creates, failed instances, name
/// caches, API call counts per month, and the run history.
///
/// Every method is synchronous and serialised by a lock; multi-row writes are transactions.
/// The backend (SQLite file or MySQL server) sits behind `SQLDatabase`; the SQL that differs
/// is in `SQLDialect` and the per-backend schema files, so nothing else knows which it is.
public final class StateStore: @unchecked Sendable {
    /// The schema version this build writes; older databases are migrated on open.
    public static let schemaVersion = 5

    package let db: any SQLDatabase
    let lock = NSLock()
    /// The zone of the wall-clock columns (`create_local`, `finish_local`) the views show.
    public let timeZone: TimeZone
    /// Where the state lives: the SQLite file, or `mysql://user@host:port/db`.
    public var path: String { db.location }
    public var dialect: SQLDialect { db.dialect }
    /// The server's version and TLS use (nil for SQLite), for `doctor`.
    public var serverInfo: (version: String, tls: Bool)? { db.serverInfo }

    /// Opens (creating or migrating) the SQLite state database at `path`.
    public convenience init(path: String, timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current) throws
    {
        try self.init(database: try SQLiteDatabase(path: path), timeZone: timeZone)
    }

    /// Opens the state on an open connection (either backend), creating or migrating its schema;
    /// with `migrating: false` (read-only commands) nothing is written, and a schema other than
    /// this build's is an error that says what to do.
    public init(database: any SQLDatabase, timeZone: TimeZone, migrating: Bool = true) throws {
        db = database
        self.timeZone = timeZone
        if migrating {
            try migrate()
        } else {
            let version = (try? db.storedSchemaVersion()) ?? 0
            guard version == Self.schemaVersion else {
                throw SchemaVersionError(location: db.location, stored: version, supported: Self.schemaVersion)
            }
        }
    }

    package func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// The schema version stored in the database (0 for a new one).
    public func storedVersion() throws -> Int {
        try locked { try currentVersion() }
    }

    private func currentVersion() throws -> Int {
        try db.execute(db.dialect.metaTable)
        return try db.storedSchemaVersion()
    }

    private func migrate() throws {
        try locked {
            let version = try currentVersion()
            if version > Self.schemaVersion {
                throw SchemaVersionError(location: db.location, stored: version, supported: Self.schemaVersion)
            }
            for step in db.dialect.schemaSteps where step.version > version {
                try db.transaction {
                    for statement in step.statements { try db.execute(statement) }
                    if step.backfillLocalTimes { try backfillLocalTimes() }
                    try db.setMeta("schema_version", String(step.version))
                }
            }
        }
    }

    /// Fills the wall-clock columns of instances mirrored before they existed.
    private func backfillLocalTimes() throws {
        let rows = try db.query("SELECT instance_id, create_time, finish_time FROM instances")
        for row in rows {
            guard let id = row[0].string else { continue }
            try db.run(
                "UPDATE instances SET create_local = ?, finish_local = ? WHERE instance_id = ?",
                [localTime(row[1].int), localTime(row[2].int), .text(id)])
        }
    }

    /// Epoch milliseconds as `yyyy-MM-dd HH:mm:ss` in `timeZone` (what the views show).
    func localTime(_ ms: Int64?) -> SQLValue {
        guard let ms else { return .null }
        return .text(TimeText.format(Date(timeIntervalSince1970: Double(ms) / 1000), timeZone))
    }
}

/// The database was written by a newer dingsync, or (opened read-only) by an older one.
public struct SchemaVersionError: OperatorFacingError, Equatable {
    public var location: String
    public var stored: Int
    public var supported: Int
    public var exitStatus: ExitStatus { .failed }
    public var isOlder: Bool { stored < supported }
    public var errorDescription: String? {
        if isOlder {
            return
                "state database \(location): schema version \(stored) is older than this dingsync's (\(supported)); run a sync "
                + "(`dingsync`) once to upgrade it, then try again"
        }
        return
            "state database \(location): schema version \(stored) is newer than this dingsync understands (\(supported)); upgrade dingsync"
    }
}
