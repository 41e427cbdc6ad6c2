import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

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

    public init(
        history: [RunRecord] = [], checkpoints: [String: Date] = [:], dingtalkCalls: [String: Int] = [:],
        tableRows: [TableKind: Int] = [:], now: Date
    ) {
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

    public init(
        alerts: AlertConfig = AlertConfig(), staleAfterHours: Int = 24, monthlyQuota: Int = 5000,
        rowLimit: Int = 20_000,
        timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current, tables: [TableKind: String] = [:]
    ) {
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
        if !config.feishu.tables.detail.isEmpty { tables[.detail] = config.feishu.tables.detail }
        self.init(
            alerts: config.notification.alerts, staleAfterHours: config.sync.staleAfterHours,
            monthlyQuota: config.dingtalk.monthlyQuota, rowLimit: config.feishu.rowLimit,
            timeZone: config.sync.timeZone, tables: tables)
    }
}
