import DingSyncBasics
import DingSyncProcessing
import Foundation

/// One past run, as the `runs` table remembers it.
public struct RunRecord: Sendable, Equatable {
    public var startedAt: Date
    public var finishedAt: Date
    public var mode: String
    public var exitCode: Int
    public var listed: Int
    public var created: Int
    public var failed: Int

    public init(
        startedAt: Date, finishedAt: Date? = nil, mode: String, exitCode: Int, listed: Int, created: Int = 0,
        failed: Int = 0
    ) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt ?? startedAt
        self.mode = mode
        self.exitCode = exitCode
        self.listed = listed
        self.created = created
        self.failed = failed
    }

    /// The run got through its windows (every instance written or recorded as failed).
    public var completed: Bool { exitCode == 0 || exitCode == 1 }
}

/// A mirrored instance, to probe the detail and contacts APIs with (`doctor`).
public struct KnownInstanceSample: Sendable, Equatable {
    public var instanceId: String
    public var processCode: String
    public var originatorUserId: String
}

extension StateStore {
    /// The last `limit` runs, newest first.
    public func recentRuns(limit: Int) throws -> [RunRecord] {
        try locked {
            try db.query(
                """
                SELECT started_at, finished_at, mode, exit_code, listed, created, failed
                FROM runs ORDER BY started_at DESC, id DESC LIMIT ?
                """, [SQLValue(limit)]
            ).map(Self.runRecord)
        }
    }

    /// The newest run that completed (exit 0 or 1), if any.
    public func lastCompletedRun() throws -> RunRecord? {
        try locked {
            try db.query(
                """
                SELECT started_at, finished_at, mode, exit_code, listed, created, failed
                FROM runs WHERE exit_code IN (0, 1) ORDER BY started_at DESC, id DESC LIMIT 1
                """
            ).first.map(Self.runRecord)
        }
    }

    private static func runRecord(_ row: [SQLValue]) -> RunRecord {
        RunRecord(
            startedAt: Date(timeIntervalSince1970: Double(row[0].int ?? 0) / 1000),
            finishedAt: Date(timeIntervalSince1970: Double(row[1].int ?? 0) / 1000),
            mode: row[2].string ?? "", exitCode: Int(row[3].int ?? 0), listed: Int(row[4].int ?? 0),
            created: Int(row[5].int ?? 0), failed: Int(row[6].int ?? 0))
    }

    /// Rows the ledger knows in one table (rows added by hand in Bitable are not counted).
    public func ledgerCount(_ kind: TableKind) throws -> Int {
        try locked {
            Int(
                try db.query("SELECT COUNT(*) FROM ledger WHERE kind = ?", [.text(kind.rawValue)]).first?.first?.int
                    ?? 0)
        }
    }

    /// The most recently created mirrored instance of each template (at most one per code).
    public func latestInstances(processCodes: [String]) throws -> [KnownInstanceSample] {
        try locked {
            try processCodes.compactMap { code in
                try db.query(
                    """
                    SELECT instance_id, process_code, originator_user_id FROM instances
                    WHERE process_code = ? ORDER BY create_time DESC LIMIT 1
                    """, [.text(code)]
                ).first.map {
                    KnownInstanceSample(
                        instanceId: $0[0].string ?? "", processCode: $0[1].string ?? code,
                        originatorUserId: $0[2].string ?? "")
                }
            }
        }
    }

    /// The creation time of the newest mirrored instance of a template (nil when none).
    public func latestCreateTime(processCode: String) throws -> Date? {
        try locked {
            try db.query("SELECT MAX(create_time) FROM instances WHERE process_code = ?", [.text(processCode)]).first?
                .first?.int
                .map { Date(timeIntervalSince1970: Double($0) / 1000) }
        }
    }

    /// Instances that failed at least `minAttempts` times in a row.
    public func failingInstanceCount(minAttempts: Int) throws -> Int {
        try locked {
            Int(
                try db.query("SELECT COUNT(*) FROM failed_instances WHERE attempts >= ?", [SQLValue(minAttempts)])
                    .first?.first?.int ?? 0)
        }
    }
}
