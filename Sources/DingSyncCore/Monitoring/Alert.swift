import Foundation

/// Something about a run or the state that an operator should look at, with the numbers and
/// what to do. Sent with the run's notification.
public struct Alert: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// An incremental run listed far more instances than usual at that time of day.
        case manyInstances = "many_instances"
        /// An incremental run on a working day listed none where some are usual.
        case noInstances = "no_instances"
        /// The APIs answered with errors more often than `notification.alerts.api_errors`.
        case apiErrors = "api_errors"
        /// A checkpoint has not moved for longer than `sync.stale_after_hours`.
        case staleCheckpoint = "stale_checkpoint"
        /// DingTalk's monthly quota is used up, or will be at the current rate.
        case quota
        /// A Bitable table holds nearly `feishu.row_limit` rows.
        case rowLimit = "row_limit"
        /// The local clock differs from DingTalk's, or a checkpoint was ahead of it.
        case clock
    }

    public var kind: Kind
    /// One line: what happened.
    public var title: String
    /// The numbers behind it.
    public var detail: String
    /// What to do.
    public var fix: String

    public init(kind: Kind, title: String, detail: String, fix: String) {
        self.kind = kind
        self.title = title
        self.detail = detail
        self.fix = fix
    }
}

/// What the alert rules look at besides the run itself, read from the state database and
/// the checkpoint after the run.
public struct MonitoringSnapshot: Sendable, Equatable {
    /// Earlier runs, newest first (the current run excluded).
    public var history: [RunRecord]
    /// The checkpoint of each template the run covered (absent: none yet).
    public var checkpoints: [String: Date]
    /// DingTalk calls per API this month (the run's own included).
    public var dingtalkCalls: [String: Int]
    /// Rows the ledger knows per table.
    public var tableRows: [TableKind: Int]
    public var now: Date

    public init(history: [RunRecord] = [], checkpoints: [String: Date] = [:], dingtalkCalls: [String: Int] = [:],
                tableRows: [TableKind: Int] = [:], now: Date) {
        self.history = history
        self.checkpoints = checkpoints
        self.dingtalkCalls = dingtalkCalls
        self.tableRows = tableRows
        self.now = now
    }
}

/// The thresholds of the alert rules, from the configuration.
public struct AlertThresholds: Sendable, Equatable {
    public var alerts: AlertConfig
    public var staleAfterHours: Int
    public var monthlyQuota: Int
    public var rowLimit: Int
    public var timeZone: TimeZone
    /// Table ids per kind, for the message (`main table tblX`).
    public var tables: [TableKind: String]

    public init(alerts: AlertConfig = AlertConfig(), staleAfterHours: Int = 24, monthlyQuota: Int = 5000, rowLimit: Int = 20_000,
                timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current, tables: [TableKind: String] = [:]) {
        self.alerts = alerts
        self.staleAfterHours = staleAfterHours
        self.monthlyQuota = monthlyQuota
        self.rowLimit = rowLimit
        self.timeZone = timeZone
        self.tables = tables
    }

    public init(config: Config) {
        var tables: [TableKind: String] = [.main: config.feishu.tables.main]
        if !config.feishu.tables.action.isEmpty { tables[.action] = config.feishu.tables.action }
        self.init(alerts: config.notification.alerts, staleAfterHours: config.sync.staleAfterHours,
                  monthlyQuota: config.dingtalk.monthlyQuota, rowLimit: config.feishu.rowLimit,
                  timeZone: config.sync.timeZone, tables: tables)
    }
}
