/// The keys of SPEC section 3: the one place where each key's YAML name is written.
///
/// Decoding, the key paths in messages, the known keys for unknown-key detection and "did you
/// mean" (also across sections, `timezone` → `sync.timezone`) and the secrets all derive from
/// `root`, whose order is the order of decoding and of the known keys listed in messages.
/// A declarative table rather than a reader recording the keys it is asked for: unknown-key
/// detection needs a section's keys before reading it, even for sections absent from the file,
/// and a secret's place in `Config` and its variable have to be written somewhere anyway.
/// Every key SPEC lists is here; a key that is not is reported as unknown, with the closest known one.
enum ConfigSchema {
    static let root: [ConfigKey] = [
        .section(
            "dingtalk",
            [
                .string("app_key", \.dingtalk.appKey),
                .string("app_secret", \.dingtalk.appSecret, overriddenBy: "DINGSYNC_DINGTALK_APP_SECRET"),
                .choice("api", \.dingtalk.api),
                .string("api_base_url", \.dingtalk.apiBaseURL),
                .string("base_url", \.dingtalk.baseURL),
                .stringList("process_codes", \.dingtalk.processCodes),
                .int("qps", \.dingtalk.qps, 1...100),
                .int("monthly_quota", \.dingtalk.monthlyQuota, 0...Int.max),
                .int("monthly_event_quota", \.dingtalk.monthlyEventQuota, 0...Int.max),
                .choice("time_zone_of_new_api", \.dingtalk.timeZoneOfNewAPI)
            ]),
        .section(
            "feishu",
            [
                .string("app_id", \.feishu.appID),
                .string("app_secret", \.feishu.appSecret, overriddenBy: "DINGSYNC_FEISHU_APP_SECRET"),
                .string("base_url", \.feishu.baseURL),
                .string("app_token", \.feishu.appToken),
                .section(
                    "tables",
                    [
                        .string("main", \.feishu.tables.main),
                        .string("action", \.feishu.tables.action),
                        .string("detail", \.feishu.tables.detail)
                    ]),
                .stringMap("field_names", \.feishu.fieldNames),
                .int("row_limit", \.feishu.rowLimit, 1...100_000_000)
            ]),
        .section(
            "sync",
            [
                .int("batch_size", \.sync.batchSize, 1...1000),
                .int("max_retries", \.sync.maxRetries, 0...20),
                .string("checkpoint_file", \.sync.checkpointFile),
                .string("state_db", \.sync.stateDB),
                .int("default_hours", \.sync.defaultHours, 1...2880),
                .int("init_days", \.sync.initDays, 1...365),
                .int("full_check_days", \.sync.fullCheckDays, 1...365),
                .int("lookback_minutes", \.sync.lookbackMinutes, 0...10080),
                .string("timezone", \.sync.timezone),
                .string("lock_file", \.sync.lockFile),
                .int("lock_wait_seconds", \.sync.lockWaitSeconds, 0...86400),
                .int("stale_after_hours", \.sync.staleAfterHours, 0...8760),
                .int("request_timeout_seconds", \.sync.requestTimeoutSeconds, 1...3600)
            ]),
        .section(
            "mapping",
            [
                .stringList("amount_fields", \.mapping.amountFields),
                .stringMap("form_fields", \.mapping.formFields),
                .stringMap("status", \.mapping.status),
                .stringMap("actions", \.mapping.actions),
                .stringMap("detail_fields", \.mapping.detailFields),
                .key("templates", \.mapping.templates) { $0.templateMappings($1, path: $2) }
            ]),
        .section(
            "sla",
            [
                .int("hours", \.sla.hours, 0...SLAConfig.maxHours),
                .int("node_hours", \.sla.nodeHours, 0...SLAConfig.maxHours),
                .key("templates", \.sla.templates) { $0.slaTemplates($1, path: $2) }
            ]),
        .section(
            "stream",
            [
                .int("catchup_minutes", \.stream.catchupMinutes, 1...1440),
                .int("coalesce_ms", \.stream.coalesceMs, 0...60000)
            ]),
        .section(
            "notification",
            [
                .bool("enabled", \.notification.enabled),
                .string("webhook_url", \.notification.webhookURL),
                .string("secret", \.notification.secret, overriddenBy: "DINGSYNC_NOTIFICATION_SECRET"),
                .bool("on_success", \.notification.onSuccess),
                .section(
                    "email",
                    [
                        .bool("enabled", \.notification.email.enabled),
                        .string("smtp_server", \.notification.email.smtpServer),
                        .int("smtp_port", \.notification.email.smtpPort, 1...65535),
                        .string("username", \.notification.email.username),
                        .string("password", \.notification.email.password, overriddenBy: "DINGSYNC_SMTP_PASSWORD"),
                        .string("sender", \.notification.email.sender),
                        .stringList("recipients", \.notification.email.recipients),
                        .choice("tls", \.notification.email.tls)
                    ]),
                .section(
                    "alerts",
                    [
                        .bool("enabled", \.notification.alerts.enabled),
                        .int("volume_factor", \.notification.alerts.volumeFactor, 0...1000),
                        .int("volume_min", \.notification.alerts.volumeMin, 0...1_000_000),
                        .int("api_errors", \.notification.alerts.apiErrors, 0...1_000_000),
                        .int("row_limit_percent", \.notification.alerts.rowLimitPercent, 0...100)
                    ])
            ]),
        .section(
            "logging",
            [
                .key("level", \.logging.level) { $0.logLevel($1, path: $2) },
                .string("file", \.logging.file),
                .int("max_bytes", \.logging.maxBytes, 1024...Int.max),
                .int("backup_count", \.logging.backupCount, 0...100)
            ]),
        .section(
            "report",
            [
                .string("category_field", \.report.categoryField),
                .string("detail_category_field", \.report.detailCategoryField),
                .int("top_n", \.report.topN, 1...1000),
                .int("sla_days", \.report.slaDays, 1...3650)
            ]),
        .section(
            "database",
            [
                .choice("type", \.database.type),
                .string("host", \.database.mysql.host),
                .int("port", \.database.mysql.port, 1...65535),
                .string("user", \.database.mysql.user),
                .string("password", \.database.mysql.password, overriddenBy: "DINGSYNC_DB_PASSWORD"),
                .string("database", \.database.mysql.database),
                .string("charset", \.database.mysql.charset),
                .choice("tls", \.database.mysql.tls),
                .string("tls_ca", \.database.mysql.tlsCA)
            ])
    ]

    /// Every key with its full path, sections included, in table order (depth first).
    static let allKeys: [(path: String, key: ConfigKey)] = flatten(root, under: "")

    /// Every full key path, for suggestions across sections (`timezone` → `sync.timezone`).
    static let allPaths: [String] = allKeys.map(\.path)

    /// The secret keys in table order, with their `DINGSYNC_*` overrides.
    static let secrets: [SecretKey] = allKeys.compactMap { entry in
        entry.key.secret.map { SecretKey(path: entry.path, variable: $0.variable, target: $0.target) }
    }

    /// `section.key`, or `key` at the top level.
    static func join(_ section: String, _ name: String) -> String {
        section.isEmpty ? name : "\(section).\(name)"
    }

    private static func flatten(_ keys: [ConfigKey], under section: String) -> [(path: String, key: ConfigKey)] {
        keys.flatMap { key -> [(path: String, key: ConfigKey)] in
            let path = join(section, key.name)
            guard case .section(let inner) = key.body else { return [(path, key)] }
            return [(path, key)] + flatten(inner, under: path)
        }
    }

    /// The canonical Bitable field names of SPEC section 4 (main and action tables).
    static let mainFields = [
        "instance_id", "business_id", "template_code", "title", "status", "applicant",
        "applicant_dept", "amount", "start_time", "end_time", "duration_hours", "current_node",
        "last_action", "last_action_time", "approver_chain", "form_data", "synced_at", "template_name", "node_since",
        "sla_due"
    ]
    static let actionFields = [
        "action_key", "instance_id", "seq", "node_name", "approver", "action",
        "action_time", "comment"
    ]
    static let detailFields = [
        "detail_key", "instance_id", "template_code", "table_field", "row", "amount", "line_data"
    ]
}
