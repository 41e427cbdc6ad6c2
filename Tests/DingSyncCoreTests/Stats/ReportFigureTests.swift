import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// The report's figures as a manager reads them (issue 19): service levels that count open
/// breaches, an uncapped overdue list, duplicates by form content, no-data and to-date periods,
/// ISO weeks, template names, Chinese export headers. Expected values are worked out by hand.
@Suite struct ReportFigureTests {
    func t(_ text: String) -> Int64 { StatsFixture.t(text) }

    @Test func slaComplianceCountsOpenBreachesPerTemplate() {
        // PROC-B with a 24-hour service level: i5 took 4 days (late), i7 1 hour (within), i6 has been
        // open 11.5 days (a breach). PROC-A keeps 72 hours: within 1, 2, 3, 0.5; late 10; i9 open 1 day.
        var options = StatsFixture.options()
        options.sla = StatsSLA(hours: 72, templates: ["PROC-B": 24])
        let s = StatsEngine.compute(StatsFixture.dataset, options: options)
        let b = s.efficiencyByTemplate.first { $0.processCode == "PROC-B" }?.efficiency
        #expect(b?.slaHours == 24 && b?.withinSLA == 1 && b?.finishedLate == 1 && b?.openBreaches == 1)
        #expect(close(b?.withinSLAShare, 1.0 / 3))
        let a = s.efficiencyByTemplate.first { $0.processCode == "PROC-A" }?.efficiency
        #expect(a?.withinSLA == 4 && a?.finishedLate == 1 && a?.openBreaches == 0 && a?.openWithin == 1)
        #expect(close(a?.withinSLAShare, 4.0 / 5))
        #expect(s.efficiency.slaHours == nil)  // mixed service levels: no single figure
        #expect(s.efficiency.withinSLA == 5 && s.efficiency.openBreaches == 1)
        #expect(close(s.efficiency.withinSLAShare, 5.0 / 8))
        // without a service level nothing is counted, and the share does not exist (not 100 %)
        options.sla = StatsSLA(hours: nil)
        let none = StatsEngine.compute(StatsFixture.dataset, options: options).efficiency
        #expect(none.withinSLAShare == nil && none.openBreaches == 0 && none.withinSLA == 0)
        // an all-open period whose instances are past their time is 0 %, not "100 %" or "—"
        options.sla = StatsSLA(hours: 72)
        let open = StatsEngine.compute(
            StatsDataset(instances: StatsFixture.instances.filter { $0.id == "i6" }), options: options
        ).efficiency
        #expect(open.withinSLAShare == 0 && open.openBreaches == 1)
    }

    @Test func theSLAKeysReplaceReportSlaDaysAndNodeLimitsMakeOverdue() {
        var config = Config()
        config.report.slaDays = 3
        #expect(StatsOptions(config: config, now: Date(), from: nil, to: nil, template: nil).sla.hours(for: "X") == 72)
        config.sla.hours = 48
        config.sla.nodeHours = 24
        var leave = SLATemplateConfig()
        leave.hours = 8
        config.sla.templates = ["PROC-B": leave]
        let options = StatsOptions(config: config, now: Date(), from: nil, to: nil, template: nil)
        #expect(options.sla.hours(for: "PROC-A") == 48 && options.sla.hours(for: "PROC-B") == 8)
        #expect(options.sla.nodeHours(for: "PROC-A") == 24)
        // i9 (PROC-A) is 24.5 h old, within 48 h, but has waited at 主管审批 for 24 h since 05-01 01:00:
        // not past the 24-hour node limit yet; an hour later it is, by one hour
        var fixture = StatsFixture.options()
        fixture.sla = options.sla
        #expect(StatsEngine.compute(StatsFixture.dataset, options: fixture).overdue.map(\.instanceId) == ["i6"])
        fixture.now += 3_600_000
        let later = StatsEngine.compute(StatsFixture.dataset, options: fixture).overdue
        #expect(later.map(\.instanceId) == ["i6", "i9"])
        #expect(close(later.last?.overdueDays, 1.0 / 24, 1e-9) && later.last?.slaHours == 48)
    }

    @Test func theOverdueListIsCompleteWhateverTopN() {
        var options = StatsFixture.options()
        options.topN = 1
        let stuck = (1...5).map { n in
            StatsInstance(
                id: "o\(n)", processCode: "PROC-B", businessId: "B-o\(n)", title: "张三提交的请假申请",
                createTime: t("04-0\(n) 08:00"), applicantId: "u1", applicantName: "张三")
        }
        var data = StatsFixture.dataset
        data.instances += stuck
        let s = StatsEngine.compute(data, options: options)
        #expect(s.waiting.count == 1)  // the top-N table stays capped …
        // … the overdue list is not: the five stuck ones and i6 (past 72 h); i9 (1 day) is not overdue
        #expect(s.overdue.map(\.instanceId) == ["o1", "o2", "o3", "o4", "o5", "i6"])
        let i6 = s.overdue.last
        // created 04-20 12:00, now 05-02 01:00: 11 d 13 h old, 8 d 13 h past its 3 days
        #expect(close(i6?.ageDays, 11 + 13.0 / 24) && close(i6?.overdueDays, 8 + 13.0 / 24))
        #expect(i6?.node == "人事审批" && i6?.approvers == ["审批人丙"] && i6?.templateName == "请假申请")
        #expect(close(i6?.nodeDays, 11.5))
        let table = StatsTables.overdue(s)
        #expect(table.rows.count == 6)
        #expect(table.rows.last?[1] == .text("请假申请"))  // the template's name, not PROC-B
        // by approver: i6 waits on 审批人丙 (the o* have no tasks: unknown approver)
        let byApprover = StatsTables.overdueByApprover(s)
        let row = byApprover.rows.first { $0.first == .text("审批人丙") }
        #expect(row?[1] == .integer(1))
        #expect(byApprover.rows.first?.first == .text("（未知审批人）") && byApprover.rows.first?[1] == .integer(5))
    }

    @Test func approverMedianAndP90TimeToAct() {
        // 审批人甲 completed tasks of 6, 2 and 72 hours: median 6, p90 h = 1.8 → 6 + 0.8 × 66 = 58.8
        let a1 = StatsFixture.statistics().approvers.first { $0.name == "审批人甲" }
        #expect(close(a1?.medianHoursToAct, 6) && close(a1?.p90HoursToAct, 58.8))
    }

    @Test func stuckVisitsDoNotMakeANodeLookSlow() {
        // the case: most visits leave in about half a day, a few are stuck for weeks
        let now = t("06-30 00:00")
        var instances: [StatsInstance] = []
        var tasks: [StatsTask] = []
        for n in 0..<10 {
            let created = t("06-01 08:00") + Int64(n) * 86_400_000
            instances.append(StatsInstance(id: "f\(n)", status: "COMPLETED", result: "agree", createTime: created))
            tasks.append(
                StatsTask(
                    instanceId: "f\(n)", userId: "a1", createTime: created,
                    finishTime: created + Int64(Double(n % 2 == 0 ? 0.5 : 0.4) * 86_400_000), nodeName: "部门审批"))
        }
        for n in 0..<2 {
            instances.append(StatsInstance(id: "s\(n)", createTime: t("06-02 08:00")))
            tasks.append(
                StatsTask(
                    instanceId: "s\(n)", userId: "a2", status: "RUNNING", result: "NONE", createTime: t("06-02 08:00"),
                    nodeName: "部门审批"))
        }
        let nodes = StatsEngine.slowNodes(
            StatsDataset(instances: instances, tasks: tasks), names: [:], now: now, limit: 5)
        let node = nodes.first
        #expect(node?.finishedVisits == 10 && node?.waitingNow == 2 && node?.visits == 12)
        #expect(close(node?.medianDays, 0.45, 1e-9))  // five 0.4 and five 0.5
        #expect(close(node?.p90Days, 0.5, 1e-9))
        #expect(close(node?.longestWaitingDays, 27 + 16.0 / 24))  // 06-02 08:00 → 06-30 00:00
    }

    @Test func leaveRequestsAreDuplicatesOnlyWhenTheirDatesOverlap() {
        func leave(_ id: String, _ at: String, _ first: String, _ last: String) -> StatsInstance {
            StatsInstance(
                id: id, processCode: "PROC-B", title: "张三提交的请假申请", status: "COMPLETED", result: "agree",
                createTime: t(at), applicantId: "u1", applicantName: "张三",
                dateSpan: DateSpan(first: first, last: last))
        }
        let instances = [
            leave("l1", "06-01 09:00", "2025-06-10", "2025-06-11"),
            leave("l2", "06-01 10:00", "2025-06-20", "2025-06-20"),  // same title, other days: not a duplicate
            leave("l3", "06-01 11:00", "2025-06-11", "2025-06-12")  // overlaps l1 on 06-11
        ]
        let pairs = StatsEngine.duplicates(instances, windowHours: 24)
        #expect(pairs.map { [$0.firstId, $0.secondId] } == [["l1", "l3"]])
        #expect(pairs.first?.reason == .overlappingDates)
        #expect(pairs.first?.dates == "2025-06-10 ~ 2025-06-11 / 2025-06-11 ~ 2025-06-12")
        var s = StatsFixture.statistics()
        s.duplicates = pairs
        #expect(StatsTables.duplicates(s).rows.first?[6] == .text("日期重叠"))
    }

    @Test func dateSpansFromLeaveAndTripForms() {
        func v(_ type: String, _ name: String, _ value: String) -> InstanceDetail.FormValue {
            InstanceDetail.FormValue(id: name, name: name, componentType: type, value: value, extValue: nil)
        }
        #expect(
            DateSpan.of([
                v("DDSelectField", "请假类型", "年假"), v("DDDateField", "开始日期", "2025-06-12"),
                v("DDDateField", "结束日期", "2025-06-10")
            ]) == DateSpan(first: "2025-06-10", last: "2025-06-12"))
        #expect(
            DateSpan.of([v("DDDateRangeField", "[\"开始时间\",\"结束时间\"]", "[\"2025-06-01 09:00\",\"2025-06-03\",3]")])
                == DateSpan(first: "2025-06-01", last: "2025-06-03"))
        #expect(DateSpan.of([v("DDDateField", "发生日期", "2025-06-01")]) == nil)  // one date is no span
        #expect(DateSpan.of([v("TextField", "开始日期", "明天")]) == nil)
        #expect(
            DateSpan(first: "2025-06-01", last: "2025-06-02").overlaps(
                DateSpan(first: "2025-06-02", last: "2025-06-09")))
        #expect(
            !DateSpan(first: "2025-06-01", last: "2025-06-02").overlaps(
                DateSpan(first: "2025-06-03", last: "2025-06-09")))
    }

    @Test func monthsBeforeTheFirstInstanceHaveNoDataAndTheRunningMonthIsToDate() {
        var options = StatsFixture.options(from: "2025-02-01 00:00", to: "2025-05-31 23:59")
        options.firstMirrored = t("04-01 09:00")
        let s = StatsEngine.compute(StatsFixture.dataset, options: options)
        #expect(s.monthly.map(\.month) == ["2025-02", "2025-03", "2025-04", "2025-05"])
        #expect(s.monthly.map(\.hasData) == [false, false, true, true])
        #expect(s.monthly.map(\.toDate) == [false, false, false, true])  // now is 2025-05-02
        let table = StatsTables.monthly(s)
        #expect(table.rows[0] == [.text("2025-02")] + Array(repeating: .text("无数据"), count: 5))
        #expect(table.rows[3].first == .text("2025-05（至今）"))
        #expect(table.rows[2][1] == .integer(8))
        // a month after the first instance with nothing created is a real 0
        options.firstMirrored = t("01-15 00:00")
        let zero = StatsEngine.compute(StatsFixture.dataset, options: options)
        #expect(zero.monthly[1].hasData && zero.monthly[1].counts.created == 0)
        #expect(StatsTime.period(options).contains("至今（截至 2025-05-02 01:00"))
        options.to = t("04-30 23:59")
        #expect(!StatsTime.period(options).contains("至今"))
        // a whole period before the first instance: its overview says no data instead of zeros
        options.from = t("01-01 00:00")
        options.to = t("01-31 23:59")
        options.firstMirrored = t("04-01 09:00")
        let before = StatsEngine.compute(StatsDataset(), options: options)
        #expect(before.beforeFirstData && !s.beforeFirstData)
        #expect(StatsTables.overview(before).rows.first == [.text("创建"), .text("无数据")])
    }

    @Test func isoWeeks() throws {
        let zone = StatsFixture.shanghai
        let w1 = try #require(ReportWeek("2025-W01"))
        #expect(w1.start(in: zone) == t("2024-12-30 00:00"))  // week 1 holds the first Thursday
        #expect(w1.end(in: zone) == t("2025-01-06 00:00") - 1)
        let w17 = try #require(ReportWeek("2025-w17"))
        #expect(w17.text == "2025-W17" && w17.start(in: zone) == t("2025-04-21 00:00"))
        #expect(ReportWeek("2026-W53") != nil)  // 2026 starts on a Thursday: 53 weeks
        #expect(ReportWeek("2025-W53") == nil && ReportWeek("2025-W00") == nil && ReportWeek("2025-17") == nil)
        #expect(ReportPeriod.week(w17).trendMonth(in: zone) == ReportMonth(year: 2025, month: 4))
        #expect(ReportPeriod.week(w1).trendMonth(in: zone) == ReportMonth(year: 2025, month: 1))
        #expect(StatsQuery.defaultReportName(.week(w17)) == "report-2025-W17.xlsx")
    }

    @Test func tablesNameTemplatesNotCodes() {
        let s = StatsFixture.statistics()
        #expect(StatsTables.waiting(s).rows.first?[1] == .text("请假申请"))
        #expect(StatsTables.slowNodes(s).rows.first?[0] == .text("报销申请"))
        #expect(StatsTables.amounts(s).rows.first?[0] == .text("报销申请"))
        // a name known from the whole mirror's titles wins over a code without titles in the period
        let unnamed = StatsDataset(instances: [
            StatsInstance(id: "x", processCode: "PROC-Z", createTime: t("04-02 00:00"))
        ])
        let named = StatsEngine.compute(unnamed, options: StatsFixture.options(), names: ["PROC-Z": "用章申请"])
        #expect(named.templates.first?.name == "用章申请")
        #expect(StatsEngine.compute(unnamed, options: StatsFixture.options()).templates.first?.name == "PROC-Z")
        #expect(
            StatsEngine.templateNames(titles: [("P", "甲提交的请假", 2), ("P", "乙提交的调休", 3), ("P", "自定义标题", 9)])
                == ["P": "调休"])
    }

    @Test func exportHeadersAreChineseNamesOrKeys() {
        var config = Config()
        config.feishu.fieldNames = ["title": "审批标题"]
        config.mapping.formFields = ["请假类型": "leave_type"]
        let names = ExportWriter.mainTable([], config: config)
        #expect(Array(names.columns.prefix(5)) == ["实例ID", "审批编号", "模板编码", "审批标题", "状态"])
        #expect(names.columns.last == "请假类型")
        let keys = ExportWriter.mainTable([], config: config, headers: .keys)
        #expect(Array(keys.columns.prefix(4)) == ["instance_id", "business_id", "template_code", "title"])
        #expect(keys.columns.last == "leave_type")
        #expect(
            ExportWriter.actionTable([], config: config).columns == [
                "动作ID", "实例ID", "序号", "节点", "审批人", "操作", "操作时间", "意见"
            ])
        #expect(ExportWriter.actionTable([], config: config, headers: .keys).columns.first == "action_key")
    }
}
