import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

/// Decides whether a run is worth a notification and writes it. Pure.
///
/// A failed run (exit 2, or a configuration problem found during the run), a partial run
/// (exit 1), any alert, and — with `notification.on_success` — a clean run each give one
/// message; alerts are merged into the run's message, so one run sends at most one.
public enum NotificationComposer {
    /// Lines of a list (failures, windows, repairs) shown before "… and N more".
    public static let listLimit = 5
    /// Longest value shown; longer ones are cut (the bot refuses bodies over 20 KB).
    public static let valueLimit = 600

    public struct Context: Sendable {
        public var host: String
        public var configPath: String
        public var timeZone: TimeZone
        public var onSuccess: Bool

        public init(host: String, configPath: String, timeZone: TimeZone, onSuccess: Bool) {
            self.host = host
            self.configPath = configPath
            self.timeZone = timeZone
            self.onSuccess = onSuccess
        }
    }

    /// The message for this run, or nil when there is nothing to say.
    public static func compose(summary: RunSummary, alerts: [Alert], context: Context) -> NotificationMessage? {
        guard !summary.dryRun else { return nil }
        let severity: NotificationMessage.Severity
        let title: String
        switch summary.exitStatus {
        case .failed, .usage, .locked:
            severity = .failure
            title = "dingsync: the \(summary.mode) run failed (exit \(summary.exitStatus.rawValue)) · 同步失败"
        case .partial:
            severity = .partial
            title =
                summary.failed == 0 && !summary.incomplete.isEmpty
                ? "dingsync: a listing did not finish, its checkpoint stays (exit 1) · 部分失败"
                : "dingsync: \(summary.failed) instance(s) could not be synced (exit 1) · 部分失败"
        case .interrupted, .terminated:
            severity = .partial
            title = "dingsync: the \(summary.mode) run was stopped (exit \(summary.exitStatus.rawValue)) · 同步被中止"
        case .success:
            if !alerts.isEmpty {
                severity = .alert
                title = "dingsync: \(alerts.count == 1 ? alerts[0].title : "\(alerts.count) alerts") · 告警"
            } else if context.onSuccess {
                severity = .success
                title =
                    "dingsync: the \(summary.mode) run synced \(summary.created) new, \(summary.updated) changed · 同步成功"
            } else {
                return nil
            }
        }

        let zone = context.timeZone
        var facts: [(label: String, value: String)] = []
        let finishedTime = TimeText.format(summary.finished, zone).suffix(8)
        facts.append(
            (
                "Run",
                "\(summary.mode) on \(context.host), \(TimeText.format(summary.started, zone)) → \(finishedTime) (\(String(format: "%.1f", summary.duration)) s), exit \(summary.exitStatus.rawValue)"
            ))
        if let stop = summary.fatalError { facts.append(("Stopped", cut(stop))) }
        facts += list("Window", compactWindows(summary.windows))
        facts.append(
            (
                "Instances",
                "listed \(summary.listed) · re-checked \(summary.rechecked) · retried \(summary.retried) · fetched \(summary.fetched)"
            ))
        facts.append(
            (
                "Main rows",
                "created \(summary.created) · updated \(summary.updated) · unchanged \(summary.unchanged) · failed \(summary.failed)"
            ))
        facts.append(
            (
                "Action rows",
                "created \(summary.actionsCreated) · updated \(summary.actionsUpdated) · deleted \(summary.actionsDeleted)"
            ))
        if !summary.repairs.isEmpty { facts += list("Repaired", summary.repairs) }
        let dingtalk = summary.dingtalkCalls.values.reduce(0, +)
        let feishu = summary.feishuCalls.values.reduce(0, +)
        var calls = "DingTalk \(dingtalk) · Feishu \(feishu)"
        if summary.apiErrorCount > 0 { calls += " · error answers \(summary.apiErrorCount)" }
        facts.append(("API calls", calls))
        facts += list("Failed", summary.failures.map { "\($0.instanceId): \($0.error)" })
        facts += list("Incomplete", summary.incomplete)
        for alert in alerts { facts.append(("Alert", cut("\(alert.title) — \(alert.detail)"))) }

        var fixes: [String] = []
        switch severity {
        case .failure:
            fixes.append(
                "Fix what the \"Stopped\" line names, then run `dingsync doctor --config \(context.configPath)` on \(context.host): it checks credentials, permissions, tables, state and quota in one screen."
            )
            fixes.append("Nothing is lost: the next run continues from the checkpoint.")
        case .partial:
            if summary.exitStatus == .interrupted || summary.exitStatus == .terminated {
                fixes.append(
                    "Nothing is lost: what was fetched was written, the checkpoint did not move, and the next run continues from it."
                )
            } else if !summary.incomplete.isEmpty {
                fixes.append(
                    "The next run lists the incomplete window again. If it keeps failing, DingTalk's listing is misbehaving for that template: see the log."
                )
            }
            if summary.failed > 0 {
                fixes.append(
                    "The failed instances are retried on the next run. If one keeps failing, its error is in the log and in failed_instances of the state database."
                )
            }
        case .alert, .success, .digest:
            break
        }
        fixes += alerts.map { cut($0.fix) }
        let footer = "dingsync \(DingSyncVersion.current) · \(context.host) · \(context.configPath)"
        return NotificationMessage(severity: severity, title: cut(title), facts: facts, fixes: fixes, footer: footer)
    }

    /// A message saying a run could not even start (the state database could not be opened).
    public static func startFailure(mode: String, error: String, context: Context, at date: Date) -> NotificationMessage
    {
        var summary = RunSummary(mode: mode)
        summary.started = date
        summary.finished = date
        summary.exitStatus = .failed
        summary.fatalError = error
        // compose never returns nil for a failed run
        return compose(summary: summary, alerts: [], context: context)
            ?? NotificationMessage(
                severity: .failure, title: "dingsync: the \(mode) run failed", facts: [("Stopped", error)], fixes: [],
                footer: context.host)
    }

    /// "PROC-A 2025-04-01 08:00:00 … 12:00:00" lines sharing one range become one line with the count.
    static func compactWindows(_ windows: [String]) -> [String] {
        var order: [String] = []
        var codes: [String: [String]] = [:]
        for window in windows {
            guard let space = window.firstIndex(of: " ") else {
                order.append(window)
                codes[window] = []
                continue
            }
            let range = String(window[window.index(after: space)...])
            if codes[range] == nil { order.append(range) }
            codes[range, default: []].append(String(window[..<space]))
        }
        return order.map { range in
            guard let list = codes[range], !list.isEmpty else { return range }
            return list.count == 1 ? "\(list[0]) \(range)" : "\(range) (\(list.count) templates)"
        }
    }

    private static func list(_ label: String, _ items: [String]) -> [(label: String, value: String)] {
        var result = items.prefix(listLimit).map { (label: label, value: cut($0)) }
        if items.count > listLimit { result.append((label, "… and \(items.count - listLimit) more (see the log)")) }
        return result
    }

    static func cut(_ text: String) -> String {
        text.count <= valueLimit ? text : String(text.prefix(valueLimit - 1)) + "…"
    }
}
