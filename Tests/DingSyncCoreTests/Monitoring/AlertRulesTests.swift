import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

private let shanghai = TimeZone(identifier: "Asia/Shanghai")!
/// Wednesday 2025-04-02 12:00 +08:00.
private let wednesdayNoon = Date(timeIntervalSince1970: 1_743_566_400)
private let day: TimeInterval = 86_400

private func run(
    _ daysAgo: Double, hour offset: TimeInterval = 0, listed: Int, mode: String = "incremental", exit: Int = 0
) -> RunRecord {
    RunRecord(
        startedAt: wednesdayNoon.addingTimeInterval(-daysAgo * day + offset * 3600), mode: mode, exitCode: exit,
        listed: listed)
}

private func summary(
    listed: Int, at date: Date = wednesdayNoon, mode: String = "incremental", exit: DingSyncBasics.ExitStatus = .success
) -> RunSummary {
    var s = RunSummary(mode: mode)
    s.listed = listed
    s.started = date
    s.finished = date.addingTimeInterval(30)
    s.exitStatus = exit
    return s
}

/// Noon runs on the last working days listed 5, 6, 7 (mean 6); weekend and morning runs listed 0.
private let history: [RunRecord] = [
    run(0, hour: -4, listed: 0),  // today 08:00: another time of day
    run(1, listed: 5),  // Tue 12:00
    run(1, hour: -4, listed: 0),
    run(2, listed: 6),  // Mon 12:00
    run(3, listed: 0),  // Sun 12:00: weekend
    run(4, listed: 0),  // Sat 12:00: weekend
    run(5, hour: 1, listed: 7),  // Fri 13:00: within 2 h
    run(6, listed: 400, mode: "full-check"),
    run(7, listed: 900, exit: 2)  // failed: not comparable
]

private func alerts(
    _ s: RunSummary, _ snapshot: MonitoringSnapshot = MonitoringSnapshot(history: history, now: wednesdayNoon),
    _ t: AlertThresholds = AlertThresholds(timeZone: shanghai)
) -> [Alert] {
    AlertRules.evaluate(summary: s, snapshot: snapshot, thresholds: t)
}

@Suite struct AlertRulesTests {
    @Test func unusuallyManyInstancesAgainstRunsAtTheSameTimeOfDay() {
        let many = alerts(summary(listed: 30))
        #expect(many.map(\.kind) == [.manyInstances])
        #expect(many.first?.detail.contains("listed 6.0 on average") == true)
        #expect(many.first?.detail.contains("last 3 runs") == true)
        // 17 < 3 × 6: usual enough
        #expect(alerts(summary(listed: 17)).isEmpty)
        // 18 = 3 × 6 reaches it
        #expect(alerts(summary(listed: 18)).map(\.kind) == [.manyInstances])
    }

    @Test func smallNumbersAreNeverTooMany() {
        let quiet = [run(1, listed: 1), run(2, listed: 1), run(5, listed: 1)]
        // 9 is 9× the usual 1, but below volume_min 10
        #expect(alerts(summary(listed: 9), MonitoringSnapshot(history: quiet, now: wednesdayNoon)).isEmpty)
        #expect(
            alerts(summary(listed: 10), MonitoringSnapshot(history: quiet, now: wednesdayNoon)).map(\.kind) == [
                .manyInstances
            ])
    }

    @Test func noInstancesOnAWorkingDayWhenEveryComparableRunHadSome() {
        let none = alerts(summary(listed: 0))
        #expect(none.map(\.kind) == [.noInstances])
        #expect(none.first?.detail.contains("(5–7, 6.0 on average)") == true)
        // one comparable run with 0: a quiet noon is normal
        let mixed = [run(1, listed: 5), run(2, listed: 0), run(5, listed: 7), run(8, listed: 4)]
        #expect(alerts(summary(listed: 0), MonitoringSnapshot(history: mixed, now: wednesdayNoon)).isEmpty)
    }

    @Test func noVolumeAlertOnWeekendsOrWithoutEnoughHistory() {
        let saturday = wednesdayNoon.addingTimeInterval(3 * day)
        let weekends = [run(-3 + 7, listed: 3), run(-4 + 7, listed: 3), run(-3 + 14, listed: 2)]  // Sat/Sun noons
        #expect(alerts(summary(listed: 0, at: saturday), MonitoringSnapshot(history: weekends, now: saturday)).isEmpty)
        let short = Array(history.prefix(4))  // only two comparable runs
        #expect(alerts(summary(listed: 0), MonitoringSnapshot(history: short, now: wednesdayNoon)).isEmpty)
        #expect(alerts(summary(listed: 90), MonitoringSnapshot(history: short, now: wednesdayNoon)).isEmpty)
    }

    @Test func onlyCompletedIncrementalRunsAreJudged() {
        #expect(alerts(summary(listed: 0, mode: "full-check")).isEmpty)
        #expect(alerts(summary(listed: 500, mode: "init")).isEmpty)
        #expect(alerts(summary(listed: 0, exit: .failed)).isEmpty)
        #expect(alerts(summary(listed: 50, exit: .partial)).map(\.kind) == [.manyInstances])
        var off = AlertThresholds(timeZone: shanghai)
        off.alerts.volumeFactor = 0
        #expect(alerts(summary(listed: 500), MonitoringSnapshot(history: history, now: wednesdayNoon), off).isEmpty)
    }

    @Test func apiErrorsOverTheThreshold() {
        var s = summary(listed: 6)
        s.apiErrors = ["DingTalk listids": 15, "Feishu records/search": 5]
        s.throttled = 12
        let found = alerts(s)
        #expect(found.map(\.kind) == [.apiErrors])
        #expect(found.first?.title.hasPrefix("20 error answers") == true)
        #expect(found.first?.detail.contains("DingTalk listids 15, Feishu records/search 5") == true)
        #expect(found.first?.detail.contains("12 of them throttling") == true)
        s.apiErrors["Feishu records/search"] = 4
        #expect(alerts(s).isEmpty)
        var off = AlertThresholds(timeZone: shanghai)
        off.alerts.apiErrors = 0
        s.apiErrors["DingTalk listids"] = 1000
        #expect(alerts(s, MonitoringSnapshot(history: history, now: wednesdayNoon), off).isEmpty)
    }

    @Test func checkpointNotAdvancedForLongerThanTheStaleLimit() {
        let snapshot = MonitoringSnapshot(
            history: history,
            checkpoints: [
                "PROC-A": wednesdayNoon.addingTimeInterval(-30 * 3600),
                "PROC-B": wednesdayNoon.addingTimeInterval(-3600)
            ],
            now: wednesdayNoon)
        let found = alerts(summary(listed: 6, exit: .failed), snapshot)
        #expect(found.map(\.kind) == [.staleCheckpoint])
        #expect(found.first?.detail == "PROC-A at 2025-04-01 06:00:00 (30 h ago)")
        #expect(found.first?.title.contains("24 h") == true)
        var never = AlertThresholds(timeZone: shanghai)
        never.staleAfterHours = 0
        #expect(alerts(summary(listed: 6), snapshot, never).isEmpty)
    }

    @Test func quotaProjectedOverOrUsedUp() {
        // 1.5 days into April (Shanghai): 600 counted calls → 600 × 30 / 1.5 = 12,000 projected
        let calls = [
            "listids": 100, "processinstance/get": 500, "user/get": 3000, "gettoken": 9, "oauth2/accessToken": 9,
            "department/get": 4
        ]
        let over = alerts(
            summary(listed: 6), MonitoringSnapshot(history: history, dingtalkCalls: calls, now: wednesdayNoon))
        #expect(over.map(\.kind) == [.quota])
        #expect(over.first?.detail == "600 of 5000 calls used in 2025-04, 12000 projected for the month")
        #expect(over.first?.title.contains("will run out") == true)
        let used = alerts(
            summary(listed: 6),
            MonitoringSnapshot(history: history, dingtalkCalls: ["processinstance/get": 5000], now: wednesdayNoon))
        #expect(used.first?.title.contains("used up") == true)
        let fine = alerts(
            summary(listed: 6),
            MonitoringSnapshot(history: history, dingtalkCalls: ["listids": 200], now: wednesdayNoon))
        #expect(fine.isEmpty)
        var untracked = AlertThresholds(timeZone: shanghai)
        untracked.monthlyQuota = 0
        #expect(
            alerts(
                summary(listed: 6), MonitoringSnapshot(history: history, dingtalkCalls: calls, now: wednesdayNoon),
                untracked
            ).isEmpty)
    }

    @Test func tableNearItsRowLimit() {
        let t = AlertThresholds(timeZone: shanghai, tables: [.main: "tblM", .action: "tblA"])
        let near = alerts(
            summary(listed: 6),
            MonitoringSnapshot(history: history, tableRows: [.main: 18_000, .action: 17_999], now: wednesdayNoon), t)
        #expect(near.map(\.kind) == [.rowLimit])
        #expect(near.first?.detail == "main table tblM holds 18000 of 20000 rows (90 %, alert at 90 %)")
        let both = alerts(
            summary(listed: 6),
            MonitoringSnapshot(history: history, tableRows: [.main: 100, .action: 20_000], now: wednesdayNoon), t)
        #expect(both.map(\.title) == ["the action table is nearly full"])
    }

    @Test func switchedOffOrDryRunGivesNothing() {
        var off = AlertThresholds(timeZone: shanghai)
        off.alerts.enabled = false
        #expect(alerts(summary(listed: 0), MonitoringSnapshot(history: history, now: wednesdayNoon), off).isEmpty)
        var dry = summary(listed: 0)
        dry.dryRun = true
        #expect(alerts(dry).isEmpty)
    }

    @Test func ageText() {
        #expect(AlertRules.age(59) == "0 min")
        #expect(AlertRules.age(45 * 60) == "45 min")
        #expect(AlertRules.age(3 * 3600 + 600) == "3 h 10 min")
        #expect(AlertRules.age(30 * 3600) == "30 h")
        #expect(AlertRules.age(3 * 86_400 + 4 * 3600) == "3 d 4 h")
    }
}

@Suite struct QuotaProjectionTests {
    @Test func linearProjectionWithAtLeastOneDayElapsed() {
        // 2025-04-01 01:00 +08:00: one hour into the month counts as one day
        let early = Date(timeIntervalSince1970: 1_743_440_400)
        let p = QuotaProjection(calls: ["processinstance/get": 50], quota: 5000, now: early, timeZone: shanghai)
        #expect(p.month == "2025-04")
        #expect(p.projected == 1500)
        #expect(!p.overLimit && !p.exhausted)
    }

    @Test func exemptAPIsAreNotCounted() {
        #expect(
            QuotaProjection.counted([
                "gettoken": 5, "oauth2/accessToken": 5, "user/get": 50, "department/get": 2, "listids": 3
            ]) == 3)
    }

    @Test func endOfMonthProjectsWhatWasUsed() {
        // 2025-04-30 23:00 +08:00
        let late = Date(timeIntervalSince1970: 1_746_025_200)
        let p = QuotaProjection(calls: ["listids": 2900], quota: 3000, now: late, timeZone: shanghai)
        #expect(p.projected >= 2900 && p.projected <= 2905)
        #expect(!p.overLimit)
        #expect(QuotaProjection(calls: ["listids": 3000], quota: 3000, now: late, timeZone: shanghai).exhausted)
    }
}
