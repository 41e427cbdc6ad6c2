import Foundation
import DingSyncBasics
import DingSyncProcessing

/// Opening the configured state: the SQLite file `sync.state_db`, or the MySQL server of
/// the `database` section. The only place that chooses a backend.
extension StateStore {
    public enum Purpose: Sendable {
        /// A sync or setup: create or migrate the schema.
        case write
        /// A dry run: never change anything; an empty in-memory store when there is no state yet.
        case dryRun
        /// stats, report, export, doctor: the state must exist already.
        case read
    }

    /// Opens the configured backend. `.read` throws `StateMissingError` when there is no state yet.
    public static func open(_ config: Config, purpose: Purpose) throws -> StateStore {
        let zone = config.sync.timeZone
        switch config.database.type {
        case .sqlite:
            let path = config.sync.stateDB
            let exists = FileManager.default.fileExists(atPath: path)
            switch purpose {
            case .read where !exists: throw StateMissingError(path: path)
            case .dryRun where !exists: return try StateStore(path: ":memory:", timeZone: zone)
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
                if version < schemaVersion, purpose == .dryRun {
                    return try StateStore(path: ":memory:", timeZone: zone)
                }
            }
            return try StateStore(database: connection, timeZone: zone)
        }
    }
}
