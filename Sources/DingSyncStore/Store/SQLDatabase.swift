import DingSyncBasics
import DingSyncProcessing
import Foundation

/// A value bound to or read from a statement.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var string: String? {
        if case .text(let s) = self { return s }
        if case .integer(let i) = self { return String(i) }
        return nil
    }
    public var int: Int64? {
        if case .integer(let i) = self { return i }
        if case .text(let s) = self { return Int64(s) }
        return nil
    }
    public var double: Double? {
        if case .real(let d) = self { return d }
        if case .integer(let i) = self { return Double(i) }
        return nil
    }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(_ text: String?) { self = text.map { .text($0) } ?? .null }
    public init(_ number: Int64?) { self = number.map { .integer($0) } ?? .null }
    public init(_ number: Int) { self = .integer(Int64(number)) }
}

/// The seam between the state store and its backend: one synchronous connection with
/// prepared statements (`?` placeholders), results as `SQLValue` rows, and transactions.
///
/// Implementations are not thread-safe; `StateStore` confines its connection behind a lock.
/// What differs between the backends' SQL is in `SQLDialect`; everything else is shared.
public protocol SQLDatabase: AnyObject {
    var dialect: SQLDialect { get }
    /// A server's version and whether the connection uses TLS; nil for an embedded database.
    var serverInfo: (version: String, tls: Bool)? { get }
    /// Where the data lives, for messages (a file path, or `mysql://user@host:port/db`).
    var location: String { get }
    /// Runs SQL without parameters or results.
    func execute(_ sql: String) throws
    /// Runs one statement with bound values; returns the number of changed rows.
    @discardableResult func run(_ sql: String, _ values: [SQLValue]) throws -> Int
    /// Runs a query and hands each row to `body` without collecting them.
    func forEach(_ sql: String, _ values: [SQLValue], _ body: ([SQLValue]) throws -> Void) throws
    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T
}

extension SQLDatabase {
    @discardableResult public func run(_ sql: String) throws -> Int { try run(sql, []) }

    /// Runs a query and returns every row as column values.
    public func query(_ sql: String, _ values: [SQLValue] = []) throws -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        try forEach(sql, values) { rows.append($0) }
        return rows
    }

    public func forEach(_ sql: String, _ body: ([SQLValue]) throws -> Void) throws { try forEach(sql, [], body) }

    /// The schema version dingsync stored (0 when none); throws when `meta` cannot be read,
    /// which on a database dingsync never touched means there is no `meta` table yet.
    package func storedSchemaVersion() throws -> Int {
        Int(try query("SELECT value FROM meta WHERE `key` = 'schema_version'").first?.first?.int ?? 0)
    }

    /// Writes one `meta` row (inserted or replaced).
    package func setMeta(_ key: String, _ value: String) throws {
        try run(
            "INSERT INTO meta (`key`, value) VALUES (?, ?) \(dialect.onConflict("`key`")) \(dialect.replacing(["value"]))",
            [.text(key), .text(value)])
    }
}
