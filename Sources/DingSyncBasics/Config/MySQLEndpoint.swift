import Foundation

/// Where and how to reach a MySQL or MariaDB server (the `database` section).
public struct MySQLEndpoint: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 3306
    public var user = "dingsync"
    public var password = ""
    public var database = "dingtalk_stats"
    public var charset = "utf8mb4"
    public var tls: DatabaseTLS = .preferred
    /// A CA file to verify the server's certificate with (`tls: required`); empty = the system's.
    public var tlsCA = ""
    /// Seconds to wait for the connection and for each answer.
    public var timeoutSeconds: UInt32 = 15
    public init() {}

    /// `mysql://user@host:port/database`, for messages (never the password).
    public var display: String { "mysql://\(user)@\(host):\(port)/\(database)" }
}

public enum DatabaseTLS: String, Sendable, CaseIterable {
    case disabled, preferred, required
}
