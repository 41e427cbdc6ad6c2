import DingSyncBasics
import DingSyncProcessing
import Foundation

/// Why a copy of the state was refused or failed.
public struct StateCopyError: OperatorFacingError, Equatable {
    public var message: String
    public init(message: String) { self.message = message }
    public var exitStatus: ExitStatus { .failed }
    public var errorDescription: String? { message }
}

/// Copies a SQLite state (and its checkpoint file) into an empty MySQL database, so that an
/// operator switches backends without a re-sync (`dingsync migrate-db`).
///
/// Everything is copied in one transaction on the target, table by table (parents first), and
/// verified by counting the rows of every table on both sides; on any failure nothing stays.
public enum StateCopy {
    public struct Result: Sendable, Equatable {
        /// Rows per table, as counted on the target after the copy.
        public var counts: [(table: String, rows: Int)]
        public var checkpoints: Int
        public static func == (a: Result, b: Result) -> Bool {
            a.checkpoints == b.checkpoints && a.counts.map(\.table) == b.counts.map(\.table)
                && a.counts.map(\.rows) == b.counts.map(\.rows)
        }
    }

    public static func copy(
        from source: StateStore, checkpoints: [String: Date], to target: StateStore,
        now: Date = Date(), progress: (String) -> Void = { _ in }
    ) throws -> Result {
        guard source.path != target.path || source.dialect != target.dialect else {
            throw StateCopyError(message: "the source and the target are the same database (\(source.path))")
        }
        let nonEmpty = try StoreTables.copyOrder.filter { try target.rowCount($0) > 0 }
        guard nonEmpty.isEmpty else {
            throw StateCopyError(
                message:
                    "the target \(target.path) is not empty (rows in \(nonEmpty.joined(separator: ", "))): migrate-db only fills an empty database. Drop and re-create it (DEPLOYMENT.md, \"Moving from SQLite\"), or point database.database at a new one."
            )
        }
        var counts: [(String, Int)] = []
        try target.locked {
            try target.db.transaction {
                for table in StoreTables.copyOrder where table != "checkpoints" {
                    let columns = try source.columns(of: table)
                    let list = columns.map { "`\($0)`" }.joined(separator: ", ")
                    let insert =
                        "INSERT INTO \(table) (\(list)) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
                    var copied = 0
                    try source.locked {
                        try source.db.forEach("SELECT \(list) FROM \(table)", []) { row in
                            try target.db.run(insert, row)
                            copied += 1
                        }
                    }
                    progress("\(table): \(copied) row(s)")
                }
                let updated = DingTalkTime.epochMilliseconds(now)
                for (code, date) in checkpoints.sorted(by: { $0.key < $1.key }) {
                    try target.db.run(
                        "INSERT INTO checkpoints (process_code, synced_until_ms, updated_at) VALUES (?, ?, ?)",
                        [.text(code), .integer(DingTalkTime.epochMilliseconds(date)), .integer(updated)])
                }
                // Verify inside the transaction: a mismatch rolls everything back.
                for table in StoreTables.copyOrder where table != "checkpoints" {
                    let expected = try source.locked { try source.countUnlocked(table) }
                    let actual = try target.countUnlocked(table)
                    guard expected == actual else {
                        throw StateCopyError(
                            message: "copy of \(table) is incomplete: \(actual) of \(expected) rows; nothing was kept")
                    }
                    counts.append((table, actual))
                }
                let stored = try target.countUnlocked("checkpoints")
                guard stored == checkpoints.count else {
                    throw StateCopyError(
                        message:
                            "copy of the checkpoints is incomplete: \(stored) of \(checkpoints.count); nothing was kept"
                    )
                }
            }
        }
        return Result(counts: counts.map { (table: $0.0, rows: $0.1) }, checkpoints: checkpoints.count)
    }
}

extension StateStore {
    /// Rows in one of the store's own tables.
    public func rowCount(_ table: String) throws -> Int {
        try locked { try countUnlocked(table) }
    }

    func countUnlocked(_ table: String) throws -> Int {
        guard StoreTables.copyOrder.contains(table) || table == "meta" else {
            throw StateCopyError(message: "not a table of the state database: \(table)")
        }
        return Int(try db.query("SELECT COUNT(*) FROM \(table)").first?.first?.int ?? 0)
    }

    /// The columns of a table, in order (read from the database itself).
    func columns(of table: String) throws -> [String] {
        try locked {
            switch db.dialect {
            case .sqlite:
                return try db.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(table)]).compactMap {
                    $0[0].string
                }
            case .mysql:
                return try db.query(
                    """
                    SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?
                    ORDER BY ordinal_position
                    """, [.text(table)]
                ).compactMap { $0[0].string }
            }
        }
    }
}
