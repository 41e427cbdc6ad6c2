import CMariaDB
import DingSyncBasics
import DingSyncProcessing
import Foundation

/// A MySQL failure: which server, user and database, the server's own message, and the fix.
public struct MySQLError: OperatorFacingError, Equatable {
    public var code: UInt32
    public var message: String
    public var endpoint: String
    public var user: String
    public var database: String
    public var host: String
    public var port: Int

    init(code: UInt32, message: String, endpoint: MySQLEndpoint) {
        self.code = code
        self.message = message
        self.endpoint = endpoint.display
        self.user = endpoint.user
        self.database = endpoint.database
        self.host = endpoint.host
        self.port = endpoint.port
    }

    public var exitStatus: ExitStatus { .failed }

    /// The connection was lost (server restarted, idle timeout, network): worth one reconnect.
    var isConnectionLost: Bool { [1927, 2006, 2013, 2055, 4031].contains(code) }

    /// The grants dingsync needs on its database.
    public var grantStatement: String {
        "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, REFERENCES, CREATE VIEW, SHOW VIEW ON \(database).* TO '\(user)'@'<dingsync host>';"
    }

    /// What went wrong, naming server, database and user.
    public var problem: String {
        let who = "MySQL database \(database) on \(host):\(port) as user \(user)"
        switch code {
        case 1045: return "\(who): access denied (wrong user or password: \(message))"
        case 1049: return "\(who): the database does not exist (\(message))"
        case 1044, 1142, 1143, 1227, 1370: return "\(who): a privilege is missing (\(message))"
        case 2002, 2003, 2005, 2006, 2013: return "\(who): cannot reach the server (\(message))"
        case 2026: return "\(who): TLS failed (\(message))"
        default: return "\(who): \(message) (MySQL error \(code))"
        }
    }

    /// What to do about it.
    public var fix: String {
        switch code {
        case 1045:
            return
                "Check database.user and the password (database.password or DINGSYNC_DB_PASSWORD), and that the account may connect from this host (CREATE USER '\(user)'@'<dingsync host>' IDENTIFIED BY '…'; \(grantStatement))"
        case 1049:
            return "Create it: CREATE DATABASE \(database) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin; \(grantStatement)"
        case 1044, 1142, 1143, 1227, 1370:
            return "As an administrator run: \(grantStatement)"
        case 2002, 2003, 2005, 2006, 2013:
            return "Check database.host and database.port, that the server runs and listens there, and the firewall."
        case 2026:
            return "Check the server's certificate and database.tls_ca, or set database.tls: preferred."
        default:
            return "See DEPLOYMENT.md, \"MySQL\"."
        }
    }

    public var errorDescription: String? { "\(problem). \(fix)" }
}

/// A synchronous MySQL/MariaDB connection over Connector/C: prepared statements only,
/// utf8mb4, one reconnect when the connection was lost outside a transaction (inside one the
/// transaction is replayed once on a new connection: the server rolled it back).
///
/// Not thread-safe by itself; `StateStore` confines it behind a lock.
public final class MySQLDatabase: SQLDatabase {
    public let dialect: SQLDialect = .mysql
    public let endpoint: MySQLEndpoint
    public var location: String { endpoint.display }
    private var handle: UnsafeMutablePointer<MYSQL>?
    private var statements: [String: UnsafeMutablePointer<MYSQL_STMT>] = [:]
    private var inTransaction = false

    public init(endpoint: MySQLEndpoint) throws {
        self.endpoint = endpoint
        try connect()
    }

    deinit { disconnect() }

    private func disconnect() {
        for statement in statements.values { mysql_stmt_close(statement) }
        statements = [:]
        if let handle { mysql_close(handle) }
        handle = nil
    }

    private func connect() throws {
        disconnect()
        if let failure = open(tls: endpoint.tls != .disabled, enforce: endpoint.tls == .required) {
            // `preferred`: a server without TLS is accepted in plain text.
            guard endpoint.tls == .preferred, failure.code == 2026 else { throw failure }
            if let plain = open(tls: false, enforce: false) { throw plain }
        }
    }

    /// Opens the connection; returns the failure instead of throwing it (so `preferred` can retry).
    private func open(tls: Bool, enforce: Bool) -> MySQLError? {
        guard let mysql = mysql_init(nil) else {
            return MySQLError(code: 2008, message: "out of memory", endpoint: endpoint)
        }
        var timeout = endpoint.timeoutSeconds
        mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
        var readTimeout = max(60, endpoint.timeoutSeconds * 4)
        mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &readTimeout)
        mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &readTimeout)
        mysql_options(mysql, MYSQL_SET_CHARSET_NAME, endpoint.charset)
        var protocolTCP = UInt32(MYSQL_PROTOCOL_TCP.rawValue)
        if endpoint.host != "localhost" { mysql_options(mysql, MYSQL_OPT_PROTOCOL, &protocolTCP) }
        if tls {
            let ca = endpoint.tlsCA.isEmpty ? nil : endpoint.tlsCA
            mysql_ssl_set(mysql, nil, nil, ca, nil, nil)
            var on: my_bool = 1
            if enforce {
                mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &on)
                mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on)
            }
        }
        let connected = mysql_real_connect(
            mysql, endpoint.host, endpoint.user, endpoint.password, endpoint.database,
            UInt32(endpoint.port), nil, UInt(CLIENT_FOUND_ROWS))
        guard connected != nil else {
            let failure = MySQLError(
                code: mysql_errno(mysql), message: String(cString: mysql_error(mysql)), endpoint: endpoint)
            mysql_close(mysql)
            return failure
        }
        handle = mysql
        // Strict, predictable sessions: errors instead of silent truncation; times as stored.
        for sql in [
            "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
            "SET SESSION time_zone = '+00:00'", "SET NAMES \(endpoint.charset) COLLATE \(endpoint.charset)_bin"
        ] {
            if mysql_real_query(mysql, sql, UInt(sql.utf8.count)) != 0 {
                let failure = lastError()
                disconnect()
                return failure
            }
        }
        return nil
    }

    private func lastError() -> MySQLError {
        guard let handle else { return MySQLError(code: 2006, message: "not connected", endpoint: endpoint) }
        return MySQLError(code: mysql_errno(handle), message: String(cString: mysql_error(handle)), endpoint: endpoint)
    }

    private func statementError(_ statement: UnsafeMutablePointer<MYSQL_STMT>) -> MySQLError {
        MySQLError(
            code: mysql_stmt_errno(statement), message: String(cString: mysql_stmt_error(statement)), endpoint: endpoint
        )
    }

    /// Runs `body`; when the connection was lost outside a transaction, reconnects and runs it once more.
    private func reconnecting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as MySQLError where error.isConnectionLost && !inTransaction {
            try connect()
            return try body()
        }
    }

    public func execute(_ sql: String) throws {
        try reconnecting {
            guard let handle else { throw lastError() }
            if mysql_real_query(handle, sql, UInt(sql.utf8.count)) != 0 { throw lastError() }
            // Drain any result (e.g. SELECT GET_LOCK) so the connection stays usable.
            if let result = mysql_store_result(handle) { mysql_free_result(result) }
        }
    }

    private func prepared(_ sql: String) throws -> UnsafeMutablePointer<MYSQL_STMT> {
        if let cached = statements[sql] { return cached }
        guard let handle, let statement = mysql_stmt_init(handle) else { throw lastError() }
        if mysql_stmt_prepare(statement, sql, UInt(sql.utf8.count)) != 0 {
            let failure = statementError(statement)
            mysql_stmt_close(statement)
            throw failure
        }
        statements[sql] = statement
        return statement
    }

    /// Binds `values` and executes; the parameter buffers live only for the call.
    private func execute(_ statement: UnsafeMutablePointer<MYSQL_STMT>, _ values: [SQLValue]) throws {
        var binds = [MYSQL_BIND](repeating: MYSQL_BIND(), count: values.count)
        var buffers: [UnsafeMutableRawPointer] = []
        defer { for buffer in buffers { buffer.deallocate() } }
        /// An 8-byte buffer holding `value`, freed with the others after the call.
        func holding<T>(_ value: T) -> UnsafeMutableRawPointer {
            let buffer = UnsafeMutableRawPointer.allocate(
                byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
            buffer.storeBytes(of: value, as: T.self)
            buffers.append(buffer)
            return buffer
        }
        for (index, value) in values.enumerated() {
            switch value {
            case .null:
                binds[index].buffer_type = MYSQL_TYPE_NULL
            case .integer(let number):
                binds[index].buffer_type = MYSQL_TYPE_LONGLONG
                binds[index].buffer = holding(number)
            case .real(let number):
                binds[index].buffer_type = MYSQL_TYPE_DOUBLE
                binds[index].buffer = holding(number)
            case .text(let text):
                let bytes = Array(text.utf8)
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
                buffers.append(buffer)
                bytes.withUnsafeBytes { raw in
                    if let base = raw.baseAddress { buffer.copyMemory(from: base, byteCount: raw.count) }
                }
                binds[index].buffer_type = MYSQL_TYPE_STRING
                binds[index].buffer = buffer
                binds[index].buffer_length = UInt(bytes.count)
                binds[index].length_value = UInt(bytes.count)
            // length_value is used when `length` is nil.
            }
        }
        let expected = Int(mysql_stmt_param_count(statement))
        guard expected == values.count else {
            throw MySQLError(
                code: 2034, message: "statement expects \(expected) values, got \(values.count)", endpoint: endpoint)
        }
        if !values.isEmpty,
            binds.withUnsafeMutableBufferPointer({ mysql_stmt_bind_param(statement, $0.baseAddress) }) != 0
        {
            throw statementError(statement)
        }
        if mysql_stmt_execute(statement) != 0 { throw statementError(statement) }
    }

    @discardableResult
    public func run(_ sql: String, _ values: [SQLValue]) throws -> Int {
        try reconnecting {
            let statement = try prepared(sql)
            try execute(statement, values)
            let changed = mysql_stmt_affected_rows(statement)
            mysql_stmt_free_result(statement)
            return changed == UInt64.max ? 0 : Int(changed)
        }
    }

    public func forEach(_ sql: String, _ values: [SQLValue], _ body: ([SQLValue]) throws -> Void) throws {
        // Rows are collected first (a lost connection can then be retried without repeating `body`).
        let rows = try reconnecting { try fetchAll(sql, values) }
        for row in rows { try body(row) }
    }

    private enum ColumnKind { case integer, real, decimal, text }

    private func fetchAll(_ sql: String, _ values: [SQLValue]) throws -> [[SQLValue]] {
        let statement = try prepared(sql)
        try execute(statement, values)
        defer { mysql_stmt_free_result(statement) }
        guard let meta = mysql_stmt_result_metadata(statement) else { return [] }
        defer { mysql_free_result(meta) }
        let count = Int(mysql_num_fields(meta))
        guard count > 0, let fields = mysql_fetch_fields(meta) else { return [] }
        if mysql_stmt_store_result(statement) != 0 { throw statementError(statement) }

        var kinds: [ColumnKind] = []
        var binds = [MYSQL_BIND](repeating: MYSQL_BIND(), count: count)
        let lengths = UnsafeMutablePointer<UInt>.allocate(capacity: count)
        let nulls = UnsafeMutablePointer<my_bool>.allocate(capacity: count)
        let errors = UnsafeMutablePointer<my_bool>.allocate(capacity: count)
        let initialText = 256
        var buffers: [UnsafeMutableRawPointer] = []
        defer {
            lengths.deallocate()
            nulls.deallocate()
            errors.deallocate()
            for buffer in buffers { buffer.deallocate() }
        }
        for column in 0..<count {
            let kind: ColumnKind
            switch fields[column].type {
            case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_LONG, MYSQL_TYPE_LONGLONG, MYSQL_TYPE_INT24,
                MYSQL_TYPE_YEAR:
                kind = .integer
            case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE: kind = .real
            case MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL: kind = .decimal
            default: kind = .text
            }
            kinds.append(kind)
            let size = kind == .integer || kind == .real ? 8 : initialText
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
            buffers.append(buffer)
            binds[column].buffer = buffer
            binds[column].buffer_length = UInt(size)
            binds[column].length = lengths + column
            binds[column].is_null = nulls + column
            binds[column].error = errors + column
            switch kind {
            case .integer: binds[column].buffer_type = MYSQL_TYPE_LONGLONG
            case .real: binds[column].buffer_type = MYSQL_TYPE_DOUBLE
            case .decimal, .text: binds[column].buffer_type = MYSQL_TYPE_STRING
            }
        }
        if binds.withUnsafeMutableBufferPointer({ mysql_stmt_bind_result(statement, $0.baseAddress) }) != 0 {
            throw statementError(statement)
        }
        var rows: [[SQLValue]] = []
        while true {
            let rc = mysql_stmt_fetch(statement)
            if rc == MYSQL_NO_DATA { break }
            guard rc == 0 || rc == MYSQL_DATA_TRUNCATED else { throw statementError(statement) }
            var row: [SQLValue] = []
            row.reserveCapacity(count)
            for column in 0..<count {
                if nulls[column] != 0 {
                    row.append(.null)
                    continue
                }
                switch kinds[column] {
                case .integer: row.append(.integer(buffers[column].load(as: Int64.self)))
                case .real: row.append(.real(buffers[column].load(as: Double.self)))
                case .decimal, .text:
                    let length = Int(lengths[column])
                    let text: String
                    if length <= initialText {
                        text = String(
                            decoding: UnsafeRawBufferPointer(start: buffers[column], count: length), as: UTF8.self)
                    } else {
                        // Longer than the first buffer: fetch the whole column.
                        let whole = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 1)
                        defer { whole.deallocate() }
                        var bind = MYSQL_BIND()
                        bind.buffer_type = MYSQL_TYPE_STRING
                        bind.buffer = whole
                        bind.buffer_length = UInt(length)
                        let fetched = UnsafeMutablePointer<UInt>.allocate(capacity: 1)
                        defer { fetched.deallocate() }
                        bind.length = fetched
                        if mysql_stmt_fetch_column(statement, &bind, UInt32(column), 0) != 0 {
                            throw statementError(statement)
                        }
                        text = String(decoding: UnsafeRawBufferPointer(start: whole, count: length), as: UTF8.self)
                    }
                    if kinds[column] == .decimal {
                        if let whole = Int64(text) {
                            row.append(.integer(whole))
                        } else {
                            row.append(Double(text).map { .real($0) } ?? .text(text))
                        }
                    } else {
                        row.append(.text(text))
                    }
                }
            }
            rows.append(row)
        }
        return rows
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        guard !inTransaction else {
            // As on SQLite (which refuses a BEGIN inside a transaction): an error, not a crash.
            throw MySQLError(code: 0, message: "cannot start a transaction within a transaction", endpoint: endpoint)
        }
        var replayed = false
        while true {
            try execute("START TRANSACTION")
            inTransaction = true
            do {
                let value = try body()
                try execute("COMMIT")
                inTransaction = false
                return value
            } catch let error as MySQLError where error.isConnectionLost && !replayed {
                // The server rolled the transaction back with the connection: replay it once.
                inTransaction = false
                replayed = true
                try connect()
            } catch {
                inTransaction = false
                try? execute("ROLLBACK")
                throw error
            }
        }
    }

    /// The server's version string (for `doctor`).
    public var serverInfo: (version: String, tls: Bool)? { (serverVersion, usesTLS) }

    public var serverVersion: String {
        handle.map { String(cString: mysql_get_server_info($0)) } ?? ""
    }

    /// Whether the connection uses TLS (for `doctor`).
    public var usesTLS: Bool {
        guard let handle, let cipher = mysql_get_ssl_cipher(handle) else { return false }
        return !String(cString: cipher).isEmpty
    }
}
