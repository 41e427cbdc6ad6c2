import Foundation

/// The typed configuration of SPEC section 3, with every default filled in.
///
/// Built by `ConfigLoader` from a YAML file; relative paths are already resolved
/// against the config file's folder and secrets from `DINGSYNC_*` variables applied.
public struct Config: Sendable, Equatable {
    public var dingtalk = DingTalkConfig()
    public var feishu = FeishuConfig()
    public var sync = SyncConfig()
    public var mapping = MappingConfig()
    public var sla = SLAConfig()
    public var stream = StreamConfig()
    public var notification = NotificationConfig()
    public var logging = LoggingConfig()
    public var report = ReportConfig()
    public var database = DatabaseConfig()
    /// Absolute path of the file this was read from ("" when built in code).
    public var sourcePath: String = ""
    /// Where each key was written in the file (`"sync.batch_size"` → 12:3), for later messages.
    public var locations: [String: YAMLMark] = [:]

    public init() {}

    /// Every secret value (the secret keys of `ConfigSchema` and the webhook's token), for log redaction.
    public var secrets: [String] {
        let webhookToken = notification.webhookURL.split(separator: "/").last.map(String.init) ?? ""
        return (ConfigSchema.secrets.map { self[keyPath: $0.target] } + [webhookToken]).filter { $0.count >= 4 }
    }
}

public enum DingTalkAPIFamily: String, Sendable, CaseIterable {
    case new, legacy
}

/// How new-API `...Z` times are read (SPEC 4.6).
public enum NewAPITimeSetting: String, Sendable, CaseIterable {
    case auto, utc, local
}

public struct DingTalkConfig: Sendable, Equatable {
    public var appKey = ""
    public var appSecret = ""
    public var api: DingTalkAPIFamily = .new
    public var apiBaseURL = "https://api.dingtalk.com"
    public var baseURL = "https://oapi.dingtalk.com"
    public var processCodes: [String] = []
    public var qps = 15
    public var monthlyQuota = 5000
    /// Stream events a month (the org's Webhook & Stream allowance; 0 = not counted against).
    public var monthlyEventQuota = 0
    public var timeZoneOfNewAPI: NewAPITimeSetting = .auto
    public init() {}
}

public struct FeishuTables: Sendable, Equatable {
    public var main = ""
    /// Empty when there is no action table.
    public var action = ""
    /// The detail-line (明细) table (SPEC 4.7); empty when detail lines are not written.
    public var detail = ""
    public init() {}
}

public struct FeishuConfig: Sendable, Equatable {
    public var appID = ""
    public var appSecret = ""
    public var baseURL = "https://open.feishu.cn"
    public var appToken = ""
    public var tables = FeishuTables()
    /// Canonical field name → column name in Bitable.
    public var fieldNames: [String: String] = [:]
    /// Rows a table may hold (the plan's limit; 20,000 on common plans): `doctor` and the
    /// row-limit alert compare the ledger's row counts with it.
    public var rowLimit = 20_000
    public init() {}
}

public struct SyncConfig: Sendable, Equatable {
    public var batchSize = 500
    public var maxRetries = 3
    public var checkpointFile = "checkpoint.json"
    public var stateDB = "dingsync.sqlite"
    public var defaultHours = 24
    public var initDays = 7
    public var fullCheckDays = 30
    public var lookbackMinutes = 10
    public var timezone = "Asia/Shanghai"
    public var lockFile = "dingsync.lock"
    /// Hours after which the last completed run or a checkpoint counts as stale (`doctor`
    /// warns, the checkpoint alert fires); 0 = never.
    public var staleAfterHours = 24
    /// The longest one HTTP request may take, from sending to the last byte of the answer
    /// (a server that trickles its answer is cut off here, then retried).
    public var requestTimeoutSeconds = 60
    /// A run that finds the lock held waits this long for it, then exits 75 (0 = at once).
    public var lockWaitSeconds = 0
    public init() {}

    /// The configured zone; validated at load time, so this never falls back in practice.
    public var timeZone: TimeZone {
        TimeZone(identifier: timezone) ?? TimeZone(identifier: "Asia/Shanghai") ?? .current
    }
}

public struct MappingConfig: Sendable, Equatable {
    public var amountFields = ["金额", "报销金额", "合计金额", "总金额", "费用金额"]
    /// Form field name → extra column name.
    public var formFields: [String: String] = [:]
    public var status: [String: String] = [:]
    public var actions: [String: String] = [:]
    /// Detail-line sub-field name → extra detail-table column name (SPEC 4.7).
    public var detailFields: [String: String] = [:]
    /// Per process code, merged over the keys above for that template's instances.
    public var templates: [String: TemplateMapping] = [:]
    public init() {}
}

/// `mapping.templates.<code>`: one template's own mapping, merged over the global keys.
///
/// `form_fields` and `detail_fields` are merged entry by entry (the template's entry wins for
/// the same field); `amount_fields` and `category_field`, when given, replace the global ones.
public struct TemplateMapping: Sendable, Equatable {
    public var formFields: [String: String] = [:]
    public var detailFields: [String: String] = [:]
    /// nil: the global `mapping.amount_fields`.
    public var amountFields: [String]?
    /// The detail sub-field (or form field) whose value groups amounts in `stats`/`report`;
    /// nil: `report.detail_category_field`.
    public var categoryField: String?
    public init(
        formFields: [String: String] = [:], detailFields: [String: String] = [:], amountFields: [String]? = nil,
        categoryField: String? = nil
    ) {
        self.formFields = formFields
        self.detailFields = detailFields
        self.amountFields = amountFields
        self.categoryField = categoryField
    }
}

extension MappingConfig {
    /// The detail sub-field that groups detail amounts for `code`: the template's
    /// `category_field`, else `fallback` (`report.detail_category_field`).
    public func detailCategoryField(for code: String, fallback: String) -> String {
        templates[code]?.categoryField ?? fallback
    }

    /// The form fields of `code`'s instances: the global map with the template's entries over it.
    public func formFields(for code: String) -> [String: String] {
        formFields.merging(templates[code]?.formFields ?? [:]) { $1 }
    }

    /// The detail sub-fields of `code`'s instances: the global map with the template's entries over it.
    public func detailFields(for code: String) -> [String: String] {
        detailFields.merging(templates[code]?.detailFields ?? [:]) { $1 }
    }

    /// The amount fields of `code`'s instances: the template's list, else the global one.
    public func amountFields(for code: String) -> [String] {
        templates[code]?.amountFields ?? amountFields
    }
}

/// Service levels (the `sla` section, SPEC section 8); read through ``SLAPolicy``.
public struct SLAConfig: Sendable, Equatable {
    /// The largest number of hours a key accepts (10 years).
    public static let maxHours = 87_600
    /// An instance should be final this many hours after its creation (0 = no SLA).
    public var hours = 0
    /// … and wait at most this many hours at one node (0 = no limit).
    public var nodeHours = 0
    /// Per process code, replacing the keys above for that template's instances.
    public var templates: [String: SLATemplateConfig] = [:]
    public init() {}
}

/// One entry of `sla.templates`: a key left out falls back to the global one; 0 means none.
public struct SLATemplateConfig: Sendable, Equatable {
    public var hours: Int?
    public var nodeHours: Int?
    public init(hours: Int? = nil, nodeHours: Int? = nil) {
        self.hours = hours
        self.nodeHours = nodeHours
    }
}

/// `dingsync watch` (SPEC section 7).
public struct StreamConfig: Sendable, Equatable {
    /// An incremental catch-up run this often (and at start and after every reconnect).
    public var catchupMinutes = 60
    /// Events for one instance within this many milliseconds share one detail read.
    public var coalesceMs = 1000
    public init() {}
}

/// How the SMTP connection is secured.
public enum EmailTLS: String, Sendable, CaseIterable {
    /// Implicit TLS on port 465, STARTTLS (required) on any other port.
    case auto
    /// Plain connection upgraded with STARTTLS; refused when the server does not offer it.
    case starttls
    /// Implicit TLS from the first byte (smtps://).
    case ssl
    /// No encryption (a relay on localhost only).
    case none
}

public struct EmailConfig: Sendable, Equatable {
    public var enabled = false
    public var smtpServer = ""
    public var smtpPort = 587
    public var username = ""
    public var password = ""
    public var sender = ""
    public var recipients: [String] = []
    public var tls: EmailTLS = .auto
    public init() {}

    /// The envelope sender: `sender`, else the username when it is an address.
    public var fromAddress: String { sender.isEmpty ? username : sender }
}

/// Thresholds of the alerts sent with a run's notification (0 turns a rule off).
public struct AlertConfig: Sendable, Equatable {
    public var enabled = true
    /// An incremental run listing this many times the usual number of instances is unusual.
    public var volumeFactor = 3
    /// … and at least this many (small numbers are never "too many").
    public var volumeMin = 10
    /// Error answers from the APIs in one run (retried or not) that raise an alert.
    public var apiErrors = 20
    /// Percent of `feishu.row_limit` at which a table counts as nearly full.
    public var rowLimitPercent = 90
    public init() {}
}

public struct NotificationConfig: Sendable, Equatable {
    public var enabled = false
    public var webhookURL = ""
    public var secret = ""
    public var onSuccess = false
    public var email = EmailConfig()
    public var alerts = AlertConfig()
    public init() {}
}

public enum LogLevelSetting: String, Sendable, CaseIterable {
    case trace = "TRACE"
    case debug = "DEBUG"
    case info = "INFO"
    case warning = "WARNING"
    case error = "ERROR"
    case critical = "CRITICAL"
}

public struct LoggingConfig: Sendable, Equatable {
    public var level: LogLevelSetting = .info
    public var file = "logs/sync.log"
    public var maxBytes = 10_485_760
    public var backupCount = 5
    public init() {}
}

/// Statistics and report settings (used by `stats` and `report`).
public struct ReportConfig: Sendable, Equatable {
    /// The form field whose value is the category (e.g. 请假类型); empty = none.
    public var categoryField = ""
    /// The detail-line sub-field whose value groups detail amounts (e.g. 费用类型); empty = none.
    public var detailCategoryField = ""
    public var topN = 10
    public var slaDays = 30
    public init() {}
}

public enum DatabaseType: String, Sendable, CaseIterable {
    case sqlite, mysql
}

/// Where the state lives (the `database` section): the SQLite file `sync.state_db` (default),
/// or a MySQL/MariaDB server — then the checkpoint and the run lock live there too.
public struct DatabaseConfig: Sendable, Equatable {
    public var type: DatabaseType = .sqlite
    public var mysql = MySQLEndpoint()
    public init() {}
}
