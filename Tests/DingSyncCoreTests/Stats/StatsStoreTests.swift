import Foundation
import TestSupport
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// The loader and the export read what a sync committed to the state database.
@Suite struct StatsStoreTests {
    static func date(_ text: String) -> Date {
        Date(timeIntervalSince1970: Double(StatsFixture.t(text)) / 1000)
    }

    /// s1: PROC-A, approved, 2025-04-30 23:30 +08:00 → 05-01 23:30, 类别 差旅, 金额 1,200; a1 approves at node 主管审批
    /// (named only by the record's showName). s2: PROC-A, running since 05-01 00:30, task at 财务审批. s3: PROC-B, March.
    static func details() -> [InstanceDetail] {
        [
            InstanceDetail(
                instanceId: "s1", processCode: "PROC-A", title: "张三提交的报销", businessId: "B1", status: "COMPLETED",
                result: "agree",
                createTime: date("04-30 23:30"), finishTime: date("05-01 23:30"), originatorUserId: "u1",
                originatorDeptId: "d1",
                originatorDeptName: "研发部",
                formValues: [
                    .init(id: "s", name: "类别", componentType: "DDSelectField", value: "差旅"),
                    .init(id: "m", name: "金额", componentType: "MoneyField", value: "1,200"),
                    .init(id: "r", name: "事由", componentType: "TextField", value: "客户拜访, 上海")
                ],
                operationRecords: [
                    .init(userId: "u1", date: date("04-30 23:30"), type: "START_PROCESS_INSTANCE", result: "NONE"),
                    .init(
                        userId: "a1", date: date("05-01 23:30"), type: "EXECUTE_TASK_NORMAL", result: "AGREE",
                        remark: "同意",
                        showName: "主管审批", activityId: "act1")
                ],
                tasks: [
                    .init(
                        taskId: "t1", userId: "a1", status: "COMPLETED", result: "AGREE",
                        createTime: date("04-30 23:30"),
                        finishTime: date("05-01 23:30"), activityId: "act1")
                ]),
            InstanceDetail(
                instanceId: "s2", processCode: "PROC-A", title: "李四提交的报销", businessId: "B2", status: "RUNNING",
                createTime: date("05-01 00:30"), originatorUserId: "u2", originatorDeptName: "销售部",
                tasks: [
                    .init(
                        taskId: "t2", userId: "a2", status: "RUNNING", result: "NONE", createTime: date("05-01 00:30"),
                        activityId: "act2", nodeName: "财务审批")
                ]),
            InstanceDetail(
                instanceId: "s3", processCode: "PROC-B", title: "王五提交的请假", status: "TERMINATED",
                createTime: date("03-01 10:00"), finishTime: date("03-01 11:00"), originatorUserId: "u3")
        ]
    }

    func store(_ backend: TestBackend) throws -> StateStore {
        let store = try backend.makeStore()
        let names = NameLookup(users: ["u1": "张三", "u2": "李四", "u3": "王五", "a1": "审批人甲", "a2": "审批人乙"])
        let processor = DataProcessor(options: ProcessorOptions())
        let commits = Self.details().map {
            InstanceCommit(
                detail: $0, processed: processor.process($0, names: names, syncedAt: Self.date("05-02 00:00")),
                ledger: [])
        }
        try store.commit(commits, names: names, at: Self.date("05-02 00:00"))
        return store
    }

    @Test(arguments: TestBackend.all) func loadsInstancesTasksAndRecordsCreatedInTheRange(_ backend: TestBackend) throws
    {
        let store = try store(backend)
        let data = try store.statsDataset(
            from: StatsFixture.t("04-01 00:00"), to: StatsFixture.t("05-31 23:59"), processCode: nil,
            categoryField: "类别")
        #expect(data.instances.map(\.id) == ["s1", "s2"])
        let s1 = try #require(data.instances.first)
        #expect(s1.outcome == .approved)
        #expect(s1.applicantName == "张三" && s1.departmentName == "研发部")
        #expect(s1.amount == 1200)
        #expect(s1.category == "差旅")
        #expect(s1.createTime == StatsFixture.t("04-30 23:30"))
        #expect(close(s1.durationDays, 1))
        #expect(data.instances[1].category == nil)
        #expect(data.tasks.map(\.nodeName) == ["主管审批", "财务审批"])  // s1's from the record's showName
        #expect(data.tasks[0].userName == "审批人甲")
        #expect(data.actions.filter { $0.isApproverAction }.count == 1)
        let only = try store.statsDataset(from: nil, to: nil, processCode: "PROC-B", categoryField: "")
        #expect(only.instances.map(\.id) == ["s3"])
        #expect(only.instances[0].outcome == .revoked)
    }

    /// The streamed path (tasks folded as they arrive, decisions counted in SQL, trend streamed) gives
    /// the figures of the in-memory path on either backend.
    @Test(arguments: TestBackend.all) func streamedFiguresMatchTheListedOnes(_ backend: TestBackend) throws {
        let store = try store(backend)
        var config = Config()
        config.sync.timezone = "Asia/Shanghai"
        config.report.categoryField = "类别"
        config.report.slaDays = 1
        let now = Self.date("05-10 00:00")
        let streamed = try StatsQuery.statistics(
            store: store, config: config, from: nil, to: nil, template: nil, now: now)
        var options = StatsOptions(config: config, now: now, from: nil, to: nil, template: nil)
        options.firstMirrored = StatsFixture.t("03-01 10:00")
        let listed = StatsEngine.compute(
            try store.statsDataset(from: nil, to: nil, processCode: nil, categoryField: "类别"), options: options)
        #expect(streamed.overview == listed.overview && streamed.approvers == listed.approvers)
        #expect(streamed.slowNodes == listed.slowNodes && streamed.efficiency == listed.efficiency)
        #expect(streamed.monthly == listed.monthly && streamed.overdue == listed.overdue)
        #expect(streamed.approvers.first { $0.name == "审批人甲" }?.actions == 1)
        // s2 has been open since 05-01 00:30 with a one-day service level: overdue, waiting on 审批人乙
        #expect(streamed.overdue.map(\.instanceId) == ["s2"] && streamed.overdue.first?.approvers == ["审批人乙"])
        #expect(streamed.templateNames == ["PROC-A": "报销", "PROC-B": "请假"])
        #expect(try store.firstCreateTime(processCode: nil) == StatsFixture.t("03-01 10:00"))
        #expect(try store.firstCreateTime(processCode: "PROC-A") == StatsFixture.t("04-30 23:30"))
        // the report of a week: ISO week 18 of 2025 is 04-28 … 05-04; the trend ends with May
        let week = try StatsQuery.report(
            store: store, config: config, period: .week(ReportWeek(year: 2025, week: 18)), now: now)
        #expect(week.overview.counts.created == 2)
        #expect(week.monthly.last?.month == "2025-05" && week.monthly.count == 12)
        #expect(week.monthly.first { $0.month == "2025-02" }?.hasData == false)  // before s3, the first instance
        #expect(week.monthly.first { $0.month == "2025-03" }?.counts.revoked == 1)
        #expect(throws: UnknownTemplateError.self) {
            try StatsQuery.report(
                store: store, config: config, period: .week(ReportWeek(year: 2025, week: 18)), template: "PROC-X")
        }
    }

    @Test(arguments: TestBackend.all) func endToEndFiguresFromTheStore(_ backend: TestBackend) throws {
        let store = try store(backend)
        var config = Config()
        config.sync.timezone = "Asia/Shanghai"
        config.report.categoryField = "类别"
        let report = try StatsQuery.monthlyReport(
            store: store, config: config, month: ReportMonth(year: 2025, month: 5),
            now: Self.date("05-02 00:30"))
        #expect(report.overview.counts.created == 1)  // s2: 05-01 00:30 +08:00 is May
        #expect(report.monthly.count == 12)
        #expect(report.monthly.suffix(3).map(\.month) == ["2025-03", "2025-04", "2025-05"])
        #expect(report.monthly.suffix(3).map(\.counts.created) == [1, 1, 1])
        #expect(close(report.waiting.first?.waitingDays, 1))
    }

    /// The same data gives the same report, export rows and seed views on both backends.
    @Test func sameFiguresOnBothBackends() throws {
        guard TestBackend.all.contains(.mysql) else { return }
        let lite = try store(.sqlite)
        let my = try store(.mysql)
        var config = Config()
        config.sync.timezone = "Asia/Shanghai"
        config.report.categoryField = "类别"
        let now = Self.date("05-02 00:30")
        let month = ReportMonth(year: 2025, month: 5)
        let a = try StatsQuery.monthlyReport(store: lite, config: config, month: month, now: now)
        let b = try StatsQuery.monthlyReport(store: my, config: config, month: month, now: now)
        // (not their descriptions: a dictionary such as the template names prints in any order)
        #expect(a == b, "\(a)\n\(b)")
        #expect(
            try lite.mirrorMainRows(from: nil, to: nil, formFields: ["类别", "金额"])
                == my.mirrorMainRows(from: nil, to: nil, formFields: ["类别", "金额"]))
        #expect(try lite.mirrorActionRows(from: nil, to: nil) == my.mirrorActionRows(from: nil, to: nil))
        let views =
            "SELECT business_id, process_instance_id, process_code, title, status, result, create_time, finish_time, originator_user_id, originator_user_name, originator_dept_id, originator_dept_name FROM ding_process_instances ORDER BY process_instance_id"
        let liteRows = try lite.db.query(views).map { $0.map { $0.string ?? "NULL" } }
        let myRows = try my.db.query(views).map { $0.map { $0.string ?? "NULL" } }
        #expect(liteRows == myRows)
        #expect(
            liteRows.first == [
                "B1", "s1", "PROC-A", "张三提交的报销", "COMPLETED", "agree", "2025-04-30 23:30:00", "2025-05-01 23:30:00",
                "u1", "张三", "d1", "研发部"
            ])
        let forms =
            "SELECT business_id, process_instance_id, component_name, component_type, value_text FROM ding_form_component_values ORDER BY process_instance_id, component_name"
        #expect(try lite.db.query(forms) == my.db.query(forms))
    }

    @Test func missingDatabaseIsNotCreated() throws {
        var config = Config()
        config.sync.stateDB = try temporaryFolder() + "/none.sqlite"
        #expect(throws: StateMissingError(path: config.sync.stateDB)) { _ = try StatsSource.open(config) }
        #expect(!FileManager.default.fileExists(atPath: config.sync.stateDB))
        #expect(
            StateMissingError(path: "/x/db.sqlite").localizedDescription.contains(
                "no state database at /x/db.sqlite: run a sync first"))
        #expect(StateMissingError(path: "/x").exitStatus == .failed)
    }

    @Test func exportsCSVWithBOMHeaderAndFormColumns() throws {
        let folder = try temporaryFolder()
        let store = try store(.sqlite)
        var config = Config()
        config.sync.timezone = "Asia/Shanghai"
        config.mapping.formFields = ["事由": "reason"]
        config.feishu.fieldNames = ["title": "审批标题"]
        config.sla.hours = 48
        _ = try store.resolveTemplateNames(codes: ["PROC-A"], titles: [])
        let result = try ExportWriter.export(
            store: store, config: config, from: Self.date("04-01 00:00"), to: nil,
            includeActions: true, headers: .keys, to: folder + "/out.csv")
        #expect(result.files == [folder + "/out.csv", folder + "/out-actions.csv"])
        #expect(result.mainRows == 2 && result.actionRows == 2)
        // read the bytes: Foundation's String(contentsOfFile:) would swallow the BOM
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/out.csv"))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = text.dropFirst().components(separatedBy: "\r\n")
        #expect(
            lines[0]
                == "instance_id,business_id,template_code,title,status,applicant,applicant_dept,amount,start_time,end_time,duration_hours,current_node,last_action,last_action_time,approver_chain,form_data,synced_at,template_name,node_since,sla_due,reason"
        )
        #expect(
            lines[1].hasPrefix(
                "s1,B1,PROC-A,张三提交的报销,已同意,张三,研发部,1200.00,2025-04-30 23:30:00,2025-05-01 23:30:00,24.00,,同意,2025-05-01 23:30:00,审批人甲,"
            ))
        // the columns Bitable has: the remembered template name, sla_due by sla.hours, node_since only while open
        #expect(lines[1].hasSuffix(",2025-05-02 00:00:00,报销,,2025-05-02 23:30:00,\"客户拜访, 上海\""))
        let s2 = lines.first { $0.hasPrefix("s2,") } ?? ""
        #expect(s2.contains(",审批中,李四,销售部,,2025-05-01 00:30:00,,,"))
        #expect(s2.hasSuffix(",2025-05-02 00:00:00,报销,2025-05-01 00:30:00,2025-05-03 00:30:00,"), "\(s2)")
        let actions = String(
            decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/out-actions.csv")), as: UTF8.self)
        #expect(
            actions.hasPrefix("\u{FEFF}action_key,instance_id,seq,node_name,approver,action,action_time,comment\r\n"))
        #expect(actions.contains("s1#2,s1,2,主管审批,审批人甲,同意,2025-05-01 23:30:00,同意\r\n"))
        // the default: Chinese names, a field_names rename winning, a form-field column by its field;
        // --template keeps only that template's instances
        let named = try ExportWriter.export(
            store: store, config: config, from: nil, to: nil, template: "PROC-B", includeActions: false,
            to: folder + "/named.csv")
        #expect(named.mainRows == 1)
        let namedLines = String(
            decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/named.csv")), as: UTF8.self
        ).dropFirst().components(separatedBy: "\r\n")
        #expect(namedLines[0].hasPrefix("实例ID,审批编号,模板编码,审批标题,状态,申请人,申请人部门,金额,发起时间,完成时间,耗时（小时）,"))
        #expect(namedLines[0].hasSuffix(",同步时间,模板名称,到达当前节点,时限截止,事由") && namedLines[1].hasPrefix("s3,"))
        // no remembered name: the code; final: no node_since
        #expect(namedLines[1].contains(",PROC-B,,2025-03-03 10:00:00,"), "\(namedLines[1])")
    }

    @Test func exportsXLSXWithDatesAndFrozenHeader() throws {
        let folder = try temporaryFolder()
        let store = try store(.sqlite)
        var config = Config()
        config.sync.timezone = "Asia/Shanghai"
        let result = try ExportWriter.export(
            store: store, config: config, from: nil, to: nil, includeActions: true, to: folder + "/out.xlsx")
        #expect(result.files == [folder + "/out.xlsx"] && result.mainRows == 3)
        let book = try XlsxInspector.inspect(folder + "/out.xlsx")
        #expect(book.sheets.map(\.name) == ["审批实例", "审批动作"])
        let main = try #require(book["审批实例"])
        #expect(main.text("A1") == "实例ID" && main.text("I1") == "发起时间")
        #expect(main.text("A2") == "s3" && main.text("A3") == "s1")  // oldest first
        #expect(main.formats["I3"] == "yyyy-mm-dd hh:mm:ss")
        // 2025-04-30 23:30 in Shanghai as an Excel serial day: 45777 + 23.5/24
        #expect(close(main.number("I3"), 45777 + 23.5 / 24, 1e-6))
        #expect(main.number("H3") == 1200)
        #expect(main.frozenRows == 1)
        #expect(book["审批动作"]?.text("A2") == "s1#1")  // s3 has no records
    }
}
