import Foundation
import TestSupport
import Testing

@testable import DingSyncBasics
@testable import DingSyncOperations
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// Service levels, overdue notices and digests (SPEC 8), on the store of `StatsStoreTests`:
/// s1 approved 04-30 23:30 → 05-01 23:30 (a1 acted after 24 h), s2 running since 05-01 00:30 at
/// 财务审批 (a2), s3 withdrawn in March.
@Suite struct ManagersTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    /// `sla.hours` (and `sla.node_hours`) for every template, through the report's SLA type.
    func sla(hours: Int, nodeHours: Int = 0, templates: [String: SLATemplateConfig] = [:]) -> StatsSLA {
        var config = SLAConfig()
        config.hours = hours
        config.nodeHours = nodeHours
        config.templates = templates
        return StatsSLA(policy: SLAPolicy(config))
    }
    func ms(_ text: String) -> Int64 { StatsFixture.t(text) }

    @Test func daysAndIsoWeeksInTheSyncTimeZone() {
        let now = StatsStoreTests.date("05-02 00:30")  // Friday 2025-05-02, Beijing
        let day = DigestPeriod.last(.day, now: now, timeZone: shanghai)
        #expect(day.label == "2025-05-01")
        #expect(day.start == ms("05-01 00:00") && day.end == ms("05-02 00:00"))
        #expect(day.previous(timeZone: shanghai).label == "2025-04-30")
        let week = DigestPeriod.last(.week, now: now, timeZone: shanghai)
        #expect(week.label == "2025-W17")  // Mon 04-21 … Sun 04-27
        #expect(week.start == ms("04-21 00:00") && week.end == ms("04-28 00:00"))
        let running = DigestPeriod.containing(now, kind: .week, timeZone: shanghai)
        #expect(running.label == "2025-W18" && running.isRunning(now: now))
        #expect(!week.isRunning(now: now))
        // ISO week-years: 2026-12-31 is in 2026-W53, 2027-01-04 in 2027-W01
        let late = DigestPeriod.containing(
            Date(timeIntervalSince1970: 1_798_700_000), kind: .week, timeZone: shanghai)  // 2026-12-31
        #expect(late.label == "2026-W53")
        #expect(late.end - late.start == 7 * 86_400_000)
    }

    @Test func overdueByTotalOrNodeLimitTheFirstPassed() {
        let open = [
            OpenInstance(instanceId: "a", processCode: "P", createTime: 0, nodeSince: 0),
            OpenInstance(instanceId: "b", processCode: "P", createTime: 0, nodeSince: 40 * 3_600_000),
            OpenInstance(instanceId: "c", processCode: "Q", createTime: 0, nodeSince: 0),
            OpenInstance(instanceId: "d", processCode: "P", createTime: 45 * 3_600_000, nodeSince: 45 * 3_600_000)
        ]
        let levels = sla(hours: 48, nodeHours: 8, templates: ["Q": SLATemplateConfig(hours: 0, nodeHours: 0)])
        let overdue = Overdue.evaluate(open, now: 50 * 3_600_000, sla: levels)
        // a: node limit passed at 8 h (before the 48 h); b: total at 48 h (its node only since 40 h);
        // c: no SLA; d: within both
        #expect(overdue.map(\.instance.instanceId) == ["a", "b"])
        #expect(overdue[0].kind == .node && overdue[0].dueAt == 8 * 3_600_000 && overdue[0].limitHours == 8)
        #expect(overdue[1].kind == .total && overdue[1].dueAt == 48 * 3_600_000)
        #expect(abs(overdue[1].waitedHours - 50) < 1e-9)
    }

    /// One rule: the report's overdue list and the notices/digests agree on what is overdue and by how much.
    @Test func theReportAndTheNoticesShareOneOverdueRule() throws {
        let store = try StatsStoreTests().store(.sqlite)
        let now = ms("05-02 12:30")  // s2 open for 36 h, at 财务审批 since its creation
        let data = try store.statsDataset(from: nil, to: nil, processCode: nil, categoryField: "")
        for (hours, nodeHours) in [(24, 0), (48, 0), (0, 6), (48, 30), (72, 40)] {
            let levels = sla(hours: hours, nodeHours: nodeHours)
            let report = StatsEngine.overdue(data, sla: levels, names: [:], now: now)
            let notices = Overdue.evaluate(try store.openInstances(), now: now, sla: levels)
            #expect(report.map(\.instanceId) == notices.map(\.instance.instanceId), "\(hours)/\(nodeHours)")
            for (r, n) in zip(report, notices) {
                #expect(abs(r.overdueDays * 24 - Double(now - n.dueAt) / 3_600_000) < 1e-6)
            }
        }
        #expect(StatsEngine.overdue(data, sla: sla(hours: 24), names: [:], now: now).map(\.instanceId) == ["s2"])
        #expect(Overdue.evaluate(try store.openInstances(), now: now, sla: sla(hours: 48)).isEmpty)
    }

    @Test(arguments: TestBackend.all) func openInstancesCarryNodeSinceAndApprovers(_ backend: TestBackend) throws {
        let store = try StatsStoreTests().store(backend)
        let open = try store.openInstances()
        #expect(open.map(\.instanceId) == ["s2"])
        #expect(open[0].nodeSince == ms("05-01 00:30"))
        #expect(open[0].nodes == ["财务审批"])
        #expect(open[0].place == "财务审批")
        // without RUNNING tasks: the mirror's current node, else the report's "unknown" label
        var bare = OpenInstance(instanceId: "x", processCode: "P", createTime: 0)
        #expect(bare.place == "（未知节点）")
        bare.currentNode = "主管审批（甲）"
        #expect(bare.place == "主管审批（甲）")
        #expect(open[0].approvers == ["审批人乙"])
        #expect(open[0].applicant == "李四")
        #expect(open[0].businessId == "B2")
    }

    @Test(arguments: TestBackend.all) func noticesAreRememberedOnce(_ backend: TestBackend) throws {
        let store = try StatsStoreTests().store(backend)
        let notices = OverdueNotices(store: store, timeZone: shanghai, sla: sla(hours: 24))
        let now = StatsStoreTests.date("05-03 00:30")  // s2: 48 h open
        let due = try notices.due(now: now)
        #expect(due.map(\.instance.instanceId) == ["s2"])
        let message = try #require(notices.message(due, names: ["PROC-A": "报销"], host: "h"))
        #expect(message.title.contains("1 approval(s) overdue"))
        #expect(message.facts[0].label == "B2 报销")
        #expect(message.facts[0].value.contains("财务审批（审批人乙）"))
        #expect(message.facts[0].value.contains("已等待 2.0 d"))
        #expect(message.facts[0].value.contains("SLA 24 h"))
        try store.recordOverdueNotices(due, at: now)
        #expect(try notices.due(now: now.addingTimeInterval(3600)).isEmpty)
        #expect(try store.notifiedOverdue() == ["s2"])
    }

    @Test(arguments: TestBackend.all) func periodFiguresAndApprovers(_ backend: TestBackend) throws {
        let store = try StatsStoreTests().store(backend)
        let may1 = try store.periodFigures(from: ms("05-01 00:00"), to: ms("05-02 00:00"))
        #expect(may1.created == 1)  // s2
        #expect(may1.finished == 1 && may1.approved == 1 && may1.refused == 0)  // s1 finished 05-01 23:30
        #expect(may1.passRate == 1)
        #expect(close(may1.medianHours, 24))
        let april30 = try store.periodFigures(from: ms("04-30 00:00"), to: ms("05-01 00:00"))
        #expect(april30.created == 1 && april30.finished == 0 && april30.passRate == nil)
        let approvers = try store.approverTimes(from: ms("05-01 00:00"), to: ms("05-02 00:00"))
        #expect(approvers == [ApproverTimes(name: "审批人甲", acted: 1, medianHours: 24, p90Hours: 24)])
    }

    @Test(arguments: TestBackend.all) func digestMessageComparesWithThePeriodBefore(_ backend: TestBackend) throws {
        let store = try StatsStoreTests().store(backend)
        let now = StatsStoreTests.date("05-03 00:30")
        let period = DigestPeriod.containing(StatsStoreTests.date("05-01 12:00"), kind: .day, timeZone: shanghai)
        let content = try Digest.content(
            store: store, period: period, timeZone: shanghai, names: ["PROC-A": "报销"], now: now,
            sla: sla(hours: 24))
        let text = Digest.message(content, timeZone: shanghai, host: "h").plainText
        #expect(text.contains("dingsync 日报 2025-05-01"))
        #expect(text.contains("周期 Period: 2025-05-01 · compared with 2025-04-30"))
        #expect(text.contains("新建 Created: 1 (前一日 1, ±0)"))
        #expect(text.contains("同意 Approved: 1 (前一日 0, +1)"))
        #expect(text.contains("通过率 Pass rate: 100.0% (前一日 n/a)"))
        #expect(text.contains("median 1.0 d, p90 1.0 d of 1 decided"))
        #expect(text.contains("当前超时 Overdue now: 1; longest: B2 报销"))
        #expect(text.contains("审批人甲 median 1.0 d"))
        let noSLA = try Digest.content(
            store: store, period: period, timeZone: shanghai, names: [:], now: now, sla: nil)
        #expect(Digest.message(noSLA, timeZone: shanghai, host: "h").plainText.contains("no service level set"))
    }

    @Test func emailWithAnAttachmentIsMultipart() throws {
        var email = EmailMessage(
            from: "a@example.com", to: ["b@example.com"], subject: "周报", body: "正文",
            date: Date(timeIntervalSince1970: 0),
            messageID: "<x1@example.com>")
        email.attachments = [.workbook("report-2025-W17.xlsx", Data([0x50, 0x4B, 0x03, 0x04]))]
        let text = email.rendered
        #expect(text.contains("Content-Type: multipart/mixed; boundary=\"=_dingsync_x1examplecom\""))
        #expect(text.contains("--=_dingsync_x1examplecom\r\nContent-Type: text/plain; charset=UTF-8"))
        #expect(text.contains("Content-Disposition: attachment; filename=\"report-2025-W17.xlsx\""))
        #expect(text.contains("UEsDBA=="))  // the bytes, base64
        #expect(text.hasSuffix("--=_dingsync_x1examplecom--\r\n"))
        email.attachments = []
        #expect(!email.rendered.contains("multipart"))
    }
}
