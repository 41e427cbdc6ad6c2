/// The known keys of SPEC section 3, per section, for unknown-key detection.
enum ConfigSchema {
    static let sections: [String: [String]] = [
        "": ["dingtalk", "feishu", "sync", "mapping", "notification", "logging", "report", "database"],
        "database": ["type", "host", "port", "user", "password", "database", "charset", "tls", "tls_ca"],
        "dingtalk": ["app_key", "app_secret", "api", "api_base_url", "base_url", "process_codes", "qps",
                     "monthly_quota", "time_zone_of_new_api"],
        "feishu": ["app_id", "app_secret", "base_url", "app_token", "tables", "field_names", "row_limit"],
        "feishu.tables": ["main", "action"],
        "sync": ["batch_size", "max_retries", "checkpoint_file", "state_db", "default_hours", "init_days",
                 "full_check_days", "lookback_minutes", "timezone", "lock_file", "stale_after_hours",
                 "request_timeout_seconds"],
        "mapping": ["amount_fields", "form_fields", "status", "actions"],
        "notification": ["enabled", "webhook_url", "secret", "on_success", "email", "alerts"],
        "notification.email": ["enabled", "smtp_server", "smtp_port", "username", "password", "sender", "recipients", "tls"],
        "notification.alerts": ["enabled", "volume_factor", "volume_min", "api_errors", "row_limit_percent"],
        "logging": ["level", "file", "max_bytes", "backup_count"],
        "report": ["category_field", "top_n", "sla_days"],
    ]

    /// Every full key path, for suggestions across sections (`timezone` → `sync.timezone`).
    static let allPaths: [String] = sections.flatMap { section, keys in
        keys.map { section.isEmpty ? $0 : "\(section).\($0)" }
    }

    /// Keys whose values are secrets: warned about when the file is readable by others.
    static let secretPaths: Set<String> = ["dingtalk.app_secret", "feishu.app_secret", "notification.secret",
                                           "notification.email.password", "database.password"]

    /// The canonical Bitable field names of SPEC section 4 (main and action tables).
    static let mainFields = ["instance_id", "business_id", "template_code", "title", "status", "applicant",
                             "applicant_dept", "amount", "start_time", "end_time", "duration_hours", "current_node",
                             "last_action", "last_action_time", "approver_chain", "form_data", "synced_at"]
    static let actionFields = ["action_key", "instance_id", "seq", "node_name", "approver", "action",
                               "action_time", "comment"]
}
