import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Another run holds the lock: nothing was done (exit 75).
public struct LockHeldError: OperatorFacingError, Equatable {
    public var path: String
    public var holder: String
    public var exitStatus: ExitStatus { .locked }
    public var errorDescription: String? {
        "another dingsync run holds the lock \(path) (\(holder.isEmpty ? "holder unknown" : holder)); nothing was done"
    }
}

/// An exclusive `flock` on `sync.lock_file`, released when the process ends (even if killed).
///
/// The file holds the holder's pid, host and start time for the message of a second run.
public final class RunLock: @unchecked Sendable {
    public let path: String
    private var descriptor: Int32 = -1

    public init(path: String) {
        self.path = path
    }

    deinit { release() }

    /// Takes the lock or throws `LockHeldError` at once (never waits).
    public func acquire(now: Date = Date(), timeZone: TimeZone = .current) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else {
            throw CheckpointError(path: path, problem: "(the lock file) cannot be opened: \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw LockHeldError(path: path, holder: holder)
        }
        descriptor = fd
        let host = ProcessInfo.processInfo.hostName
        let text = "pid \(getpid()) on \(host), started \(PlanDescription.format(now, timeZone))\n"
        _ = ftruncate(fd, 0)
        _ = lseek(fd, 0, SEEK_SET)
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }

    public func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }
}
