import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation
import Logging

/// `dingsync doctor`: one pass over everything a sync needs, one line per check.
///
/// Cheap on the monthly quota: per template one listing call over the last 10 minutes (it
/// proves the listing permission and that the code is readable), one detail call when an
/// instance id is known (from the mirror or that listing), one `user/get` and one
/// `department/get` (contacts calls are exempt from the quota), the two tokens (exempt),
/// and on Feishu the token, the table list and the fields of each table. The calls are
/// added to the month's count in the state database like a run's.
public struct Doctor: Sendable {
    /// The listing window of the template check.
    public static let probeWindow: TimeInterval = 600
    /// Free disk space below which doctor warns / fails.
    public static let warnFreeBytes: Int64 = 500 * 1024 * 1024
    public static let failFreeBytes: Int64 = 50 * 1024 * 1024
    /// Attempts after which a failing instance is worth a warning.
    public static let failingAttempts = 3

    let config: Config
    let configWarnings: [String]
    let dingtalk: DingTalkClient
    let feishu: FeishuClient
    let now: Date

    public init(
        config: Config, configWarnings: [String] = [], transport: HTTPTransport, logger: Logger, now: Date = Date()
    ) {
        self.config = config
        self.configWarnings = configWarnings
        // One retry at most, short timeouts: a health check should answer quickly.
        dingtalk = DingTalkClient(
            options: .init(config: config.dingtalk, timeZone: config.sync.timeZone, maxRetries: 1, requestTimeout: 15),
            transport: transport, logger: logger)
        feishu = FeishuClient(
            options: .init(config: config.feishu, batchSize: config.sync.batchSize, maxRetries: 1, requestTimeout: 15),
            transport: transport, logger: logger)
        self.now = now
    }

    /// Runs every check (never throws: a failure is a line).
    public func run() async -> DoctorReport {
        var checks = [DoctorCheck.ok("config", "\(config.sourcePath) is valid")]
        checks += configWarnings.map { DoctorCheck.warn("config", $0, fix: "see the message") }

        let (store, storeCheck) = openStore()
        let samples = (try? store?.latestInstances(processCodes: config.dingtalk.processCodes)) ?? []
        checks += await dingtalkChecks(samples: samples)
        if let premium = await premiumCheck(store) { checks.append(premium) }
        checks += await feishuChecks()
        if let store {
            // doctor's own calls count against the quota like a run's
            let month = QuotaProjection.monthKey(now, config.sync.timeZone)
            try? store.addCalls(month: month, platform: "dingtalk", calls: await dingtalk.counter.calls)
            try? store.addCalls(month: month, platform: "feishu", calls: await feishu.counter.calls)
        }
        checks.append(storeCheck)
        if let store { checks += stateChecks(store) }
        checks.append(checkpointCheck(store))
        checks.append(logFolderCheck())
        checks += diskChecks()
        checks.append(quotaCheck(store))
        checks.append(notificationCheck())
        return DoctorReport(checks: checks)
    }

    /// The notification channels as configured (nothing is sent).
    func notificationCheck() -> DoctorCheck {
        let n = config.notification
        guard n.enabled else { return .ok("notifications", "off (notification.enabled is false)") }
        var channels: [String] = []
        if !n.webhookURL.isEmpty { channels.append("Feishu bot\(n.secret.isEmpty ? "" : " (signed)")") }
        if n.email.enabled {
            channels.append(
                "email to \(n.email.recipients.joined(separator: ", ")) via \(n.email.smtpServer):\(n.email.smtpPort)")
        }
        guard !channels.isEmpty else {
            return .warn(
                "notifications", "notification.enabled is true but no channel is set",
                fix: "set notification.webhook_url (a Feishu group bot) and/or notification.email")
        }
        let when = n.onSuccess ? "after every run" : "on failed or partial runs and alerts"
        return .ok("notifications", "\(channels.joined(separator: " + ")), \(when) (not sent by doctor)")
    }
}
