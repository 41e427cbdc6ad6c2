import DingSyncBasics
import DingSyncProcessing
import Foundation

/// An instance that failed, to retry next run.
public struct FailedInstance: Sendable, Equatable {
    public var instanceId: String
    public var processCode: String
    public var error: String
    public var attempts: Int
}

extension StateStore {
    /// Records a failure (or another attempt of a known one).
    public func recordFailure(instanceId: String, processCode: String, error: String, at date: Date) throws {
        let ms = DingTalkTime.epochMilliseconds(date)
        try locked {
            _ = try db.run(
                """
                INSERT INTO failed_instances (instance_id, process_code, error, attempts, first_failed_at, last_failed_at)
                VALUES (?, ?, ?, 1, ?, ?)
                \(db.dialect.onConflict("instance_id")) \(db.dialect.replacing(["error", "last_failed_at"])), attempts = attempts + 1
                """, [.text(instanceId), .text(processCode), .text(error), .integer(ms), .integer(ms)])
        }
    }

    public func failedInstances(processCodes: [String]) throws -> [FailedInstance] {
        try locked {
            try db.query(
                "SELECT instance_id, process_code, error, attempts FROM failed_instances ORDER BY first_failed_at"
            ).compactMap { row in
                guard let id = row[0].string, let code = row[1].string, processCodes.contains(code) else { return nil }
                return FailedInstance(
                    instanceId: id, processCode: code, error: row[2].string ?? "", attempts: Int(row[3].int ?? 1))
            }
        }
    }

    public func clearFailure(_ instanceId: String) throws {
        try locked { _ = try db.run("DELETE FROM failed_instances WHERE instance_id = ?", [.text(instanceId)]) }
    }

    /// Cached names (userid → name, dept id → name).
    public func names() throws -> (users: [String: String], departments: [String: String]) {
        try locked {
            var users: [String: String] = [:]
            var departments: [String: String] = [:]
            try db.forEach("SELECT user_id, name FROM users") { row in
                if let k = row[0].string, let v = row[1].string { users[k] = v }
            }
            try db.forEach("SELECT dept_id, name FROM departments") { row in
                if let k = row[0].string, let v = row[1].string { departments[k] = v }
            }
            return (users, departments)
        }
    }

    public func saveNames(users: [String: String], departments: [String: String], at date: Date) throws {
        let ms = DingTalkTime.epochMilliseconds(date)
        try locked {
            try db.transaction {
                for (k, v) in users {
                    try db.run(
                        "INSERT INTO users (user_id, name, updated_at) VALUES (?, ?, ?) \(db.dialect.onConflict("user_id")) \(db.dialect.replacing(["name", "updated_at"]))",
                        [.text(k), .text(v), .integer(ms)])
                }
                for (k, v) in departments {
                    try db.run(
                        "INSERT INTO departments (dept_id, name, updated_at) VALUES (?, ?, ?) \(db.dialect.onConflict("dept_id")) \(db.dialect.replacing(["name", "updated_at"]))",
                        [.text(k), .text(v), .integer(ms)])
                }
            }
        }
    }

    /// Adds a run's calls to the month's count (month as `yyyy-MM` in sync.timezone).
    public func addCalls(month: String, platform: String, calls: [String: Int]) throws {
        try locked {
            try db.transaction {
                for (api, n) in calls where n > 0 {
                    try db.run(
                        """
                        INSERT INTO api_calls (month, platform, api, calls) VALUES (?, ?, ?, ?)
                        \(db.dialect.onConflict("month, platform, api")) calls = calls + \(db.dialect.excluded("calls"))
                        """, [.text(month), .text(platform), .text(api), SQLValue(n)])
                }
            }
        }
    }

    /// Calls made this month per API.
    public func calls(month: String, platform: String) throws -> [String: Int] {
        try locked {
            var result: [String: Int] = [:]
            try db.forEach(
                "SELECT api, calls FROM api_calls WHERE month = ? AND platform = ?", [.text(month), .text(platform)]
            ) { row in
                if let api = row[0].string { result[api] = Int(row[1].int ?? 0) }
            }
            return result
        }
    }
}

/// One run as the history table `runs` keeps it.
public struct RunRow: Sendable, Equatable {
    public var started: Date
    public var finished: Date
    public var mode: String
    public var exitCode: Int32
    public var listed: Int, fetched: Int, created: Int, updated: Int, unchanged: Int, failed: Int
    /// Why the run stopped, if it did.
    public var stopped: String?

    public init(
        started: Date, finished: Date, mode: String, exitCode: Int32, listed: Int, fetched: Int, created: Int,
        updated: Int,
        unchanged: Int, failed: Int, stopped: String?
    ) {
        self.started = started
        self.finished = finished
        self.mode = mode
        self.exitCode = exitCode
        self.listed = listed
        self.fetched = fetched
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
        self.failed = failed
        self.stopped = stopped
    }
}

extension StateStore {
    /// Appends a run to the history (used by `doctor` and alerts).
    public func recordRun(_ run: RunRow) throws {
        try locked {
            _ = try db.run(
                """
                INSERT INTO runs (started_at, finished_at, mode, exit_code, listed, fetched, created, updated, unchanged, failed, summary)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .integer(DingTalkTime.epochMilliseconds(run.started)),
                    .integer(DingTalkTime.epochMilliseconds(run.finished)),
                    .text(run.mode), .integer(Int64(run.exitCode)), SQLValue(run.listed), SQLValue(run.fetched),
                    SQLValue(run.created), SQLValue(run.updated), SQLValue(run.unchanged), SQLValue(run.failed),
                    SQLValue(run.stopped)
                ])
        }
    }
}
