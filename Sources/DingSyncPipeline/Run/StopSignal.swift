import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore
import Foundation

/// A request to stop a run at its next safe point (SIGINT/SIGTERM), set by the executable.
///
/// The pipeline checks it between listing queries, before each detail fetch and between
/// chunks: what was fetched is written and committed, the checkpoint does not move, and the
/// run ends with its summary, run record and notification (exit 130 for SIGINT, 143 for SIGTERM).
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?

    public init() {}

    /// Records the signal (the first one counts).
    public func request(signal: Int32) {
        lock.lock()
        if received == nil { received = signal }
        lock.unlock()
    }

    /// The signal received, nil while none.
    public var signal: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    public var isRequested: Bool { signal != nil }

    /// SIGINT → 130, SIGTERM (and any other) → 143, as a shell reports a process killed by them.
    public var exitStatus: ExitStatus? {
        guard let signal else { return nil }
        return signal == SIGINT ? .interrupted : .terminated
    }

    /// "SIGTERM", "SIGINT".
    public var name: String {
        switch signal {
        case SIGINT?: return "SIGINT"
        case SIGTERM?: return "SIGTERM"
        case let other?: return "signal \(other)"
        case nil: return "no signal"
        }
    }
}

/// Thrown inside the pipeline when a stop was requested; never leaves `SyncPipeline.run`.
struct StopRequested: Error {}
