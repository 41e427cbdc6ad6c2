import DingSyncBasics
import DingSyncProcessing
import Foundation

/// The checkpoints in the state database's `checkpoints` table (one row per process code), used
/// when the state lives on a MySQL server so that no state stays on the host.
public struct DatabaseCheckpointStore: CheckpointStore {
    public let store: StateStore

    public init(store: StateStore) {
        self.store = store
    }

    public var location: String { "table checkpoints of \(store.path)" }

    public var exists: Bool { ((try? store.loadCheckpoints()) ?? [:]).isEmpty == false }

    public func load() throws(CheckpointError) -> [String: Date] {
        let loaded: [String: Date]
        do {
            loaded = try store.loadCheckpoints()
        } catch {
            throw CheckpointError(
                path: store.path,
                problem: "cannot be read: \((error as? LocalizedError)?.errorDescription ?? "\(error)")",
                inDatabase: true)
        }
        for (code, date) in loaded where !CheckpointRange.contains(date) {
            throw CheckpointError(
                path: store.path,
                problem: "hold synced_until_ms \(CheckpointRange.describe(date)) for \(code), which is not "
                    + "a time between 2000 and 2100 (set it to the time the last good sync reached, or delete the row)",
                inDatabase: true)
        }
        return loaded
    }

    public func save(_ checkpoints: [String: Date], now: Date = Date()) throws {
        try store.saveCheckpoints(checkpoints, now: now)
    }
}
