import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore
import Foundation

/// What a run did, for the console, the log, the state database and notifications.
public struct RunSummary: Sendable, Equatable {
    public var mode: String
    public var dryRun = false
    public var windows: [String] = []
    public var listed = 0
    public var rechecked = 0
    public var retried = 0
    /// Open instances read although nothing said they changed, to keep their rows true (SPEC 5).
    public var refreshed = 0
    /// After this run, how long ago the stalest open row was last brought up to date (nil: no open instance).
    public var stalestOpen: TimeInterval?
    public var fetched = 0
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var failed = 0
    public var actionsCreated = 0
    public var actionsUpdated = 0
    public var actionsDeleted = 0
    public var detailsCreated = 0
    public var detailsUpdated = 0
    public var detailsDeleted = 0
    /// Calls spent finding open instances that finished (listing with a status filter, or details).
    public var recheckCalls = 0
    public var recheckStrategy = ""
    public var repairs: [String] = []
    public var failures: [(instanceId: String, error: String)] = []
    public var warnings: [String] = []
    /// Windows whose listing did not finish (their checkpoints did not move).
    public var incomplete: [String] = []
    /// The server's clock against ours when they differ by more than a minute (seconds, server − local).
    public var clockOffset: TimeInterval?
    /// Checkpoints found ahead of the API's clock and corrected, one sentence each.
    public var checkpointCorrections: [String] = []
    public var dingtalkCalls: [String: Int] = [:]
    public var feishuCalls: [String: Int] = [:]
    public var throttled = 0
    /// Failed attempts that got no HTTP answer at all (refused, DNS, TLS, deadline).
    public var unreachable = 0
    /// Error answers per API (`DingTalk listids`, `Feishu records/batch_create`), retried or not.
    public var apiErrors: [String: Int] = [:]
    public var started = Date()
    public var finished = Date()
    public var exitStatus: ExitStatus = .success
    public var fatalError: String?
    /// Alerts decided after the run (`AlertRules`), also sent with its notification.
    public var alerts: [Alert] = []

    public init(mode: String) { self.mode = mode }

    public static func == (l: RunSummary, r: RunSummary) -> Bool {
        l.mode == r.mode && l.listed == r.listed && l.fetched == r.fetched && l.created == r.created
            && l.updated == r.updated
            && l.unchanged == r.unchanged && l.failed == r.failed && l.exitStatus == r.exitStatus
    }

    /// Adds what a stage did.
    public mutating func add(_ counts: SyncCounts) {
        fetched += counts.fetched
        created += counts.created
        updated += counts.updated
        unchanged += counts.unchanged
        actionsCreated += counts.actionsCreated
        actionsUpdated += counts.actionsUpdated
        actionsDeleted += counts.actionsDeleted
        detailsCreated += counts.detailsCreated
        detailsUpdated += counts.detailsUpdated
        detailsDeleted += counts.detailsDeleted
        failed += counts.failed
        failures += counts.failures.map { ($0.instanceId, $0.error) }
        repairs += counts.repairs
    }

    /// The row the history table keeps of this run.
    public var historyRow: RunRow {
        RunRow(
            started: started, finished: finished, mode: mode, exitCode: exitStatus.rawValue, listed: listed,
            fetched: fetched,
            created: created, updated: updated, unchanged: unchanged, failed: failed, stopped: fatalError)
    }

    public var duration: TimeInterval { finished.timeIntervalSince(started) }

    /// Every error answer of the run.
    public var apiErrorCount: Int { apiErrors.values.reduce(0, +) }

    /// The one-screen summary of SPEC section 2.
    public func text(timeZone: TimeZone) -> String {
        func calls(_ c: [String: Int]) -> String {
            c.isEmpty
                ? "none"
                : "\(c.values.reduce(0, +)) ("
                    + c.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }
        var lines = ["── dingsync \(mode)\(dryRun ? " (dry run: nothing written)" : "") ──"]
        lines += windows.map { "window     \($0)" }
        lines.append(
            "instances  listed \(listed) · re-checked \(rechecked) · refreshed \(refreshed) · retried \(retried) · fetched \(fetched)"
        )
        lines.append(
            "main rows  \(dryRun ? "would create" : "created") \(created) · updated \(updated) · unchanged \(unchanged) · failed \(failed)"
        )
        lines.append("actions    created \(actionsCreated) · updated \(actionsUpdated) · deleted \(actionsDeleted)")
        if detailsCreated + detailsUpdated + detailsDeleted > 0 {
            lines.append("details    created \(detailsCreated) · updated \(detailsUpdated) · deleted \(detailsDeleted)")
        }
        if !recheckStrategy.isEmpty { lines.append("re-check   \(recheckStrategy), \(recheckCalls) call(s)") }
        if let stalestOpen {
            lines.append("open rows  the stalest was last refreshed \(TimeText.age(stalestOpen)) ago")
        }
        if !repairs.isEmpty {
            lines.append("repaired   \(repairs.count)")
            lines += repairs.prefix(20).map { "  · \($0)" }
            if repairs.count > 20 { lines.append("  · … and \(repairs.count - 20) more (see the log)") }
        }
        lines.append(
            "API calls  DingTalk \(calls(dingtalkCalls)); Feishu \(calls(feishuCalls))\(throttled > 0 ? "; throttled answers \(throttled)" : "")\(apiErrorCount > 0 ? "; error answers \(apiErrorCount)" : "")"
        )
        for line in incomplete { lines.append("incomplete \(line)") }
        for line in checkpointCorrections { lines.append("checkpoint \(line)") }
        for failure in failures.prefix(10) { lines.append("failed     \(failure.instanceId): \(failure.error)") }
        if failures.count > 10 { lines.append("failed     … and \(failures.count - 10) more (retried next run)") }
        if let fatalError { lines.append("stopped    \(fatalError)") }
        for alert in alerts { lines.append("alert      \(alert.title) — \(alert.detail)") }
        lines.append(String(format: "duration   %.1f s · exit %d", duration, exitStatus.rawValue))
        return lines.joined(separator: "\n")
    }
}
