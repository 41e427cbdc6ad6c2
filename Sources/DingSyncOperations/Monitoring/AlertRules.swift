import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

/// Decides a run's alerts from its summary, the history in the state database and the
/// thresholds. Pure: the same inputs give the same alerts.
///
/// Rules (each off when its threshold is 0, all off with `notification.alerts.enabled: false`):
/// - **many instances**: an incremental run lists ≥ `volume_factor` × the usual number and ≥
///   `volume_min`. "Usual" is the mean over the last 10 completed incremental runs started
///   within 2 hours of the same time of day, on the same kind of day (working day or weekend);
///   at least 3 such runs are needed.
/// - **no instances**: an incremental run on a working day (Monday–Friday) lists none while
///   every one of those comparable runs (at least 3) listed some.
/// - **API errors**: the run got ≥ `api_errors` error answers (retried or not).
/// - **stale checkpoint**: a template's checkpoint is older than `sync.stale_after_hours`.
/// - **quota**: DingTalk's monthly quota is used up, or the projection exceeds it.
/// - **row limit**: a table holds ≥ `row_limit_percent` % of `feishu.row_limit` rows (ledger count).
public enum AlertRules {
    public static let baselineRuns = 10
    public static let minimumBaseline = 3
    public static let timeOfDayWindowMinutes = 120

    public static func evaluate(summary: RunSummary, snapshot: MonitoringSnapshot, thresholds t: AlertThresholds)
        -> [Alert]
    {
        guard t.alerts.enabled, !summary.dryRun else { return [] }
        var alerts: [Alert] = []
        alerts += volume(summary: summary, history: snapshot.history, thresholds: t)
        if t.alerts.apiErrors > 0, summary.apiErrorCount >= t.alerts.apiErrors {
            let top = summary.apiErrors.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            var causes: [String] = []
            if summary.throttled > 0 { causes.append("\(summary.throttled) of them throttling") }
            if summary.unreachable > 0 {
                causes.append("\(summary.unreachable) without any answer (connection refused, DNS, TLS or timeout)")
            }
            var fixes: [String] = []
            if summary.unreachable > 0 {
                fixes.append(
                    "No answer at all: check that this host reaches the API hosts (network, proxy, firewall, DNS) and that dingtalk.api_base_url, dingtalk.base_url and feishu.base_url are right."
                )
            }
            if summary.throttled > 0 {
                fixes.append("Throttling: lower dingtalk.qps or move the cron times off the full hour.")
            }
            fixes.append(
                "Server errors usually pass; if they persist, check the platform's status page. Permission or credential errors: run `dingsync doctor`."
            )
            alerts.append(
                Alert(
                    kind: .apiErrors, title: "\(summary.apiErrorCount) error answers from the APIs in one run",
                    detail: "threshold \(t.alerts.apiErrors); by API: \(top)" + causes.map { "; \($0)" }.joined(),
                    fix: fixes.joined(separator: " ")))
        }
        if t.staleAfterHours > 0 {
            let limit = TimeInterval(t.staleAfterHours) * 3600
            let stale = snapshot.checkpoints.filter { snapshot.now.timeIntervalSince($0.value) > limit }.sorted {
                $0.key < $1.key
            }
            if !stale.isEmpty {
                let list = stale.map {
                    "\($0.key) at \(TimeText.format($0.value, t.timeZone)) (\(age(snapshot.now.timeIntervalSince($0.value))) ago)"
                }
                alerts.append(
                    Alert(
                        kind: .staleCheckpoint,
                        title: "the checkpoint has not advanced for more than \(t.staleAfterHours) h",
                        detail: list.joined(separator: "; "),
                        fix:
                            "Incremental runs are not completing: read the exit codes and summaries of the last runs (log file, `runs` table) and run `dingsync doctor`. Nothing is lost: the next successful run lists everything since the checkpoint."
                    ))
            }
        }
        if summary.clockOffset != nil || !summary.checkpointCorrections.isEmpty {
            var detail: [String] = []
            if let offset = summary.clockOffset {
                detail.append(ServerClock(offset: offset, observedAt: summary.started).describe(platform: "DingTalk"))
            }
            detail += summary.checkpointCorrections
            alerts.append(
                Alert(
                    kind: .clock,
                    title: summary.clockOffset != nil
                        ? "the local clock is wrong" : "a checkpoint was ahead of DingTalk's clock",
                    detail: detail.joined(separator: "; "),
                    fix:
                        "Set the clock right (timedatectl set-ntp true; chronyd or systemd-timesyncd). This run planned on DingTalk's clock and corrected the checkpoint, so nothing was lost; a clock far off also breaks token expiry and the log's times."
                ))
        }
        if let stalest = summary.stalestOpen, stalest > 86_400 {
            alerts.append(
                Alert(
                    kind: .staleOpenRows, title: "open approvals are not refreshed daily",
                    detail:
                        "the stalest open row was last brought up to date \(TimeText.age(stalest)) ago; \(summary.refreshed) open instance(s) were read in this run",
                    fix:
                        "A change inside a running approval (a comment, the next approver) reaches Bitable only when its row is refreshed. Raise dingtalk.monthly_quota if the edition allows more calls (0 reads every open instance every run), run more often, or run `dingsync watch` (events say which instances changed)."
                ))
        }
        let quota = QuotaProjection(
            calls: snapshot.dingtalkCalls, quota: t.monthlyQuota, now: snapshot.now, timeZone: t.timeZone)
        if quota.exhausted {
            alerts.append(
                Alert(
                    kind: .quota, title: "DingTalk's monthly API quota is used up", detail: quota.text,
                    fix:
                        "DingTalk refuses calls (90020 / ApiCountLimitForOrg) until the next calendar month. Upgrade the DingTalk edition for a larger quota, or wait; runs then catch up from the checkpoint."
                ))
        } else if quota.overLimit {
            alerts.append(
                Alert(
                    kind: .quota, title: "DingTalk's monthly API quota will run out at this rate", detail: quota.text,
                    fix:
                        "Run less often (crontab), run --full-check weekly instead of nightly, or raise the quota (DingTalk edition). Each new or changed instance costs one detail call; names are cached."
                ))
        }
        if t.alerts.rowLimitPercent > 0, t.rowLimit > 0 {
            for kind in TableKind.allCases {
                guard let rows = snapshot.tableRows[kind], rows * 100 >= t.alerts.rowLimitPercent * t.rowLimit else {
                    continue
                }
                let table = t.tables[kind].map { " \($0)" } ?? ""
                alerts.append(
                    Alert(
                        kind: .rowLimit, title: "the \(kind.rawValue) table is nearly full",
                        detail:
                            "\(kind.rawValue) table\(table) holds \(rows) of \(t.rowLimit) rows (\(rows * 100 / t.rowLimit) %, alert at \(t.alerts.rowLimitPercent) %)",
                        fix:
                            "Feishu refuses new rows once the table is full (1254103). Start a new table or base before then (DEPLOYMENT.md, \"Move to a new base or table\"), or archive old rows; if your plan allows more rows, raise feishu.row_limit."
                    ))
            }
        }
        return alerts
    }

    /// The volume rules: unusually many instances, or none on a working day.
    static func volume(summary: RunSummary, history: [RunRecord], thresholds t: AlertThresholds) -> [Alert] {
        guard t.alerts.volumeFactor > 0, summary.mode == SyncMode.incremental.name,
            summary.exitStatus == .success || summary.exitStatus == .partial
        else { return [] }
        let working = isWorkingDay(summary.started, t.timeZone)
        let minute = minuteOfDay(summary.started, t.timeZone)
        let comparable = history.filter {
            $0.mode == SyncMode.incremental.name && $0.completed && isWorkingDay($0.startedAt, t.timeZone) == working
                && circularDistance(minuteOfDay($0.startedAt, t.timeZone), minute) <= timeOfDayWindowMinutes
        }.prefix(baselineRuns)
        guard comparable.count >= minimumBaseline else { return [] }
        let mean = Double(comparable.map(\.listed).reduce(0, +)) / Double(comparable.count)
        let usual = String(format: "%.1f", mean)
        if summary.listed >= t.alerts.volumeMin, Double(summary.listed) >= Double(t.alerts.volumeFactor) * mean,
            summary.listed > 0
        {
            return [
                Alert(
                    kind: .manyInstances, title: "unusually many new instances: \(summary.listed)",
                    detail:
                        "this run listed \(summary.listed); the last \(comparable.count) runs at this time of day listed \(usual) on average (alert at \(t.alerts.volumeFactor)×, at least \(t.alerts.volumeMin))",
                    fix:
                        "If a batch was expected (a new template, an import, the month's end) there is nothing to do. Otherwise check in DingTalk that the instances are real. Each instance costs one detail call of the monthly quota."
                )
            ]
        }
        if summary.listed == 0, working, comparable.allSatisfy({ $0.listed > 0 }) {
            let low = comparable.map(\.listed).min() ?? 0
            let high = comparable.map(\.listed).max() ?? 0
            return [
                Alert(
                    kind: .noInstances, title: "no new instances on a working day",
                    detail:
                        "this run listed 0; each of the last \(comparable.count) runs at this time of day listed some (\(low)–\(high), \(usual) on average)",
                    fix:
                        "Check that dingtalk.process_codes are still the templates in use (a template rebuilt in the OA admin gets a new process code) and that `dingsync doctor` reads each code. On a public holiday this is expected."
                )
            ]
        }
        return []
    }

    /// Monday to Friday in `zone` (public holidays are not known).
    public static func isWorkingDay(_ date: Date, _ zone: TimeZone) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let weekday = calendar.component(.weekday, from: date)
        return weekday != 1 && weekday != 7
    }

    static func minuteOfDay(_ date: Date, _ zone: TimeZone) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return (c.hour ?? 0) * 60 + (c.minute ?? 0)
    }

    static func circularDistance(_ a: Int, _ b: Int) -> Int {
        let d = abs(a - b) % 1440
        return min(d, 1440 - d)
    }

    /// "3 d 4 h", "5 h 10 min", "40 min".
    public static func age(_ seconds: TimeInterval) -> String { TimeText.age(seconds) }
}
