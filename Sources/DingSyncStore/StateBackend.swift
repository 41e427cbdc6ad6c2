import DingSyncBasics
import DingSyncProcessing
import Foundation

/// The one place that chooses between the two backends of the state: for a configuration, the
/// state database (an SQLite file, or a MySQL/MariaDB server), where the checkpoints live (the
/// file `sync.checkpoint_file`, or the server's `checkpoints` table) and the run lock (`flock`
/// on `sync.lock_file`, or the server's `GET_LOCK`). Nothing else looks at `database.type`.
public struct StateBackend: Sendable {
    public let config: Config

    public init(_ config: Config) {
        self.config = config
    }

    /// What the state is opened for.
    public enum Purpose: Sendable {
        /// A sync or setup: create or migrate the schema.
        case write
        /// A dry run: never change anything; an empty in-memory store when there is no state yet.
        case dryRun
        /// stats, report, export, doctor: the state must exist already and is not migrated;
        /// an older schema is a clear error (a sync upgrades it).
        case read
    }

    /// Whether the state lives on a server (MySQL/MariaDB) rather than in a local file.
    public var isServer: Bool { config.database.type == .mysql }

    /// The run lock of this configuration (taken before the store is opened).
    public func lock() -> any RunLocking {
        isServer ? MySQLRunLock(endpoint: config.database.mysql) : RunLock(path: config.sync.lockFile)
    }

    /// Opens the state database. `.read` throws `StateMissingError` when there is no state yet.
    public func openStore(_ purpose: Purpose) throws -> StateStore {
        let zone = config.sync.timeZone
        switch config.database.type {
        case .sqlite:
            let path = config.sync.stateDB
            let exists = FileManager.default.fileExists(atPath: path)
            switch purpose {
            case .read where !exists: throw StateMissingError(path: path)
            case .dryRun where !exists: return try StateStore(path: ":memory:", timeZone: zone)
            case .read:
                return try StateStore(database: try SQLiteDatabase(path: path), timeZone: zone, migrating: false)
            default: return try StateStore(path: path, timeZone: zone)
            }
        case .mysql:
            let connection = try MySQLDatabase(endpoint: config.database.mysql)
            if purpose != .write {
                let version = (try? connection.storedSchemaVersion()) ?? 0
                if version == 0 {
                    if purpose == .read { throw StateMissingError(path: connection.location) }
                    return try StateStore(path: ":memory:", timeZone: zone)
                }
                if version < StateStore.schemaVersion, purpose == .dryRun {
                    return try StateStore(path: ":memory:", timeZone: zone)
                }
            }
            return try StateStore(database: connection, timeZone: zone, migrating: purpose == .write)
        }
    }

    /// Where the checkpoints of this configuration live (the store's table on a server).
    public func checkpoints(in store: StateStore?) -> any CheckpointStore {
        if isServer, let store, store.dialect == .mysql { return DatabaseCheckpointStore(store: store) }
        return FileCheckpointStore(path: config.sync.checkpointFile, timeZone: config.sync.timeZone)
    }

    /// The saved checkpoints without a store at hand (a dry run's plan): read from the file, or
    /// from the server's table without changing anything there.
    public func loadCheckpoints() throws -> [String: Date] {
        try checkpoints(in: isServer ? openStore(.dryRun) : nil).load()
    }

    /// The store and its checkpoints, opened for `purpose`.
    public func open(_ purpose: Purpose) throws -> (store: StateStore, checkpoints: any CheckpointStore) {
        let store = try openStore(purpose)
        return (store, checkpoints(in: store))
    }
}
