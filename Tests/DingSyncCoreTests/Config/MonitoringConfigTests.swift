import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

private func parse(_ text: String) throws -> LoadedConfig {
    try ConfigLoader.parse(
        minimalConfig + text, file: "/etc/dingsync/config.yaml", requirements: .sync, environment: [:]
    ).result
}

private func problems(_ text: String) -> [String] { configIssues(minimalConfig + text) }

/// The keys of doctor, notifications and alerts.
@Suite struct MonitoringConfigTests {
    @Test func defaults() throws {
        let c = try parse("").config
        #expect(c.sync.staleAfterHours == 24)
        #expect(c.feishu.rowLimit == 20_000)
        #expect(c.notification.email.tls == .auto)
        #expect(c.notification.alerts == AlertConfig())
        #expect(c.notification.alerts.enabled)
        #expect(c.notification.alerts.volumeFactor == 3)
        #expect(c.notification.alerts.volumeMin == 10)
        #expect(c.notification.alerts.apiErrors == 20)
        #expect(c.notification.alerts.rowLimitPercent == 90)
    }

    @Test func valuesAreRead() throws {
        let c = try parse(
            """

            sync:
              stale_after_hours: 0
            notification:
              enabled: true
              webhook_url: "https://open.feishu.cn/open-apis/bot/v2/hook/abc"
              email:
                enabled: true
                smtp_server: "smtp.example.com"
                smtp_port: 465
                tls: SSL
                username: "robot@example.com"
                recipients: ["ops@example.com"]
              alerts:
                enabled: false
                volume_factor: 5
                volume_min: 0
                api_errors: 100
                row_limit_percent: 80

            """
        ).config
        #expect(c.sync.staleAfterHours == 0)
        #expect(c.notification.email.tls == .ssl)
        #expect(c.notification.email.fromAddress == "robot@example.com")
        #expect(c.notification.alerts.enabled == false)
        #expect(c.notification.alerts.volumeFactor == 5)
        #expect(c.notification.alerts.volumeMin == 0)
        #expect(c.notification.alerts.apiErrors == 100)
        #expect(c.notification.alerts.rowLimitPercent == 80)
    }

    @Test func rowLimitUnderFeishu() throws {
        let text = minimalConfig.replacingOccurrences(
            of: "  app_token: \"bascnX\"\n", with: "  app_token: \"bascnX\"\n  row_limit: 50000\n")
        let c = try ConfigLoader.parse(text, file: "/c.yaml", requirements: .sync, environment: [:]).result.config
        #expect(c.feishu.rowLimit == 50_000)
    }

    @Test func badValuesNameTheKeyAndLine() {
        #expect(
            problems("\nsync:\n  stale_after_hours: -1\n").first?.contains(
                "sync.stale_after_hours must be a whole number between 0 and 8760") == true)
        #expect(
            problems("\nnotification:\n  alerts:\n    row_limit_percent: 120\n").first?.contains(
                "notification.alerts.row_limit_percent must be a whole number between 0 and 100") == true)
        #expect(
            problems("\nnotification:\n  email:\n    tls: yes-please\n").first?.contains(
                "notification.email.tls must be one of auto | starttls | ssl | none") == true)
        #expect(
            problems("\nnotification:\n  alerts:\n    api_error: 5\n").first?.contains(
                "notification.alerts.api_error: unknown key — did you mean notification.alerts.api_errors?") == true)
    }

    @Test func emailNeedsAFromAddress() {
        let noSender =
            "\nnotification:\n  email:\n    enabled: true\n    smtp_server: \"smtp.example.com\"\n    recipients: [\"ops@example.com\"]\n"
        #expect(problems(noSender).contains { $0.contains("notification.email.sender is required") })
        #expect(problems(noSender + "    sender: \"dingsync@example.com\"\n").isEmpty)
    }

    @Test func plaintextPasswordIsWarnedAbout() throws {
        let loaded = try parse(
            "\nnotification:\n  email:\n    enabled: true\n    smtp_server: \"10.0.0.5\"\n    tls: none\n    username: \"u@example.com\"\n    recipients: [\"ops@example.com\"]\n"
        )
        #expect(loaded.warnings.contains { $0.contains("notification.email.tls is none") })
    }
}
