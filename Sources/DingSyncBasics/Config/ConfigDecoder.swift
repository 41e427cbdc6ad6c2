/// Maps the YAML tree onto `Config`, key by key, leaving defaults where a key is absent.
enum ConfigDecoder {
    static func decode(_ tree: YAMLNode, reader r: ConfigReader) -> Config {
        var c = Config()
        let s = ConfigSchema.sections
        let root = r.entries(tree, path: "", known: s[""])

        let d = r.entries(root["dingtalk"], path: "dingtalk", known: s["dingtalk"])
        if let v = r.string(d["app_key"], path: "dingtalk.app_key") { c.dingtalk.appKey = v }
        if let v = r.string(d["app_secret"], path: "dingtalk.app_secret") { c.dingtalk.appSecret = v }
        if let v = r.choice(d["api"], path: "dingtalk.api", as: DingTalkAPIFamily.self) { c.dingtalk.api = v }
        if let v = r.string(d["api_base_url"], path: "dingtalk.api_base_url") { c.dingtalk.apiBaseURL = v }
        if let v = r.string(d["base_url"], path: "dingtalk.base_url") { c.dingtalk.baseURL = v }
        if let v = r.stringList(d["process_codes"], path: "dingtalk.process_codes") { c.dingtalk.processCodes = v }
        if let v = r.int(d["qps"], path: "dingtalk.qps", range: 1...100) { c.dingtalk.qps = v }
        if let v = r.int(d["monthly_quota"], path: "dingtalk.monthly_quota", range: 0...Int.max) { c.dingtalk.monthlyQuota = v }
        if let v = r.choice(d["time_zone_of_new_api"], path: "dingtalk.time_zone_of_new_api", as: NewAPITimeSetting.self) {
            c.dingtalk.timeZoneOfNewAPI = v
        }

        let f = r.entries(root["feishu"], path: "feishu", known: s["feishu"])
        if let v = r.string(f["app_id"], path: "feishu.app_id") { c.feishu.appID = v }
        if let v = r.string(f["app_secret"], path: "feishu.app_secret") { c.feishu.appSecret = v }
        if let v = r.string(f["base_url"], path: "feishu.base_url") { c.feishu.baseURL = v }
        if let v = r.string(f["app_token"], path: "feishu.app_token") { c.feishu.appToken = v }
        let t = r.entries(f["tables"], path: "feishu.tables", known: s["feishu.tables"])
        if let v = r.string(t["main"], path: "feishu.tables.main") { c.feishu.tables.main = v }
        if let v = r.string(t["action"], path: "feishu.tables.action") { c.feishu.tables.action = v }
        if let v = r.stringMap(f["field_names"], path: "feishu.field_names") { c.feishu.fieldNames = v }
        if let v = r.int(f["row_limit"], path: "feishu.row_limit", range: 1...100_000_000) { c.feishu.rowLimit = v }

        let y = r.entries(root["sync"], path: "sync", known: s["sync"])
        if let v = r.int(y["batch_size"], path: "sync.batch_size", range: 1...1000) { c.sync.batchSize = v }
        if let v = r.int(y["max_retries"], path: "sync.max_retries", range: 0...20) { c.sync.maxRetries = v }
        if let v = r.string(y["checkpoint_file"], path: "sync.checkpoint_file") { c.sync.checkpointFile = v }
        if let v = r.string(y["state_db"], path: "sync.state_db") { c.sync.stateDB = v }
        if let v = r.int(y["default_hours"], path: "sync.default_hours", range: 1...2880) { c.sync.defaultHours = v }
        if let v = r.int(y["init_days"], path: "sync.init_days", range: 1...365) { c.sync.initDays = v }
        if let v = r.int(y["full_check_days"], path: "sync.full_check_days", range: 1...365) { c.sync.fullCheckDays = v }
        if let v = r.int(y["lookback_minutes"], path: "sync.lookback_minutes", range: 0...10080) { c.sync.lookbackMinutes = v }
        if let v = r.string(y["timezone"], path: "sync.timezone") { c.sync.timezone = v }
        if let v = r.string(y["lock_file"], path: "sync.lock_file") { c.sync.lockFile = v }
        if let v = r.int(y["stale_after_hours"], path: "sync.stale_after_hours", range: 0...8760) { c.sync.staleAfterHours = v }
        if let v = r.int(y["request_timeout_seconds"], path: "sync.request_timeout_seconds", range: 1...3600) {
            c.sync.requestTimeoutSeconds = v
        }

        let m = r.entries(root["mapping"], path: "mapping", known: s["mapping"])
        if let v = r.stringList(m["amount_fields"], path: "mapping.amount_fields") { c.mapping.amountFields = v }
        if let v = r.stringMap(m["form_fields"], path: "mapping.form_fields") { c.mapping.formFields = v }
        if let v = r.stringMap(m["status"], path: "mapping.status") { c.mapping.status = v }
        if let v = r.stringMap(m["actions"], path: "mapping.actions") { c.mapping.actions = v }

        let n = r.entries(root["notification"], path: "notification", known: s["notification"])
        if let v = r.bool(n["enabled"], path: "notification.enabled") { c.notification.enabled = v }
        if let v = r.string(n["webhook_url"], path: "notification.webhook_url") { c.notification.webhookURL = v }
        if let v = r.string(n["secret"], path: "notification.secret") { c.notification.secret = v }
        if let v = r.bool(n["on_success"], path: "notification.on_success") { c.notification.onSuccess = v }
        let e = r.entries(n["email"], path: "notification.email", known: s["notification.email"])
        if let v = r.bool(e["enabled"], path: "notification.email.enabled") { c.notification.email.enabled = v }
        if let v = r.string(e["smtp_server"], path: "notification.email.smtp_server") { c.notification.email.smtpServer = v }
        if let v = r.int(e["smtp_port"], path: "notification.email.smtp_port", range: 1...65535) { c.notification.email.smtpPort = v }
        if let v = r.string(e["username"], path: "notification.email.username") { c.notification.email.username = v }
        if let v = r.string(e["password"], path: "notification.email.password") { c.notification.email.password = v }
        if let v = r.string(e["sender"], path: "notification.email.sender") { c.notification.email.sender = v }
        if let v = r.stringList(e["recipients"], path: "notification.email.recipients") { c.notification.email.recipients = v }
        if let v = r.choice(e["tls"], path: "notification.email.tls", as: EmailTLS.self) { c.notification.email.tls = v }
        let a = r.entries(n["alerts"], path: "notification.alerts", known: s["notification.alerts"])
        if let v = r.bool(a["enabled"], path: "notification.alerts.enabled") { c.notification.alerts.enabled = v }
        if let v = r.int(a["volume_factor"], path: "notification.alerts.volume_factor", range: 0...1000) { c.notification.alerts.volumeFactor = v }
        if let v = r.int(a["volume_min"], path: "notification.alerts.volume_min", range: 0...1_000_000) { c.notification.alerts.volumeMin = v }
        if let v = r.int(a["api_errors"], path: "notification.alerts.api_errors", range: 0...1_000_000) { c.notification.alerts.apiErrors = v }
        if let v = r.int(a["row_limit_percent"], path: "notification.alerts.row_limit_percent", range: 0...100) { c.notification.alerts.rowLimitPercent = v }

        let l = r.entries(root["logging"], path: "logging", known: s["logging"])
        if let v = r.string(l["level"], path: "logging.level") {
            let upper = v.uppercased() == "WARN" ? "WARNING" : v.uppercased()
            if let level = LogLevelSetting(rawValue: upper) {
                c.logging.level = level
            } else {
                r.report("logging.level must be one of \(LogLevelSetting.allCases.map(\.rawValue).joined(separator: " | ")), got \"\(v)\"",
                         at: l["level"]?.mark)
            }
        }
        if let v = r.string(l["file"], path: "logging.file") { c.logging.file = v }
        if let v = r.int(l["max_bytes"], path: "logging.max_bytes", range: 1024...Int.max) { c.logging.maxBytes = v }
        if let v = r.int(l["backup_count"], path: "logging.backup_count", range: 0...100) { c.logging.backupCount = v }

        let p = r.entries(root["report"], path: "report", known: s["report"])
        if let v = r.string(p["category_field"], path: "report.category_field") { c.report.categoryField = v }
        if let v = r.int(p["top_n"], path: "report.top_n", range: 1...1000) { c.report.topN = v }
        if let v = r.int(p["sla_days"], path: "report.sla_days", range: 1...3650) { c.report.slaDays = v }

        let b = r.entries(root["database"], path: "database", known: s["database"])
        if let v = r.choice(b["type"], path: "database.type", as: DatabaseType.self) { c.database.type = v }
        if let v = r.string(b["host"], path: "database.host") { c.database.mysql.host = v }
        if let v = r.int(b["port"], path: "database.port", range: 1...65535) { c.database.mysql.port = v }
        if let v = r.string(b["user"], path: "database.user") { c.database.mysql.user = v }
        if let v = r.string(b["password"], path: "database.password") { c.database.mysql.password = v }
        if let v = r.string(b["database"], path: "database.database") { c.database.mysql.database = v }
        if let v = r.string(b["charset"], path: "database.charset") { c.database.mysql.charset = v }
        if let v = r.choice(b["tls"], path: "database.tls", as: DatabaseTLS.self) { c.database.mysql.tls = v }
        if let v = r.string(b["tls_ca"], path: "database.tls_ca") { c.database.mysql.tlsCA = v }
        return c
    }
}
