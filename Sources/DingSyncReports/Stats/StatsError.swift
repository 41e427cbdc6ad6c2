import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Why `stats`, `report` or `export` could not do their work.
public enum StatsError: OperatorFacingError, Equatable {
    /// The output file could not be written.
    case cannotWrite(path: String, reason: String)
    /// More rows than an Excel sheet holds.
    case tooManyRows(path: String, rows: Int)

    public var exitStatus: ExitStatus { .failed }

    public var errorDescription: String? {
        switch self {
        case .cannotWrite(let path, let reason):
            return
                "cannot write \(path): \(reason). Check that the folder exists and is writable, or choose another file with -o."
        case .tooManyRows(let path, let rows):
            return
                "cannot write \(path): \(rows) rows do not fit in an Excel sheet (1,048,575 at most). Export a shorter range, or to .csv."
        }
    }
}
