import Foundation
import Testing

@testable import DingSyncBasics

/// Every kind of problem at once, pinned word for word: wording, `file:line:column` and order.
@Suite struct ConfigMessagesTests {
    @Test func everyProblemOfEveryKeyKindInFileOrder() {
        let text = """
            dingtalk:
              app_key: [a, b]
              app_secret: {x: 1}
              api: premium2
              qps: 0
              monthly_quota: -5
              time_zone_of_new_api: gmt
              process_codes: {a: b}
              proces_codes: x
            feishu:
              app_id: "cli"
              app_secret: s
              app_token: t
              tables: [a]
              field_names: [x]
              row_limit: 0
            sync:
              batch_size: 0
              max_retries: 21
              default_hours: 2881
              init_days: 0
              full_check_days: 366
              lookback_minutes: -1
              stale_after_hours: 8761
              request_timeout_seconds: 0
              timezone: Asia/Nowhere
              state_db: [x]
            mapping:
              amount_fields: {a: 1}
              form_fields: [x]
              status: 5
              actions: {A: [1]}
            notification:
              enabled: perhaps
              on_success: 2
              webhook_url: ftp://x
              email:
                enabled: yes
                smtp_port: 70000
                tls: maybe
                recipients: [[a]]
              alerts:
                enabled: x
                volume_factor: 1001
                volume_min: -1
                api_errors: 1000001
                row_limit_percent: 101
            logging:
              level: loud
              max_bytes: 1000
              backup_count: 101
            report:
              top_n: 0
              sla_days: 3651
              categry_field: x
            database:
              type: oracle
              port: 0
              tls: on
              charset: latin1
            timezone: UTC
            tables: x
            """
        var found: [String] = []
        do {
            _ = try ConfigLoader.parse(text, file: "/etc/dingsync/config.yaml", requirements: .sync, environment: [:])
        } catch {
            if case .invalid(let issues) = error { found = issues.map(\.description) }
        }
        #expect(
            found == [
                "config.yaml:2:12: dingtalk.app_key must be a single value, got a list",
                "config.yaml:2:12: dingtalk.app_key is required (e.g. app_key: \"dingxxxx\")",
                "config.yaml:3:15: dingtalk.app_secret must be a single value, got a mapping",
                "config.yaml:3:15: dingtalk.app_secret is required (e.g. app_secret: \"${DINGTALK_APP_SECRET}\")",
                "config.yaml:4:8: dingtalk.api must be one of new | legacy | premium, got \"premium2\"",
                "config.yaml:5:8: dingtalk.qps must be a whole number between 1 and 100, got \"0\"",
                "config.yaml:6:18: dingtalk.monthly_quota must be a whole number of at least 0, got \"-5\"",
                "config.yaml:7:25: dingtalk.time_zone_of_new_api must be one of auto | utc | local, got \"gmt\"",
                "config.yaml:8:18: dingtalk.process_codes must be a list like [\"a\", \"b\"], got a mapping",
                "config.yaml:8:18: dingtalk.process_codes needs at least one process code (e.g. process_codes: [\"PROC-XXXX\"])",
                "config.yaml:9:3: dingtalk.proces_codes: unknown key — did you mean dingtalk.process_codes?",
                "config.yaml:14:11: feishu.tables must be a mapping of keys, got a list",
                "config.yaml:14:11: feishu.tables.main is required: the id of the main table (run `dingsync setup` to create the tables and print their ids)",
                "config.yaml:15:16: feishu.field_names must be a mapping like {key: \"value\"}, got a list",
                "config.yaml:16:14: feishu.row_limit must be a whole number between 1 and 100000000, got \"0\"",
                "config.yaml:18:15: sync.batch_size must be a whole number between 1 and 1000, got \"0\"",
                "config.yaml:19:16: sync.max_retries must be a whole number between 0 and 20, got \"21\"",
                "config.yaml:20:18: sync.default_hours must be a whole number between 1 and 2880, got \"2881\"",
                "config.yaml:21:14: sync.init_days must be a whole number between 1 and 365, got \"0\"",
                "config.yaml:22:20: sync.full_check_days must be a whole number between 1 and 365, got \"366\"",
                "config.yaml:23:21: sync.lookback_minutes must be a whole number between 0 and 10080, got \"-1\"",
                "config.yaml:24:22: sync.stale_after_hours must be a whole number between 0 and 8760, got \"8761\"",
                "config.yaml:25:28: sync.request_timeout_seconds must be a whole number between 1 and 3600, got \"0\"",
                "config.yaml:26:13: sync.timezone must be an IANA time zone like Asia/Shanghai, got \"Asia/Nowhere\"",
                "config.yaml:27:13: sync.state_db must be a single value, got a list",
                "config.yaml:29:18: mapping.amount_fields must be a list like [\"a\", \"b\"], got a mapping",
                "config.yaml:30:16: mapping.form_fields must be a mapping like {key: \"value\"}, got a list",
                "config.yaml:31:11: mapping.status must be a mapping like {key: \"value\"}, got \"5\"",
                "config.yaml:32:16: mapping.actions.A must be a single value, got a list",
                "config.yaml:34:12: notification.enabled must be true or false, got \"perhaps\"",
                "config.yaml:35:15: notification.on_success must be true or false, got \"2\"",
                "config.yaml:36:16: notification.webhook_url must be an http(s) URL like https://example.com, got \"ftp://x\"",
                "config.yaml:38:5: notification.email.smtp_server is required when notification.email.enabled is true",
                "config.yaml:38:5: notification.email.sender is required when email is enabled: the From address (e.g. sender: \"dingsync@example.com\")",
                "config.yaml:39:16: notification.email.smtp_port must be a whole number between 1 and 65535, got \"70000\"",
                "config.yaml:40:10: notification.email.tls must be one of auto | starttls | ssl | none, got \"maybe\"",
                "config.yaml:41:17: notification.email.recipients needs at least one address when email is enabled",
                "config.yaml:41:18: notification.email.recipients[0] must be a single value, got a list",
                "config.yaml:43:14: notification.alerts.enabled must be true or false, got \"x\"",
                "config.yaml:44:20: notification.alerts.volume_factor must be a whole number between 0 and 1000, got \"1001\"",
                "config.yaml:45:17: notification.alerts.volume_min must be a whole number between 0 and 1000000, got \"-1\"",
                "config.yaml:46:17: notification.alerts.api_errors must be a whole number between 0 and 1000000, got \"1000001\"",
                "config.yaml:47:24: notification.alerts.row_limit_percent must be a whole number between 0 and 100, got \"101\"",
                "config.yaml:49:10: logging.level must be one of TRACE | DEBUG | INFO | WARNING | ERROR | CRITICAL, got \"loud\"",
                "config.yaml:50:14: logging.max_bytes must be a whole number of at least 1024, got \"1000\"",
                "config.yaml:51:17: logging.backup_count must be a whole number between 0 and 100, got \"101\"",
                "config.yaml:53:10: report.top_n must be a whole number between 1 and 1000, got \"0\"",
                "config.yaml:54:13: report.sla_days must be a whole number between 1 and 3650, got \"3651\"",
                "config.yaml:55:3: report.categry_field: unknown key — did you mean report.category_field?",
                "config.yaml:57:9: database.type must be one of sqlite | mysql, got \"oracle\"",
                "config.yaml:58:9: database.port must be a whole number between 1 and 65535, got \"0\"",
                "config.yaml:59:8: database.tls must be one of disabled | preferred | required, got \"on\"",
                "config.yaml:61:1: timezone: unknown key — did you mean sync.timezone?",
                "config.yaml:62:1: tables: unknown key — did you mean feishu.tables?"
            ])
    }
}
