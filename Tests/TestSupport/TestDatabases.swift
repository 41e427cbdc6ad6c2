import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

/// The state store's backends under test. MySQL needs a server: `scripts/test` starts a
/// throwaway MariaDB and sets `DINGSYNC_TEST_MYSQL=host:port:user:password` (an account that
/// may create databases); each test gets a database of its own. Without the variable the MySQL
/// cases FAIL with a message saying so; `DINGSYNC_TEST_MYSQL=skip` leaves them out knowingly.
public enum TestBackend: String, CustomStringConvertible, Sendable {
    case sqlite, mysql

    public var description: String { rawValue }

    /// The backends the store tests run against.
    public static var all: [TestBackend] { TestMySQL.skipped ? [.sqlite] : [.sqlite, .mysql] }

    /// A new, empty state store on this backend.
    public func makeStore(timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!) throws -> StateStore {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("dingsync-store-\(UUID().uuidString)/state.sqlite").path
            return try StateStore(path: path, timeZone: timeZone)
        case .mysql:
            return try StateStore(
                database: try MySQLDatabase(endpoint: try TestMySQL.freshDatabase()), timeZone: timeZone)
        }
    }
}

public struct TestMySQLUnavailable: Error, CustomStringConvertible {
    public var description: String
}

public enum TestMySQL {
    public static var setting: String? { ProcessInfo.processInfo.environment["DINGSYNC_TEST_MYSQL"] }
    public static var skipped: Bool { setting == "skip" }

    /// The administrator account of the test server (database left empty).
    public static func admin() throws -> MySQLEndpoint {
        guard let setting, !setting.isEmpty else {
            throw TestMySQLUnavailable(
                description:
                    "MySQL tests need a server: run scripts/test (it starts a throwaway MariaDB), or set DINGSYNC_TEST_MYSQL=host:port:user:password (DINGSYNC_TEST_MYSQL=skip leaves these tests out)"
            )
        }
        if setting.hasPrefix("unavailable") {
            throw TestMySQLUnavailable(
                description: "MySQL tests cannot run: the test server did not start (\(setting))")
        }
        let parts = setting.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let port = Int(parts[1]) else {
            throw TestMySQLUnavailable(
                description: "DINGSYNC_TEST_MYSQL must be host:port:user:password, got \(parts.count) part(s)")
        }
        var endpoint = MySQLEndpoint()
        endpoint.host = parts[0]
        endpoint.port = port
        endpoint.user = parts[2]
        endpoint.password = parts[3]
        endpoint.database = ""
        endpoint.tls = .disabled
        return endpoint
    }

    /// Creates an empty database for one test and returns the admin's endpoint on it.
    public static func freshDatabase(prefix: String = "dstest") throws -> MySQLEndpoint {
        var endpoint = try admin()
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        let server = try MySQLDatabase(endpoint: endpoint)
        try server.execute("CREATE DATABASE \(name) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        endpoint.database = name
        return endpoint
    }

    /// Runs SQL as the administrator (user and grant set-up in tests).
    public static func adminExecute(_ statements: [String]) throws {
        let server = try MySQLDatabase(endpoint: try admin())
        for sql in statements { try server.execute(sql) }
    }
}
