import DingSyncBasics
import DingSyncProcessing
import Foundation

/// The checkpoint file (or table) could not be used.
public struct CheckpointError: OperatorFacingError, Equatable {
    public var path: String
    public var problem: String
    /// The checkpoint lives in the MySQL database (table `checkpoints`), not in a file.
    public var inDatabase = false

    /// The problem arose while saving (the message then does not suggest editing the file).
    public var saving = false

    public init(path: String, problem: String, inDatabase: Bool = false, saving: Bool = false) {
        self.path = path
        self.problem = problem
        self.inDatabase = inDatabase
        self.saving = saving
    }

    public var exitStatus: ExitStatus { .failed }
    public var errorDescription: String? {
        if inDatabase {
            return
                "checkpoints in \(path) \(problem). Check the database connection (`dingsync doctor`); the table `checkpoints` holds one row per process code (synced_until_ms) and may be edited by hand."
        }
        if saving { return "checkpoint file \(path) \(problem)." }
        return
            "checkpoint file \(path) \(problem). Fix the JSON by hand (see README, \"Checkpoint\"), or move the file away: the next run then lists the last sync.default_hours (use --start-time to backfill further back; nothing synced is lost or duplicated)."
    }
}

/// Per process code: the creation time up to which every instance is written.
///
/// Two implementations: ``FileCheckpointStore`` (`sync.checkpoint_file`, the default) and
/// ``DatabaseCheckpointStore`` (the `checkpoints` table, when the state lives on a MySQL
/// server); ``StateBackend`` picks one for a configuration.
public protocol CheckpointStore: Sendable {
    /// Where the checkpoints live, for messages: the file, or `table checkpoints of mysql://…`.
    var location: String { get }
    /// Whether any checkpoint is stored.
    var exists: Bool { get }
    /// The checkpoints; empty when none is stored. Values outside 2000…2100 are refused.
    func load() throws(CheckpointError) -> [String: Date]
    /// Replaces every checkpoint at once (atomically).
    func save(_ checkpoints: [String: Date], now: Date) throws
}

/// The range a checkpoint may hold: DingTalk has no instance before 2000, and a value past
/// 2100 is a typo (or seconds × 10⁶) that would also overflow on save.
enum CheckpointRange {
    static let plausible = Date(timeIntervalSince1970: 946_684_800)...Date(timeIntervalSince1970: 4_102_444_800)

    static func contains(_ date: Date) -> Bool { plausible.contains(date) }

    static func describe(_ date: Date) -> String {
        let ms = date.timeIntervalSince1970 * 1000
        return abs(ms) < 1e15 ? String(Int64(ms)) : String(format: "%.3g", ms)
    }
}
