import DingSyncPipeline
import Foundation
import Testing

@testable import DingSyncWatch

@Suite struct WatchStatsTests {
    @Test func medianAndP95ByNearestRank() {
        let values = (1...20).map(TimeInterval.init)
        #expect(WatchStats.percentile(values, 0.5) == 10)
        #expect(WatchStats.percentile(values, 0.95) == 19)
        #expect(WatchStats.percentile([], 0.5) == nil)
        #expect(WatchStats.percentile([3], 0.95) == 3)
    }

    @Test func summaryLine() {
        var stats = WatchStats()
        stats.received = 12
        stats.processed = 9
        stats.ignored = 2
        stats.redelivered = 1
        stats.rowsWritten = 14
        stats.detailCalls = 7
        stats.latencies = [1.4, 2.9, 1.0]
        #expect(
            stats.line(minutes: 60)
                == "watch: last 60 min: 12 events received, 9 processed, 2 ignored, 1 redelivered; 14 rows written, "
                + "7 detail calls; latency median 1.4 s, p95 2.9 s; 0 reconnects")
        #expect(WatchStats().line(minutes: 5).contains("latency n/a"))
    }

    @Test func eventQuotaAlertsOncePerLevel() {
        var watch = EventQuotaWatch(quota: 3000)
        let zone = TimeZone(identifier: "Asia/Shanghai") ?? .current
        // the 20th of a 30-day month: 2,500 so far projects past 3,000
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let now = calendar.date(from: DateComponents(year: 2026, month: 4, day: 21, hour: 0)) ?? Date()
        let projected = QuotaProjection(calls: ["bpms_task_change": 2500], quota: 3000, now: now, timeZone: zone)
        #expect(watch.check(projected)?.title == "DingTalk's monthly Stream event quota will run out at this rate")
        #expect(watch.check(projected) == nil)
        let used = QuotaProjection(calls: ["bpms_task_change": 3000], quota: 3000, now: now, timeZone: zone)
        #expect(watch.check(used)?.title == "DingTalk's monthly Stream event quota is used up")
        var off = EventQuotaWatch(quota: 0)
        #expect(off.check(QuotaProjection(calls: ["x": 9999], quota: 0, now: now, timeZone: zone)) == nil)
    }
}
