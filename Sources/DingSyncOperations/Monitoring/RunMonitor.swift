import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation
import Logging

/// After a run: reads what the alert rules need from the state database and the checkpoint,
/// decides the alerts, and sends the run's notification. Never fails the run.
public struct RunMonitor: Sendable {
    let config: Config
    let notifier: Notifier
    let logger: Logger

    public init(config: Config, notifier: Notifier, logger: Logger) {
        self.config = config
        self.notifier = notifier
        self.logger = logger
    }

    /// How many past runs the rules read.
    static let historyDepth = 100

    /// What the rules look at, read after the run (its own row in `runs` left out).
    public static func snapshot(
        store: StateStore, config: Config, summary: RunSummary, processCodes: [String], now: Date
    ) throws -> MonitoringSnapshot {
        let ownStart = DingTalkTime.epochMilliseconds(summary.started)
        let history = try store.recentRuns(limit: historyDepth + 1).filter {
            DingTalkTime.epochMilliseconds($0.startedAt) != ownStart
        }
        let saved = (try? StateBackend(config).checkpoints(in: store).load()) ?? [:]
        var rows: [TableKind: Int] = [.main: try store.ledgerCount(.main)]
        if !config.feishu.tables.action.isEmpty { rows[.action] = try store.ledgerCount(.action) }
        if !config.feishu.tables.detail.isEmpty { rows[.detail] = try store.ledgerCount(.detail) }
        return MonitoringSnapshot(
            history: Array(history.prefix(historyDepth)), checkpoints: saved.filter { processCodes.contains($0.key) },
            dingtalkCalls: try store.calls(
                month: QuotaProjection.monthKey(now, config.sync.timeZone), platform: "dingtalk"),
            tableRows: rows, now: now)
    }

    /// Decides the run's alerts (logged as warnings) and sends its notification. Returns the
    /// summary with its alerts; the exit status is never changed.
    public func afterRun(_ summary: RunSummary, store: StateStore?, processCodes: [String], now: Date = Date()) async
        -> RunSummary
    {
        guard !summary.dryRun else { return summary }
        var result = summary
        if let store {
            do {
                let snapshot = try Self.snapshot(
                    store: store, config: config, summary: summary, processCodes: processCodes, now: now)
                result.alerts = AlertRules.evaluate(
                    summary: summary, snapshot: snapshot, thresholds: AlertThresholds(config: config))
            } catch {
                logger.warning("alerts not evaluated: cannot read the state database (\(error.localizedDescription))")
            }
        }
        for alert in result.alerts { logger.warning("alert: \(alert.title) — \(alert.detail). \(alert.fix)") }
        if notifier.hasChannel {
            let context = NotificationComposer.Context(
                host: notifier.host, configPath: config.sourcePath, timeZone: config.sync.timeZone,
                onSuccess: config.notification.onSuccess)
            if let message = NotificationComposer.compose(summary: result, alerts: result.alerts, context: context) {
                await notifier.deliver(message, now: now)
            }
        }
        // SPEC 8: what became overdue, once each, after every run that got through
        if let store, let sla = DigestRunner.serviceLevels(config),
            [.success, .partial].contains(summary.exitStatus)
        {
            await OverdueNotices(store: store, timeZone: config.sync.timeZone, sla: sla).send(
                notifier: notifier, names: DigestRunner.names(store), logger: logger, now: now)
        }
        return result
    }

    /// Notifies that a run could not start (e.g. the state database cannot be opened).
    public func startFailed(mode: String, error: String, now: Date = Date()) async {
        guard notifier.hasChannel else { return }
        let context = NotificationComposer.Context(
            host: notifier.host, configPath: config.sourcePath, timeZone: config.sync.timeZone,
            onSuccess: config.notification.onSuccess)
        await notifier.deliver(
            NotificationComposer.startFailure(mode: mode, error: error, context: context, at: now), now: now)
    }
}
