import DingSyncBasics
import DingSyncProcessing
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

/// One run at a time: a file lock on one host, the server's named lock on MySQL.
public protocol RunLocking: AnyObject, Sendable {
    /// Takes the lock, waiting up to `wait` seconds for another holder to release it, or
    /// throws `LockHeldError`.
    func acquire(now: Date, timeZone: TimeZone, wait: TimeInterval) throws
    func release()
}

extension RunLocking {
    /// Takes the lock or throws `LockHeldError` at once.
    public func acquire(now: Date, timeZone: TimeZone) throws {
        try acquire(now: now, timeZone: timeZone, wait: 0)
    }

    /// Takes the lock, waiting up to `wait` seconds without blocking a thread: tries at once, then
    /// every `poll` seconds (for async callers such as `watch`, whose connection keeps being served
    /// meanwhile). Throws the last `LockHeldError` when the wait is over.
    public func acquireSuspending(
        now: Date, timeZone: TimeZone, wait: TimeInterval, poll: TimeInterval = 0.2
    ) async throws {
        let deadline = Date().addingTimeInterval(max(0, wait))
        while true {
            do {
                try acquire(now: now, timeZone: timeZone, wait: 0)
                return
            } catch let held as LockHeldError {
                guard Date() < deadline else { throw held }
                try? await Task.sleep(nanoseconds: UInt64(poll * 1_000_000_000))
            }
        }
    }
}

/// The lock file could not be opened or created.
public struct LockFileError: OperatorFacingError, Equatable {
    public var path: String
    public var reason: String
    public var exitStatus: ExitStatus { .failed }
    public var errorDescription: String? {
        "cannot open the lock file \(path): \(reason). Check sync.lock_file and that its folder is writable by the user running dingsync."
    }
}

/// The holder's description written with a lock: pid, host, start time.
func lockHolderText(now: Date, timeZone: TimeZone) -> String {
    "pid \(getpid()) on \(ProcessInfo.processInfo.hostName), started \(TimeText.format(now, timeZone))"
}

/// An exclusive `flock` on `sync.lock_file`, released when the process ends (even if killed).
///
/// The file holds the holder's pid, host and start time for the message of a second run.
public final class RunLock: RunLocking, @unchecked Sendable {
    public let path: String
    private var descriptor: Int32 = -1

    public init(path: String) {
        self.path = path
    }

    deinit { release() }

    /// Takes the lock, polling for up to `wait` seconds while another process holds it.
    public func acquire(now: Date = Date(), timeZone: TimeZone = .current, wait: TimeInterval) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else {
            throw LockFileError(path: path, reason: String(cString: strerror(errno)))
        }
        let deadline = Date().addingTimeInterval(max(0, wait))
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if Date() < deadline {
                usleep(200_000)
                continue
            }
            let holder =
                (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                ?? ""
            close(fd)
            throw LockHeldError(path: path, holder: holder)
        }
        descriptor = fd
        let text = lockHolderText(now: now, timeZone: timeZone) + "\n"
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

/// The MySQL server's named lock (`GET_LOCK`), held by a connection of its own for the run:
/// two hosts or containers on one database never sync at once. The server releases it when
/// that connection ends, so a killed run never leaves it behind.
public final class MySQLRunLock: RunLocking, @unchecked Sendable {
    public let endpoint: MySQLEndpoint
    private var connection: MySQLDatabase?
    private let mutex = NSLock()

    public init(endpoint: MySQLEndpoint) {
        self.endpoint = endpoint
    }

    deinit { release() }

    /// `dingsync.<database>`: one lock per database, whoever connects to it.
    public var name: String { "dingsync.\(endpoint.database)" }

    public func acquire(now: Date, timeZone: TimeZone, wait: TimeInterval) throws {
        let db = try MySQLDatabase(endpoint: endpoint)
        // The lock's connection is idle for the whole run: keep the server from closing it
        // (which would free the lock) however short its default wait_timeout is.
        try db.execute("SET SESSION wait_timeout = 604800")
        let got = try db.query("SELECT GET_LOCK(?, ?)", [.text(name), .integer(Int64(max(0, wait).rounded(.up)))])
            .first?.first?.int
        guard got == 1 else {
            let holder = try? db.query("SELECT value FROM meta WHERE `key` = 'lock_holder'").first?.first?.string
            throw LockHeldError(path: "\(name) on \(endpoint.host):\(endpoint.port)", holder: holder ?? "")
        }
        // The holder's description, for the message of a second run (best effort: without the
        // privilege to create tables the run itself stops with a clear message soon after).
        _ = try? db.execute(SQLDialect.mysql.metaTable)
        _ = try? db.setMeta("lock_holder", lockHolderText(now: now, timeZone: timeZone))
        mutex.withLock { connection = db }
    }

    public func release() {
        let db = mutex.withLock { () -> MySQLDatabase? in
            defer { connection = nil }
            return connection
        }
        guard let db else { return }
        _ = try? db.run("UPDATE meta SET value = '' WHERE `key` = 'lock_holder'")
        _ = try? db.query("SELECT RELEASE_LOCK(?)", [.text(name)])
    }
}
