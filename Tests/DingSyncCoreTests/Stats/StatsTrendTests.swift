import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite struct StatsTrendTests {
    @Test func monthsAreBucketedInTheConfiguredZone() {
        let months = StatsEngine.monthlyTrend(StatsFixture.instances, options: StatsFixture.options())
        #expect(months.map(\.month) == ["2025-04", "2025-05"])
        // i9 was created 2025-05-01 00:30 +08:00 (still April 30 in UTC): May
        #expect(months[0].counts.created == 8)
        #expect(months[0].counts.approved == 4)
        #expect(months[0].applicants == 4)
        #expect(months[1].counts.created == 1)
        #expect(months[1].counts.running == 1)
        #expect(months[1].counts.passRate == nil)
        #expect(months[1].applicants == 1)
    }

    @Test func utcBucketingWouldDifferAtTheDayBoundary() {
        let utc = TimeZone(identifier: "UTC")!
        var options = StatsFixture.options(from: nil, to: nil)
        options.timeZone = utc
        let months = StatsEngine.monthlyTrend(StatsFixture.instances, options: options)
        #expect(months.map(\.month) == ["2025-04"])  // in UTC i9 is April 30
        #expect(months[0].counts.created == 9)
    }

    @Test func lastMillisecondOfAMonthAndFirstOfTheNext() {
        let shanghai = StatsFixture.shanghai
        let may1 = ReportMonth(year: 2025, month: 5).start(in: shanghai)
        #expect(may1 == 1_746_028_800_000)  // 2025-04-30T16:00:00Z
        let instances = [StatsInstance(id: "a", createTime: may1 - 1), StatsInstance(id: "b", createTime: may1)]
        let months = StatsEngine.monthlyTrend(instances, options: StatsOptions(timeZone: shanghai, now: may1))
        #expect(months.map(\.month) == ["2025-04", "2025-05"])
        #expect(months.map(\.counts.created) == [1, 1])
        #expect(ReportMonth(year: 2025, month: 4).end(in: shanghai) == may1 - 1)
    }

    @Test func emptyMonthsInsideThePeriodAreListed() {
        let months = StatsEngine.monthlyTrend(
            StatsFixture.instances, options: StatsFixture.options(from: "2025-03-01 00:00", to: "2025-06-30 23:59"))
        #expect(months.map(\.month) == ["2025-03", "2025-04", "2025-05", "2025-06"])
        #expect(months.map(\.counts.created) == [0, 8, 1, 0])
        #expect(months[0].counts.passRate == nil)
    }

    @Test func openPeriodSpansTheData() {
        let months = StatsEngine.monthlyTrend(StatsFixture.instances, options: StatsFixture.options(from: nil, to: nil))
        #expect(months.map(\.month) == ["2025-04", "2025-05"])
        #expect(StatsEngine.monthlyTrend([], options: StatsFixture.options(from: nil, to: nil)).isEmpty)
    }

    @Test func reportMonthParsingAndArithmetic() {
        #expect(ReportMonth("2025-04") == ReportMonth(year: 2025, month: 4))
        #expect(ReportMonth("2025-4") == nil)
        #expect(ReportMonth("2025-13") == nil)
        #expect(ReportMonth("25-04") == nil)
        #expect(ReportMonth(year: 2025, month: 1).adding(months: -1) == ReportMonth(year: 2024, month: 12))
        #expect(ReportMonth(year: 2025, month: 4).adding(months: -11).text == "2024-05")
        #expect(ReportMonth(year: 2025, month: 12).adding(months: 1).text == "2026-01")
    }
}
