import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

private let base = """
    dingtalk:
      app_key: "dingkey"
      app_secret: "dt-secret-value"
      process_codes: ["PROC-LEAVE", "PROC-EXPENSE"]
    feishu:
      app_id: "cli_x"
      app_secret: "fs-secret-value"
      app_token: "bascnX"
      tables:
        main: "tblMain"

    """

private func load(_ text: String) throws -> LoadedConfig {
    try ConfigLoader.parse(base + text, file: "/etc/dingsync/config.yaml", requirements: .sync, environment: [:])
        .result
}

private func issues(_ text: String) -> [String] { configIssues(base + text) }

@Suite("sla.* keys (SPEC 3) and SLAPolicy (SPEC 8)")
struct ServiceLevelConfigTests {
    @Test func keysDecodeIntoThePolicy() throws {
        let loaded = try load(
            """
            sla:
              hours: 48
              node_hours: 8
              templates:
                PROC-LEAVE: {hours: 24}
                PROC-EXPENSE: {hours: 0, node_hours: 4}
            """)
        #expect(loaded.warnings == [])
        let sla = loaded.config.sla
        #expect(sla.hours == 48 && sla.nodeHours == 8)
        #expect(sla.templates["PROC-LEAVE"] == SLATemplateConfig(hours: 24, nodeHours: nil))
        let policy = SLAPolicy(sla)
        // a template entry replaces the key it names; a key it leaves out falls back to the global one
        #expect(policy.levels(for: "PROC-LEAVE") == .init(hours: 24, nodeHours: 8))
        // 0 exempts the template
        #expect(policy.levels(for: "PROC-EXPENSE") == .init(hours: nil, nodeHours: 4))
        #expect(policy.levels(for: "PROC-OTHER") == .init(hours: 48, nodeHours: 8))
        #expect(!policy.isEmpty)
    }

    @Test func defaultsMeanNoServiceLevel() throws {
        let policy = SLAPolicy(try load("").config.sla)
        #expect(policy == .none && policy.isEmpty)
        #expect(policy.hours(for: "PROC-LEAVE") == nil && policy.nodeHours(for: "PROC-LEAVE") == nil)
        #expect(policy.due(start: Date(timeIntervalSince1970: 0), processCode: "PROC-LEAVE") == nil)
    }

    @Test func badValuesAreNamedWithTheirLine() {
        let found = Set(issues("sla:\n  hours: -1\n  templates:\n    PROC-LEAVE: {hours: x, nodes: 3}\n"))
        let expected: Set<String> = [
            "config.yaml:12:10: sla.hours must be a whole number between 0 and 87600, got \"-1\"",
            "config.yaml:14:28: sla.templates.PROC-LEAVE.nodes: unknown key (known keys here: hours, node_hours)",
            "config.yaml:14:25: sla.templates.PROC-LEAVE.hours must be a whole number between 0 and 87600, got \"x\""
        ]
        #expect(found == expected)
        let scalar = issues("sla:\n  templates:\n    PROC-LEAVE: 24\n")
        #expect(
            scalar == [
                "config.yaml:13:17: sla.templates.PROC-LEAVE must be a mapping like {hours: 24, node_hours: 8}, got \"24\""
            ])
    }

    @Test func anUnknownProcessCodeIsAWarningWithTheClosestCode() throws {
        let loaded = try load("sla:\n  templates:\n    PROC-LEAVF: {hours: 24}\n")
        #expect(
            loaded.warnings == [
                "sla.templates.PROC-LEAVF is not one of dingtalk.process_codes (PROC-LEAVE, PROC-EXPENSE), so its service level applies to no instance — did you mean PROC-LEAVE?"
            ])
    }

    @Test func dueDatesAndOverdue() {
        var config = SLAConfig()
        config.hours = 24
        config.nodeHours = 8
        let policy = SLAPolicy(config)
        let start = Date(timeIntervalSince1970: 1_744_704_000)
        let since = start.addingTimeInterval(3600)
        #expect(policy.due(start: start, processCode: "X") == start.addingTimeInterval(86_400))
        // overdue is the report's rule over the same policy (StatsSLA.breach)
        let levels = StatsSLA(policy: policy)
        func ms(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }
        func breach(nodeSince: Date?, now: Date) -> SLABreach? {
            levels.breach(processCode: "X", createTime: ms(start), nodeSince: nodeSince.map(ms), now: ms(now))
        }
        #expect(breach(nodeSince: since, now: since.addingTimeInterval(3600)) == nil)
        // past the node limit, within the total: due 8 h after reaching the node
        let node = breach(nodeSince: since, now: since.addingTimeInterval(9 * 3600))
        #expect(node?.kind == .node && node?.dueAt == ms(since.addingTimeInterval(8 * 3600)))
        // past the total
        #expect(breach(nodeSince: nil, now: start.addingTimeInterval(90_000))?.kind == .total)
        #expect(
            StatsSLA(policy: .none).breach(
                processCode: "X", createTime: ms(start), nodeSince: ms(since), now: ms(.distantFuture)) == nil)
    }
}

@Suite("template_name, node_since, sla_due (SPEC 4.1)")
struct NewMainFieldsTests {
    private func row(_ detail: InstanceDetail, sla: SLAPolicy = .none, names: NameLookup = Fixture.names)
        -> [String: FieldValue]
    {
        let main = DataProcessor(options: ProcessorOptions(sla: sla)).process(
            detail, names: names, syncedAt: Fixture.syncedAt
        ).main
        return Dictionary(main.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    private func running() -> InstanceDetail {
        let created = Date(timeIntervalSince1970: 1_744_600_000)
        return InstanceDetail(
            instanceId: "i1", processCode: "PROC-LEAVE", title: "王小明提交的请假申请", status: "RUNNING",
            createTime: created,
            tasks: [
                .init(taskId: "1", userId: "a", status: "COMPLETED", createTime: created),
                .init(taskId: "2", userId: "b", status: "RUNNING", createTime: created.addingTimeInterval(7200)),
                .init(taskId: "3", userId: "c", status: "RUNNING", createTime: created.addingTimeInterval(3600))
            ])
    }

    @Test func runningInstance() {
        var config = SLAConfig()
        config.templates = ["PROC-LEAVE": SLATemplateConfig(hours: 24)]
        var names = Fixture.names
        names.templates = ["PROC-LEAVE": "请假申请"]
        let values = row(running(), sla: SLAPolicy(config), names: names)
        #expect(values["template_name"] == .text("请假申请"))
        // the earliest of its RUNNING tasks
        #expect(values["node_since"] == .datetime((1_744_600_000 + 3600) * 1000))
        #expect(values["sla_due"] == .datetime((1_744_600_000 + 86_400) * 1000))
    }

    @Test func finalInstanceAndNoSLA() {
        var detail = running()
        detail.status = "COMPLETED"
        detail.result = "agree"
        detail.finishTime = Date(timeIntervalSince1970: 1_744_700_000)
        let values = row(detail)
        #expect(values["node_since"] == .empty)
        #expect(values["sla_due"] == .empty)
        // no remembered name: the process code
        #expect(values["template_name"] == .text("PROC-LEAVE"))
    }

    @Test func templateNamesAreTheMostCommonTitleSuffix() {
        let names = TemplateNaming.names([
            ("A", "王小明提交的请假申请"), ("A", "李娜提交的请假申请"), ("A", "张伟提交的 休假 "), ("B", "自定义标题"),
            ("C", "x提交的乙"), ("C", "y提交的甲")
        ])
        // a tie goes to the smallest suffix (by code point: 乙 U+4E59 before 甲 U+7532)
        #expect(names == ["A": "请假申请", "C": "乙"])
    }

    @Test func theStateDatabaseRemembersAName() throws {
        let store = try StateStore(path: ":memory:")
        #expect(try store.resolveTemplateNames(codes: ["A"], titles: [("A", "自定义")]) == [:])
        // a dry run chooses a name but does not remember it
        #expect(try store.resolveTemplateNames(codes: ["A"], titles: [("A", "x提交的报销")], remember: false) == ["A": "报销"])
        #expect(try store.templateNames() == [:])
        #expect(try store.resolveTemplateNames(codes: ["A"], titles: [("A", "王小明提交的请假")]) == ["A": "请假"])
        // later titles do not change a remembered name
        #expect(
            try store.resolveTemplateNames(codes: ["A"], titles: [("A", "x提交的报销"), ("A", "y提交的报销")]) == ["A": "请假"])
        #expect(try store.templateNames() == ["A": "请假"])
    }

    @Test func changedColumnsChangeTheHash() {
        let detail = running()
        let plain = DataProcessor().process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt).main
        var config = SLAConfig()
        config.hours = 4
        let withSLA = DataProcessor(options: ProcessorOptions(sla: SLAPolicy(config))).process(
            detail, names: Fixture.names, syncedAt: Fixture.syncedAt
        ).main
        #expect(plain.contentHash != withSLA.contentHash)
    }
}

@Suite("Main-table schema: optional new fields, status as single select")
struct MainSchemaTests {
    let columns = SchemaCheck.mainColumns(naming: FieldNaming([:]), extraColumns: [], statusOptions: ["审批中"])

    private func fields(_ drop: Set<String>, statusType: Int = 3) -> [FeishuField] {
        columns.filter { !drop.contains($0.column) }.map {
            FeishuField(
                fieldId: "fld\($0.column)", name: $0.column, type: $0.column == "status" ? statusType : $0.type,
                isPrimary: $0.column == "instance_id")
        }
    }

    @Test func missingNewFieldsAreAWarningNotAProblem() {
        let actual = fields(["template_name", "node_since", "sla_due"])
        #expect(SchemaCheck.problems(table: "tblM", label: "main", required: columns, actual: actual) == [])
        let missing = SchemaCheck.missingOptional(columns, actual: actual)
        #expect(missing.map(\.column) == ["template_name", "node_since", "sla_due"])
        #expect(
            SchemaCheck.optionalWarning(table: "tblM", label: "main", missing: missing)
                == "main table tblM has no field \"template_name\", \"node_since\", \"sla_due\" (new in this version): rows are written without them; run `dingsync setup` to add them (the next run then rewrites every row once to fill them)"
        )
        // an old field missing is still a problem
        #expect(
            SchemaCheck.problems(table: "tblM", label: "main", required: columns, actual: fields(["title"])) == [
                "main table tblM: field \"title\" is missing (text)"
            ])
    }

    @Test func statusMayBeTextOrSingleSelect() {
        #expect(
            SchemaCheck.problems(table: "t", label: "main", required: columns, actual: fields([], statusType: 1)) == [])
        #expect(
            SchemaCheck.problems(table: "t", label: "main", required: columns, actual: fields([], statusType: 3)) == [])
        #expect(
            SchemaCheck.problems(table: "t", label: "main", required: columns, actual: fields([], statusType: 2)) == [
                "main table t: field \"status\" is number, needs single select or text"
            ])
        let status = columns.first { $0.column == "status" }
        #expect(status?.spec == FeishuFieldSpec(name: "status", type: 3, options: ["审批中"]))
    }

    @Test func statusOptionsFollowTheOverrides() {
        #expect(StatusMapping().optionNames == ["审批中", "已同意", "已拒绝", "已撤销", "已取消"])
        let mapped = StatusMapping(overrides: ["TERMINATED": "已拒绝", "RUNNING": "进行中"])
        // NEW keeps its default; TERMINATED's text is an option once
        #expect(mapped.optionNames == ["进行中", "审批中", "已同意", "已拒绝", "已取消"])
        #expect(mapped.runningText == "进行中")
    }

    @Test func viewFilterValuesAreJSONText() {
        let filter = FeishuViewFilter(conditions: [.init(fieldId: "fldS", op: "is", values: ["审批中"])])
        #expect(
            filter.json.compactText
                == #"{"conjunction":"and","conditions":[{"field_id":"fldS","operator":"is","value":"[\"审批中\"]"}]}"#)
    }
}

@Suite("Omitted optional columns are looked at again while missing")
struct OmittedColumnsTests {
    @Test func aMissingFindingExpiresAPresentOneDoesNot() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        let missing = OmittedColumns()
        #expect(missing.value(now: start) == nil)
        missing.set(["sla_due"], now: start)
        #expect(missing.value(now: start.addingTimeInterval(60)) == ["sla_due"])
        #expect(missing.value(now: start.addingTimeInterval(OmittedColumns.recheckAfter + 1)) == nil)
        let complete = OmittedColumns()
        complete.set([], now: start)
        #expect(complete.value(now: start.addingTimeInterval(86_400)) == [])
    }
}
