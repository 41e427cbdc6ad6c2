import DingSyncBasics
import DingSyncProcessing
import Foundation

/// The checkpoints in `sync.checkpoint_file`: human-readable JSON written atomically (temp file,
/// fsync, rename, owner-only), `sync.checkpoint_file`, human-readable JSON written atomically (temp file,
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
public struct FileCheckpointStore: CheckpointStore {
    public let path: String
    public let timeZone: TimeZone

    public init(path: String, timeZone: TimeZone) {
        self.path = path
        self.timeZone = timeZone
    }

    public var location: String { path }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// The checkpoints; empty when the file does not exist.
    public func load() throws(CheckpointError) -> [String: Date] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError(path: path, problem: "cannot be read (check its permissions)")
        }
        guard let object = JSON.parseObject(data) else {
            throw CheckpointError(path: path, problem: "is not valid JSON (was it edited, or is the disk damaged?)")
        }
        guard let codes = object["process_codes"]?.members else {
            throw CheckpointError(path: path, problem: "has no \"process_codes\" object")
        }
        var result: [String: Date] = [:]
        for (code, entry) in codes {
            guard entry.members != nil else {
                throw CheckpointError(path: path, problem: "has an entry for \(code) that is not an object")
            }
            if case .number(let literal)? = entry["synced_until_ms"], let ms = Double(literal) {
                let date = Date(timeIntervalSince1970: ms / 1000)
                guard CheckpointRange.contains(date) else {
                    throw CheckpointError(
                        path: path,
                        problem: "has synced_until_ms \(literal) for \(code), which is not a time between 2000 "
                            + "and 2100 (epoch milliseconds, e.g. 1743480000000)")
                }
                result[code] = date
            } else if case .string(let text)? = entry["synced_until"], let date = Self.parse(text, timeZone: timeZone),
                CheckpointRange.contains(date)
            {
                result[code] = date
            } else {
                throw CheckpointError(
                    path: path,
                    problem:
                        "has no readable synced_until for \(code) (expected \"yyyy-MM-dd HH:mm:ss +08:00\" or synced_until_ms)"
                )
            }
        }
        return result
    }

    /// Writes the checkpoints atomically.
    public func save(_ checkpoints: [String: Date], now: Date = Date()) throws {
        let codes = checkpoints.sorted { $0.key < $1.key }.map { code, date -> (key: String, value: JSON) in
            (
                code,
                [
                    "synced_until": .string(format(date)),
                    "synced_until_ms": .number(DingTalkTime.epochMilliseconds(date))
                ]
            )
        }
        let object: JSON = ["version": 1, "updated_at": .string(format(now)), "process_codes": .object(codes)]
        let data = Data(object.prettyText.utf8)
        do {
            try AtomicFile.write(data + Data("\n".utf8), to: path)
        } catch {
            throw CheckpointError(
                path: path,
                problem: "could not be written (\(AtomicFile.reason(error))); the previous checkpoint is "
                    + "unchanged. Free space or fix the folder's permissions; the rows of this run are written and the next run repeats "
                    + "its window without duplicates", saving: true)
        }
    }

    func format(_ date: Date) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        return TimeText.format(date, timeZone)
            + String(format: " %@%02d:%02d", sign, abs(offset) / 3600, abs(offset) % 3600 / 60)
    }

    static func parse(_ text: String, timeZone: TimeZone) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // "yyyy-MM-dd HH:mm:ss +08:00" → ISO form the time parser reads
        let iso = trimmed.count == 26 ? String(trimmed.prefix(19)) + String(trimmed.suffix(6)) : trimmed
        return try? TimeArgument.parse(iso, role: .start, timeZone: timeZone, flag: "synced_until")
    }
}
