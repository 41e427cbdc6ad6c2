import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// Every expected value below is worked out by hand from the table in `StatsFixture`.
@Suite struct StatsEngineTests {
    let stats = StatsFixture.statistics()

    @Test func overview() {
        let o = stats.overview
        #expect(o.counts.created == 9)
        #expect(o.counts.approved == 4)  // i1 i2 i5 i8
        #expect(o.counts.refused == 1)  // i3
        #expect(o.counts.revoked == 1)  // i4
        #expect(o.counts.cancelled == 1)  // i7
        #expect(o.counts.running == 2)  // i6 i9
        #expect(o.counts.other == 0)
        #expect(o.counts.finished == 7)
        #expect(close(o.counts.passRate, 4.0 / 7.0))
        #expect(o.applicants == 4)
        #expect(o.departments == 3)
        #expect(o.templates == 2)
        #expect(o.totalAmount == 6500)  // 100 + 200 + 5000 + 300 + 800 + 100
    }

    @Test func byDepartmentWithSharedRanks() {
        let rows = stats.departments
        #expect(rows.map(\.name) == ["研发部", "财务部", "销售部"])  // 5, 2, 2 — ties by name
        #expect(rows.map(\.rank) == [1, 2, 2])
        let rd = rows[0]
        #expect(rd.counts.created == 5 && rd.counts.approved == 3 && rd.counts.running == 1 && rd.counts.cancelled == 1)
        #expect(rd.counts.passRate == 0.75)  // 3 approved of 4 finished (i1 i2 i5 i7)
        #expect(rd.applicants == 2)  // 张三, 王五
        #expect(rd.totalAmount == 300)
        #expect(rows[1].counts.passRate == 1)  // 财务部: i8 approved, i9 running
        #expect(rows[2].counts.passRate == 0)  // 销售部: refused + revoked
        #expect(rows[2].totalAmount == 5300)
    }

    @Test func byCategoryIncludingMissingAndDivisionByZero() {
        let rows = Dictionary(uniqueKeysWithValues: stats.categories.map { ($0.name, $0) })
        #expect(rows["差旅"]?.counts.created == 3)
        #expect(rows["差旅"]?.counts.passRate == 1)
        #expect(rows["招待"]?.counts.passRate == 0)
        #expect(rows["（未填写）"]?.counts.created == 2)  // i7, i9
        #expect(rows["病假"]?.counts.created == 1)
        #expect(rows["病假"]?.counts.passRate == nil)  // only a running instance: no rate, not NaN
        #expect(stats.categories.map(\.rank) == [1, 2, 2, 4, 4])
        #expect(stats.categories.first?.name == "差旅")
    }

    @Test func noCategoryFieldMeansNoCategoryFigures() {
        var options = StatsFixture.options()
        options.categoryField = ""
        #expect(StatsEngine.compute(StatsFixture.dataset, options: options).categories.isEmpty)
    }

    @Test func byTemplateNamedFromTitles() {
        #expect(stats.templates.map(\.key) == ["PROC-A", "PROC-B"])
        #expect(stats.templates.map(\.name) == ["报销申请", "请假申请"])
        #expect(stats.templates.map(\.counts.created) == [6, 3])
        #expect(close(stats.templates[0].counts.passRate, 3.0 / 5.0))  // i1 i2 i8 of i1 i2 i3 i4 i8 (i9 running)
    }

    @Test func topApplicants() {
        let all = StatsEngine.topApplicants(StatsFixture.instances, limit: 10)
        // 张三 3; then 2 each: 王五 (1 approved), 赵六 (1 approved), 李四 (0) — ties by approved, then name
        #expect(all.map(\.name) == ["张三", "王五", "赵六", "李四"])
        #expect(all.map(\.rank) == [1, 2, 2, 2])
        #expect(all[0].counts.created == 3 && all[0].counts.approved == 2 && all[0].totalAmount == 300)
        #expect(all[0].department == "研发部")
        let top2 = StatsEngine.topApplicants(StatsFixture.instances, limit: 2)
        #expect(top2.map(\.name) == ["张三", "王五"])
        #expect(stats.topApplicants.count == 4)
    }

    @Test func processingEfficiency() {
        // durations of finished instances, sorted: 1/24, 0.5, 1, 2, 3, 4, 10 (n = 7)
        let e = stats.efficiency
        #expect(e.finished == 7)
        #expect(close(e.meanDays, (1.0 / 24 + 0.5 + 1 + 2 + 3 + 4 + 10) / 7))
        #expect(close(e.medianDays, 2))  // h = 6 × 0.5 = 3 → x[3]
        #expect(close(e.p90Days, 6.4))  // h = 5.4 → 4 + 0.4 × (10 − 4)
        #expect(close(e.minDays, 1.0 / 24))
        #expect(close(e.maxDays, 10))
        #expect(e.slaHours == 72)
        #expect(e.withinSLA == 5)  // ≤ 3 days: 1/24, 0.5, 1, 2, 3
        #expect(e.finishedLate == 2)  // 4, 10
        // i6 is open 11.5 days (a breach, counted against the share); i9 open 1 day (not counted yet)
        #expect(e.openBreaches == 1 && e.openWithin == 1)
        #expect(close(e.withinSLAShare, 5.0 / 8.0))
        let a = stats.efficiencyByTemplate.first { $0.processCode == "PROC-A" }?.efficiency
        #expect(a?.finished == 5)  // 1, 2, 3, 0.5, 10
        #expect(close(a?.medianDays, 2))
    }

    @Test func emptyRangeHasZerosAndNoRates() {
        let empty = StatsEngine.compute(
            StatsDataset(), options: StatsFixture.options(from: "2025-07-01 00:00", to: "2025-07-31 23:59"))
        #expect(empty.overview.counts.created == 0)
        #expect(empty.overview.counts.passRate == nil)
        #expect(empty.overview.totalAmount == nil)
        #expect(empty.departments.isEmpty && empty.templates.isEmpty && empty.topApplicants.isEmpty)
        #expect(empty.efficiency.finished == 0)
        #expect(
            empty.efficiency.meanDays == nil && empty.efficiency.medianDays == nil && empty.efficiency.p90Days == nil)
        #expect(empty.efficiency.withinSLAShare == nil)
        #expect(empty.monthly.map(\.month) == ["2025-07"])
        #expect(empty.monthly[0].counts.created == 0 && empty.monthly[0].counts.passRate == nil)
        #expect(empty.approvers.isEmpty && empty.waiting.isEmpty && empty.slowNodes.isEmpty && empty.amounts.isEmpty)
    }

    @Test func datasetRangeFilterKeepsTasksAndActionsOfKeptInstances() {
        let april = StatsFixture.dataset.created(from: StatsFixture.t("04-01 00:00"), to: StatsFixture.t("04-30 23:59"))
        #expect(april.instances.map(\.id) == ["i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8"])
        #expect(!april.tasks.contains { $0.instanceId == "i9" })
        #expect(april.actions.contains { $0.instanceId == "i8" })
    }
}
