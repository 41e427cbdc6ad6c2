import Foundation

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// A hand-computed mirror (Asia/Shanghai): every expected figure in the tests is worked out by
/// hand from this table, not by the engine.
///
/// | id | tpl | applicant | dept | outcome | created (+08:00) | finished | days | amount | 类别 |
/// |----|-----|-----------|------|---------|------------------|----------|------|--------|------|
/// | i1 | A | u1 张三 | 研发部 | approved | 04-01 09:00 | 04-02 09:00 | 1 | 100 | 差旅 |
/// | i2 | A | u1 张三 | 研发部 | approved | 04-03 09:00 | 04-05 09:00 | 2 | 200 | 差旅 |
/// | i3 | A | u2 李四 | 销售部 | refused | 04-05 10:00 | 04-08 10:00 | 3 | 5000 | 招待 |
/// | i4 | A | u2 李四 | 销售部 | revoked | 04-06 10:00 | 04-06 22:00 | 0.5 | 300 | 招待 |
/// | i5 | B | u3 王五 | 研发部 | approved | 04-10 08:00 | 04-14 08:00 | 4 | — | 事假 |
/// | i6 | B | u1 张三 | 研发部 | running | 04-20 12:00 | — | — | — | 病假 |
/// | i7 | B | u3 王五 | 研发部 | cancelled | 04-21 12:00 | 04-21 13:00 | 1/24 | — | — |
/// | i8 | A | u4 赵六 | 财务部 | approved | 04-30 23:30 | 05-10 23:30 | 10 | 800 | 差旅 |
/// | i9 | A | u4 赵六 | 财务部 | running | 05-01 00:30 | — | — | 100 | — |
///
/// i8 and i9 straddle the month boundary: 05-01 00:30 +08:00 is still April 30 in UTC.
/// Now is 2025-05-02 01:00 +08:00.
enum StatsFixture {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    /// Epoch ms of a `yyyy-MM-dd HH:mm` time in Asia/Shanghai (2025 unless the text has a year).
    static func t(_ text: String, zone: TimeZone = shanghai) -> Int64 {
        let full = text.count <= 11 ? "2025-" + text : text
        let date = try! TimeArgument.parse(full, role: .start, timeZone: zone, flag: "test")
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static let now = t("05-02 01:00")

    static func instance(
        _ id: String, _ code: String, _ user: String, _ status: String, _ result: String,
        created: String, finished: String?, amount: Double?, category: String?
    ) -> StatsInstance {
        let people = [
            "u1": ("张三", "d1", "研发部"), "u2": ("李四", "d2", "销售部"), "u3": ("王五", "d1", "研发部"), "u4": ("赵六", "d3", "财务部")
        ]
        let (name, deptId, dept) = people[user]!
        let template = code == "PROC-A" ? "报销申请" : "请假申请"
        return StatsInstance(
            id: id, processCode: code, businessId: "B-\(id)", title: "\(name)提交的\(template)", status: status,
            result: result, createTime: t(created), finishTime: finished.map { t($0) }, applicantId: user,
            applicantName: name, departmentId: deptId, departmentName: dept, amount: amount, category: category)
    }

    static let instances: [StatsInstance] = [
        instance(
            "i1", "PROC-A", "u1", "COMPLETED", "agree", created: "04-01 09:00", finished: "04-02 09:00", amount: 100,
            category: "差旅"),
        instance(
            "i2", "PROC-A", "u1", "COMPLETED", "agree", created: "04-03 09:00", finished: "04-05 09:00", amount: 200,
            category: "差旅"),
        instance(
            "i3", "PROC-A", "u2", "COMPLETED", "refuse", created: "04-05 10:00", finished: "04-08 10:00", amount: 5000,
            category: "招待"),
        instance(
            "i4", "PROC-A", "u2", "TERMINATED", "", created: "04-06 10:00", finished: "04-06 22:00", amount: 300,
            category: "招待"),
        instance(
            "i5", "PROC-B", "u3", "COMPLETED", "agree", created: "04-10 08:00", finished: "04-14 08:00", amount: nil,
            category: "事假"),
        instance(
            "i6", "PROC-B", "u1", "RUNNING", "", created: "04-20 12:00", finished: nil, amount: nil, category: "病假"),
        instance(
            "i7", "PROC-B", "u3", "CANCELED", "", created: "04-21 12:00", finished: "04-21 13:00", amount: nil,
            category: nil),
        instance(
            "i8", "PROC-A", "u4", "COMPLETED", "agree", created: "04-30 23:30", finished: "05-10 23:30", amount: 800,
            category: "差旅"),
        instance("i9", "PROC-A", "u4", "RUNNING", "", created: "05-01 00:30", finished: nil, amount: 100, category: nil)
    ]

    /// Approvers a1 审批人甲, a2 审批人乙, a3 审批人丙.
    ///
    /// | instance | approver | node | status | created | finished | hours |
    /// |----------|----------|------|--------|---------|----------|-------|
    /// | i1 | a1 | 主管审批 | COMPLETED | 04-01 09:00 | 04-01 15:00 | 6 |
    /// | i2 | a1 | 主管审批 | COMPLETED | 04-03 09:00 | 04-03 11:00 | 2 |
    /// | i2 | a2 | 财务审批 | COMPLETED | 04-03 11:00 | 04-05 09:00 | 46 |
    /// | i3 | a1 | 主管审批 | COMPLETED | 04-05 10:00 | 04-08 10:00 | 72 |
    /// | i6 | a3 | 人事审批 | RUNNING | 04-20 13:00 | — | (11.5 days to now) |
    /// | i9 | a1 | 主管审批 | RUNNING | 05-01 01:00 | — | (1 day to now) |
    static let tasks: [StatsTask] = [
        task("i1", "a1", "主管审批", "COMPLETED", "AGREE", "04-01 09:00", "04-01 15:00"),
        task("i2", "a1", "主管审批", "COMPLETED", "AGREE", "04-03 09:00", "04-03 11:00"),
        task("i2", "a2", "财务审批", "COMPLETED", "AGREE", "04-03 11:00", "04-05 09:00"),
        task("i3", "a1", "主管审批", "COMPLETED", "REFUSE", "04-05 10:00", "04-08 10:00"),
        task("i6", "a3", "人事审批", "RUNNING", "NONE", "04-20 13:00", nil),
        task("i9", "a1", "主管审批", "RUNNING", "NONE", "05-01 01:00", nil)
    ]

    static func task(
        _ instance: String, _ user: String, _ node: String, _ status: String, _ result: String,
        _ created: String, _ finished: String?
    ) -> StatsTask {
        StatsTask(
            instanceId: instance, userId: user, userName: approverNames[user]!, status: status, result: result,
            createTime: t(created), finishTime: finished.map { t($0) }, nodeName: node)
    }

    static let approverNames = ["a1": "审批人甲", "a2": "审批人乙", "a3": "审批人丙"]

    /// a1: agree i1, agree i2, refuse i3 (3 actions); a2: agree i2, agent-agree i8 (2), a remark on
    /// i2 (not an action); the system's auto-approval on i8 (not an action); the applicant's start.
    static let actions: [StatsAction] = [
        StatsAction(
            instanceId: "i1", userId: "u1", userName: "张三", type: "START_PROCESS_INSTANCE", result: "NONE",
            date: t("04-01 09:00")),
        StatsAction(
            instanceId: "i1", userId: "a1", userName: "审批人甲", type: "EXECUTE_TASK_NORMAL", result: "AGREE",
            date: t("04-01 15:00")),
        StatsAction(
            instanceId: "i2", userId: "a1", userName: "审批人甲", type: "EXECUTE_TASK_NORMAL", result: "AGREE",
            date: t("04-03 11:00")),
        StatsAction(
            instanceId: "i2", userId: "a2", userName: "审批人乙", type: "ADD_REMARK", result: "NONE", date: t("04-04 10:00")
        ),
        StatsAction(
            instanceId: "i2", userId: "a2", userName: "审批人乙", type: "EXECUTE_TASK_NORMAL", result: "AGREE",
            date: t("04-05 09:00")),
        StatsAction(
            instanceId: "i3", userId: "a1", userName: "审批人甲", type: "EXECUTE_TASK_NORMAL", result: "REFUSE",
            date: t("04-08 10:00")),
        StatsAction(
            instanceId: "i8", userId: "a2", userName: "审批人乙", type: "EXECUTE_TASK_AGENT", result: "AGREE",
            date: t("05-05 10:00")),
        StatsAction(
            instanceId: "i8", userId: "a3", userName: "审批人丙", type: "EXECUTE_TASK_AUTO", result: "AGREE",
            date: t("05-10 23:30"))
    ]

    static let dataset = StatsDataset(instances: instances, tasks: tasks, actions: actions)

    /// Options for April–May 2025 with category field 类别, top 10, SLA 3 days.
    static func options(from: String? = "2025-04-01 00:00", to: String? = "2025-05-31 23:59", zone: TimeZone = shanghai)
        -> StatsOptions
    {
        var options = StatsOptions(timeZone: zone, now: now, from: from.map { t($0) }, to: to.map { t($0) })
        options.categoryField = "类别"
        options.slaDays = 3
        return options
    }

    static func statistics() -> Statistics { StatsEngine.compute(dataset, options: options()) }
}

/// Approximate equality for computed doubles.
func close(_ a: Double?, _ b: Double?, _ tolerance: Double = 1e-9) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (let x?, let y?): return abs(x - y) <= tolerance
    default: return false
    }
}
