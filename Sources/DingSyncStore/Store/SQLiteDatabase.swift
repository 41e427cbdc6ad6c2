import CSQLite
import DingSyncBasics
import DingSyncProcessing
import Foundation

/// A SQLite failure, with the statement's purpose and SQLite's own message.
public struct SQLiteError: OperatorFacingError, Equatable {
    public var code: Int32
    public var message: String
    public var path: String

    public var exitStatus: ExitStatus { .failed }
    public var errorDescription: String? {
        var text = "state database \(path): \(message) (SQLite \(code))"
        switch code & 0xff {
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            text +=
                ". The file is damaged: restore it from a backup, or move it away to rebuild the mirror (the next run re-syncs from the checkpoint; run --full-check to reconcile)."
        case SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM:
            text += ". Check sync.state_db and that the folder is writable by the user running dingsync."
        case SQLITE_FULL:
            text += ". The disk is full."
        case SQLITE_BUSY, SQLITE_LOCKED:
            text += ". Another process holds the database."
        default: break
        }
        return text
    }
}

/// A thin, synchronous SQLite connection: prepared statements only, one transaction helper.
///
/// Not thread-safe by itself; `StateStore` confines it behind a lock.
public final class SQLiteDatabase: SQLDatabase {
    public let dialect: SQLDialect = .sqlite
    public var location: String { path }
    public var serverInfo: (version: String, tls: Bool)? { nil }
    private var handle: OpaquePointer?
    public let path: String
    private var statements: [String: OpaquePointer] = [:]

    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        // a new database is owner-only (0600): it holds names and form contents; SQLite gives its
        // -wal and -shm files the same mode
        if path != ":memory:", !FileManager.default.fileExists(atPath: path) {
            let fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
            if fd >= 0 {
                close(fd)
                chmod(path, 0o600)
            }
        }
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            handle = nil
            throw SQLiteError(code: rc, message: message, path: path)
        }
        sqlite3_busy_timeout(handle, 5000)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close(handle)
    }

    private func error(_ rc: Int32) -> SQLiteError {
        SQLiteError(code: rc, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "error", path: path)
    }

    /// Runs SQL without results (may hold several statements).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "error"
            sqlite3_free(message)
            throw SQLiteError(code: rc, message: text, path: path)
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let cached = statements[sql] {
            sqlite3_reset(cached)
            sqlite3_clear_bindings(cached)
            return cached
        }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ values: [SQLValue], to statement: OpaquePointer) throws {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, position)
            case .integer(let i): rc = sqlite3_bind_int64(statement, position, i)
            case .real(let d): rc = sqlite3_bind_double(statement, position, d)
            case .text(let s): rc = sqlite3_bind_text(statement, position, s, -1, transient)
            }
            guard rc == SQLITE_OK else { throw error(rc) }
        }
    }

    /// Runs one statement with bound values; returns the number of changed rows.
    @discardableResult
    public func run(_ sql: String, _ values: [SQLValue]) throws -> Int {
        let statement = try prepared(sql)
        defer { sqlite3_reset(statement) }
        try bind(values, to: statement)
        var rc = sqlite3_step(statement)
        while rc == SQLITE_ROW { rc = sqlite3_step(statement) }
        guard rc == SQLITE_DONE else { throw error(rc) }
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and hands each row to `body` without collecting them.
    public func forEach(_ sql: String, _ values: [SQLValue], _ body: ([SQLValue]) throws -> Void) throws {
        let statement = try prepared(sql)
        defer { sqlite3_reset(statement) }
        try bind(values, to: statement)
        let columns = sqlite3_column_count(statement)
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(rc) }
            var row: [SQLValue] = []
            row.reserveCapacity(Int(columns))
            for column in 0..<columns {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: row.append(.integer(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: row.append(.real(sqlite3_column_double(statement, column)))
                case SQLITE_NULL: row.append(.null)
                default:
                    if let text = sqlite3_column_text(statement, column) {
                        row.append(.text(String(cString: text)))
                    } else {
                        row.append(.null)
                    }
                }
            }
            try body(row)
        }
    }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}
