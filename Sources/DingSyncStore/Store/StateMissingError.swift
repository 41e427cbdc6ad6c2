import DingSyncBasics
import Foundation

/// A command that reads the state (`stats`, `report`, `export`, `digest`) found none:
/// nothing was ever synced with this configuration.
public struct StateMissingError: OperatorFacingError, Equatable {
    public var path: String
    public init(path: String) { self.path = path }
    public var exitStatus: ExitStatus { .failed }
    public var errorDescription: String? {
        "no state database at \(path): run a sync first (`dingsync --init`), or point sync.state_db at the database the syncs write."
    }
}
