import Foundation

/// The exit codes of SPEC section 2.
public enum ExitStatus: Int32, Sendable {
    /// Everything synced.
    case success = 0
    /// The run finished but some instances failed (retried next run).
    case partial = 1
    /// The run could not proceed.
    case failed = 2
    /// Bad command line or configuration.
    case usage = 64
    /// Another run holds the lock.
    case locked = 75
    /// Stopped by SIGINT at a safe point (what was fetched is written; the checkpoint did not move).
    case interrupted = 130
    /// Stopped by SIGTERM at a safe point.
    case terminated = 143
}

/// An error that knows its exit code and speaks to the operator.
public protocol OperatorFacingError: LocalizedError {
    var exitStatus: ExitStatus { get }
}

extension ConfigError: OperatorFacingError {
    public var exitStatus: ExitStatus { .usage }
}

extension TimeArgumentError: OperatorFacingError {
    public var exitStatus: ExitStatus { .usage }
}

/// A command that is declared but whose work is not part of this build.
public struct NotAvailableError: OperatorFacingError {
    public var command: String
    public init(command: String) { self.command = command }
    public var exitStatus: ExitStatus { .failed }
    public var errorDescription: String? {
        "`dingsync \(command)` is not available in this build yet: nothing was done. See README.md, section \"Status\"."
    }
}
