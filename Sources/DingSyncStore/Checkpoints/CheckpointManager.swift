import Foundation
import DingSyncBasics
import DingSyncProcessing

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
            return "checkpoints in \(path) \(problem). Check the database connection (`dingsync doctor`); the table `checkpoints` holds one row per process code (synced_until_ms) and may be edited by hand."
        }
        if saving { return "checkpoint file \(path) \(problem)." }
        return "checkpoint file \(path) \(problem). Fix the JSON by hand (see README, \"Checkpoint\"), or move the file away: the next run then lists the last sync.default_hours (use --start-time to backfill further back; nothing synced is lost or duplicated)."
    }
}

/// Per process code: the creation time up to which every instance is written.
///
/// Stored as `sync.checkpoint_file`, human-readable JSON written atomically (temp file,
/// fsync, rename), e.g.
/// ```json
/// {
///   "version": 1,
///   "updated_at": "2025-04-01 12:00:03 +08:00",
///   "process_codes": {
///     "PROC-A": {"synced_until": "2025-04-01 12:00:00 +08:00", "synced_until_ms": 1743480000000}
///   }
/// }
/// ```
/// `synced_until_ms` wins when both are present; an operator may edit or delete either.
///
/// With `database.type: mysql` the checkpoints live in the database's `checkpoints` table
/// instead (one row per process code), so that no state stays on the host.
public struct CheckpointManager: Sendable {
    public let path: String
    public let timeZone: TimeZone
    /// Set when the checkpoints live in the state database rather than in `path`.
    public let store: StateStore?

    public init(path: String, timeZone: TimeZone) {
        self.path = path
        self.timeZone = timeZone
        self.store = nil
    }

    /// Checkpoints kept in the state database (the MySQL backend).
    public init(store: StateStore, timeZone: TimeZone) {
        self.path = store.path
        self.timeZone = timeZone
        self.store = store
    }

    /// The checkpoints of this configuration: the file, or the database when it is a server.
    public static func configured(_ config: Config, store: StateStore?) -> CheckpointManager {
        if config.database.type == .mysql, let store, store.dialect == .mysql {
            return CheckpointManager(store: store, timeZone: config.sync.timeZone)
        }
        return CheckpointManager(path: config.sync.checkpointFile, timeZone: config.sync.timeZone)
    }

    /// Whether any checkpoint is stored (the file exists, or the table has a row).
    public var exists: Bool {
        if let store { return ((try? store.loadCheckpoints()) ?? [:]).isEmpty == false }
        return FileManager.default.fileExists(atPath: path)
    }

    /// The checkpoints; empty when the file does not exist.
    public func load() throws(CheckpointError) -> [String: Date] {
        if let store {
            let loaded: [String: Date]
            do {
                loaded = try store.loadCheckpoints()
            } catch {
                throw CheckpointError(path: path, problem: "cannot be read: \((error as? LocalizedError)?.errorDescription ?? "\(error)")", inDatabase: true)
            }
            for (code, date) in loaded where !Self.plausible(date) {
                throw CheckpointError(path: path, problem: "hold synced_until_ms \(Self.describe(date)) for \(code), which is not a time "
                    + "between 2000 and 2100 (set it to the time the last good sync reached, or delete the row)", inDatabase: true)
            }
            return loaded
        }
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError(path: path, problem: "cannot be read (check its permissions)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CheckpointError(path: path, problem: "is not valid JSON (was it edited, or is the disk damaged?)")
        }
        guard let codes = object["process_codes"] as? [String: Any] else {
            throw CheckpointError(path: path, problem: "has no \"process_codes\" object")
        }
        var result: [String: Date] = [:]
        for (code, value) in codes {
            guard let entry = value as? [String: Any] else {
                throw CheckpointError(path: path, problem: "has an entry for \(code) that is not an object")
            }
            if let ms = entry["synced_until_ms"] as? NSNumber {
                let date = Date(timeIntervalSince1970: ms.doubleValue / 1000)
                guard Self.plausible(date) else {
                    throw CheckpointError(path: path, problem: "has synced_until_ms \(ms) for \(code), which is not a time between 2000 "
                        + "and 2100 (epoch milliseconds, e.g. 1743480000000)")
                }
                result[code] = date
            } else if let text = entry["synced_until"] as? String, let date = Self.parse(text, timeZone: timeZone), Self.plausible(date) {
                result[code] = date
            } else {
                throw CheckpointError(path: path, problem: "has no readable synced_until for \(code) (expected \"yyyy-MM-dd HH:mm:ss +08:00\" or synced_until_ms)")
            }
        }
        return result
    }

    /// The range a checkpoint may hold: DingTalk has no instance before 2000, and a value past
    /// 2100 is a typo (or seconds × 10⁶) that would also overflow on save.
    static let plausibleRange = Date(timeIntervalSince1970: 946_684_800)...Date(timeIntervalSince1970: 4_102_444_800)

    static func plausible(_ date: Date) -> Bool { plausibleRange.contains(date) }

    static func describe(_ date: Date) -> String {
        let ms = date.timeIntervalSince1970 * 1000
        return abs(ms) < 1e15 ? String(Int64(ms)) : String(format: "%.3g", ms)
    }

    /// Writes the checkpoints atomically.
    public func save(_ checkpoints: [String: Date], now: Date = Date()) throws {
        if let store {
            try store.saveCheckpoints(checkpoints, now: now)
            return
        }
        var codes: [String: Any] = [:]
        for (code, date) in checkpoints {
            codes[code] = ["synced_until": format(date), "synced_until_ms": DingTalkTime.epochMilliseconds(date)] as [String: Any]
        }
        let object: [String: Any] = ["version": 1, "updated_at": format(now), "process_codes": codes]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        do {
            try AtomicFile.write(data + Data("\n".utf8), to: path)
        } catch {
            throw CheckpointError(path: path, problem: "could not be written (\(AtomicFile.reason(error))); the previous checkpoint is "
                + "unchanged. Free space or fix the folder's permissions; the rows of this run are written and the next run repeats "
                + "its window without duplicates", saving: true)
        }
    }

    func format(_ date: Date) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        return TimeText.format(date, timeZone) + String(format: " %@%02d:%02d", sign, abs(offset) / 3600, abs(offset) % 3600 / 60)
    }

    static func parse(_ text: String, timeZone: TimeZone) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // "yyyy-MM-dd HH:mm:ss +08:00" → ISO form the time parser reads
        let iso = trimmed.count == 26 ? String(trimmed.prefix(19)) + String(trimmed.suffix(6)) : trimmed
        return try? TimeArgument.parse(iso, role: .start, timeZone: timeZone, flag: "synced_until")
    }
}

/// Whole-file writes that leave either the old or the new content, never a torn one.
public enum AtomicFile {
    /// Files are created owner-only (0600) by default: checkpoints and exports name people and hold form contents.
    public static func write(_ data: Data, to path: String, permissions: Int = 0o600) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let temp = "\(path).tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, mode_t(permissions))
        guard fd >= 0 else { throw POSIXFileError(path: temp, code: errno) }
        close(fd)
        chmod(temp, mode_t(permissions))   // whatever the umask
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temp))
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temp, path) == 0 else { throw POSIXFileError(path: path, code: errno) }
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
    }
}

extension AtomicFile {
    /// The reason of a write error in a few words ("No space left on device").
    public static func reason(_ error: Error) -> String {
        if let posix = error as? POSIXFileError { return posix.reason }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}

/// A file system call that failed, with its path and the system's reason.
public struct POSIXFileError: Error, LocalizedError {
    public var path: String
    public var code: Int32
    public init(path: String, code: Int32) {
        self.path = path
        self.code = code
    }
    public var reason: String { String(cString: strerror(code)) }
    public var errorDescription: String? { "\(path): \(reason)" }
}
