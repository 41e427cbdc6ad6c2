import Foundation

/// Cross-key checks after decoding: required keys, URLs, the time zone, field names.
enum ConfigValidator {
    static func validate(
        _ c: inout Config, reader r: ConfigReader, requirements: ConfigRequirements, warnings: inout [String]
    ) {
        func mark(_ path: String) -> YAMLMark? {
            // The key itself, else the closest enclosing section that is written in the file.
            var probe = path
            while true {
                if let m = r.locations[probe] { return m }
                guard let dot = probe.lastIndex(of: ".") else { return nil }
                probe = String(probe[..<dot])
            }
        }
        func require(_ value: String, _ path: String, example: String) {
            guard value.trimmingCharacters(in: .whitespaces).isEmpty, !r.suggestedPaths.contains(path) else { return }
            if let unset = r.unsetVariables[path], !unset.isEmpty {
                let override =
                    ConfigLoader.secretOverrides.first { $0.path == path }.map { ", or set \($0.variable)" } ?? ""
                r.report(
                    "\(path) is empty: the environment variable \(unset.joined(separator: ", ")) is not set (export it\(override))",
                    at: mark(path))
            } else {
                r.report("\(path) is required (e.g. \(example))", at: mark(path))
            }
        }
        func url(_ value: String, _ path: String) {
            guard !value.isEmpty else { return }
            guard let parsed = URL(string: value), let scheme = parsed.scheme?.lowercased(),
                scheme == "http" || scheme == "https", parsed.host != nil
            else {
                r.report("\(path) must be an http(s) URL like https://example.com, got \"\(value)\"", at: mark(path))
                return
            }
        }

        if requirements.contains(.dingtalk) {
            require(c.dingtalk.appKey, "dingtalk.app_key", example: "app_key: \"dingxxxx\"")
            require(c.dingtalk.appSecret, "dingtalk.app_secret", example: "app_secret: \"${DINGTALK_APP_SECRET}\"")
            if c.dingtalk.processCodes.filter({ !$0.isEmpty }).isEmpty {
                r.report(
                    "dingtalk.process_codes needs at least one process code (e.g. process_codes: [\"PROC-XXXX\"])",
                    at: mark("dingtalk.process_codes"))
            }
        }
        if requirements.contains(.feishu) {
            require(c.feishu.appID, "feishu.app_id", example: "app_id: \"cli_xxxx\"")
            require(c.feishu.appSecret, "feishu.app_secret", example: "app_secret: \"${FEISHU_APP_SECRET}\"")
            require(c.feishu.appToken, "feishu.app_token", example: "app_token: \"bascnxxxx\"")
        }
        if requirements.contains(.tables), c.feishu.tables.main.isEmpty {
            r.report(
                "feishu.tables.main is required: the id of the main table (run `dingsync setup` to create the tables and print their ids)",
                at: mark("feishu.tables.main"))
        }
        var seen = Set<String>()
        for code in c.dingtalk.processCodes where !seen.insert(code).inserted {
            r.report("dingtalk.process_codes lists \(code) twice", at: mark("dingtalk.process_codes"))
        }
        url(c.dingtalk.apiBaseURL, "dingtalk.api_base_url")
        url(c.dingtalk.baseURL, "dingtalk.base_url")
        url(c.feishu.baseURL, "feishu.base_url")
        url(c.notification.webhookURL, "notification.webhook_url")
        if TimeZone(identifier: c.sync.timezone) == nil {
            r.report(
                "sync.timezone must be an IANA time zone like Asia/Shanghai, got \"\(c.sync.timezone)\"",
                at: mark("sync.timezone"))
        }
        let templateColumns = c.mapping.templates.values.flatMap {
            Array($0.formFields.values) + $0.detailFields.values
        }
        let known =
            ConfigSchema.mainFields + ConfigSchema.actionFields + ConfigSchema.detailFields
            + Array(c.mapping.formFields.values) + c.mapping.detailFields.values + templateColumns
        for key in c.feishu.fieldNames.keys.sorted() where !known.contains(key) {
            let near = StringDistance.closest(to: key, in: known).map { " — did you mean \($0)?" } ?? ""
            r.report(
                "feishu.field_names.\(key): not a field of the main, action or detail table\(near)",
                at: mark("feishu.field_names.\(key)"))
        }
        let renamed = c.feishu.fieldNames.values.filter { !$0.isEmpty }
        if Set(renamed).count != renamed.count {
            r.report("feishu.field_names gives two fields the same column name", at: mark("feishu.field_names"))
        }
        for code in c.mapping.templates.keys.sorted() where !c.dingtalk.processCodes.isEmpty {
            guard !c.dingtalk.processCodes.contains(code) else { continue }
            let near =
                StringDistance.closest(to: code, in: c.dingtalk.processCodes).map { " — did you mean \($0)?" } ?? ""
            warnings.append(
                "mapping.templates.\(code): not one of dingtalk.process_codes, so it maps nothing\(near)")
        }
        if !c.mapping.detailFields.isEmpty || c.mapping.templates.values.contains(where: { !$0.detailFields.isEmpty }),
            c.feishu.tables.detail.isEmpty
        {
            warnings.append(
                "mapping.detail_fields is set but feishu.tables.detail is not: no detail lines are written to Bitable "
                    + "(run `dingsync setup` to create the detail table)")
        }
        if c.notification.enabled, c.notification.webhookURL.isEmpty, !c.notification.email.enabled {
            warnings.append(
                "notification.enabled is true but neither notification.webhook_url nor notification.email is set: no notification will be sent"
            )
        }
        if c.notification.email.enabled {
            if c.notification.email.smtpServer.isEmpty {
                r.report(
                    "notification.email.smtp_server is required when notification.email.enabled is true",
                    at: mark("notification.email.smtp_server"))
            }
            if c.notification.email.recipients.isEmpty {
                r.report(
                    "notification.email.recipients needs at least one address when email is enabled",
                    at: mark("notification.email.recipients"))
            }
            if !c.notification.email.fromAddress.contains("@") {
                r.report(
                    "notification.email.sender is required when email is enabled: the From address (e.g. sender: \"dingsync@example.com\")",
                    at: mark("notification.email.sender"))
            }
            if c.notification.email.tls == .none, !c.notification.email.username.isEmpty {
                warnings.append(
                    "notification.email.tls is none: the SMTP password is sent unencrypted; use starttls or ssl unless the server is on this machine"
                )
            }
        }
        if c.database.type == .mysql {
            require(c.database.mysql.host, "database.host", example: "host: 127.0.0.1")
            require(c.database.mysql.user, "database.user", example: "user: dingsync")
            require(c.database.mysql.database, "database.database", example: "database: dingtalk_stats")
            let name = c.database.mysql.database
            if !name.isEmpty, name.range(of: "^[A-Za-z0-9_$]{1,64}$", options: .regularExpression) == nil {
                r.report(
                    "database.database must be a plain MySQL database name (letters, digits, _ and $), got \"\(name)\"",
                    at: mark("database.database"))
            }
            if !["utf8mb4", "utf8mb3", "utf8"].contains(c.database.mysql.charset) {
                r.report(
                    "database.charset must be utf8mb4 (Chinese text and emoji need it), got \"\(c.database.mysql.charset)\"",
                    at: mark("database.charset"))
            }
        }
        let codes = c.dingtalk.processCodes.filter { !$0.isEmpty }
        if !codes.isEmpty {
            for code in c.sla.templates.keys.sorted() where !codes.contains(code) {
                let near = StringDistance.closest(to: code, in: codes).map { " — did you mean \($0)?" } ?? ""
                warnings.append(
                    "sla.templates.\(code) is not one of dingtalk.process_codes (\(codes.joined(separator: ", "))), so its service level applies to no instance\(near)"
                )
            }
        }
        if c.dingtalk.qps > 20 {
            warnings.append(
                "dingtalk.qps is \(c.dingtalk.qps): the standard edition allows 20 calls/s per API; above that DingTalk throttles (90018)"
            )
        }
    }
}
