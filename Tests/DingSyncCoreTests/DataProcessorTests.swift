import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// Compact expectations: a row as `name → value`.
private func values(_ row: BitableRow) -> [String: FieldValue] {
    Dictionary(row.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
}

@Suite("DataProcessor: main rows from fixtures (SPEC 4.1)")
struct DataProcessorMainRowTests {
    let processor = DataProcessor()

    @Test("legacy COMPLETED + agree, every column")
    func legacyLeave() throws {
        let detail = try Fixture.legacy(
            "legacy_leave_completed_agree", id: "oyTxr2qkQXqjgjJNZZATZQ00891743470123", code: "PROC-LEAVE")
        let output = processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt)
        #expect(output.main.key == "oyTxr2qkQXqjgjJNZZATZQ00891743470123")
        #expect(output.main.fieldNames == MainTableColumn.allCases.map(\.rawValue))
        #expect(
            output.main.fields.map(\.value) == [
                .text("oyTxr2qkQXqjgjJNZZATZQ00891743470123"),
                .text("202504010915000123456"),
                .text("PROC-LEAVE"),
                .text("王小明提交的请假申请"),
                .text("已同意"),
                .text("王小明"),
                .text("研发中心-平台组"),
                .empty,
                .datetime(1_743_470_123_000),
                .datetime(1_743_476_567_000),
                .number(Decimal(string: "1.79") ?? 0),
                .empty,
                .text("抄送"),
                .datetime(1_743_476_567_000),
                .text("张伟"),
                .text("请假类型: 年假\n开始日期: 2025-04-07\n请假事由: 家中有事\n备注: "),
                .datetime(1_744_704_000_000),
                .text("PROC-LEAVE"),
                .empty,
                .empty
            ])
        #expect(output.warnings == [])
    }

    @Test("legacy COMPLETED + refuse: amount with separators, time order, approver chain, every form type")
    func legacyExpense() throws {
        let detail = try Fixture.legacy("legacy_expense_refused", id: "Pk3dZ9mWq1RtYv0aBcDeFg01231743573910")
        let row = values(processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt).main)
        #expect(row["status"] == .text("已拒绝"))
        #expect(row["applicant"] == .text("李娜"))
        #expect(row["applicant_dept"] == .text("市场部"))
        #expect(row["amount"] == .number(Decimal(string: "1280.5") ?? 0))
        #expect(row["duration_hours"] == .number(Decimal(string: "20.25") ?? 0))
        #expect(row["last_action"] == .text("拒绝"))
        #expect(row["last_action_time"] == .datetime(1_743_646_800_000))
        #expect(row["approver_chain"] == .text("张伟 → 王小明"))
        #expect(
            row["form_data"]
                == .text(
                    """
                    报销事由: 上海客户拜访差旅
                    报销金额: 1,280.50
                    费用明细: 第1行 费用类型=交通费；金额（元）=880.50；票据=高铁票.pdf
                    费用明细: 第2行 费用类型=住宿费；金额（元）=400；票据=
                    附件: 发票汇总.xlsx、行程单.pdf
                    同行人: 王小明、张伟
                    费用承担部门: 市场部
                    发票: invoiceCode=031002300111, invoiceNo=88231234, amount=1280.50, checked=true
                    """))
    }

    @Test("new RUNNING: current_node fallbacks, MoneyField amount, no end time")
    func newRunning() throws {
        let detail = try Fixture.new("new_purchase_running", id: "Rn8sT7uV6wX5yZ4aB3cD2eF11744078841")
        let output = processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt)
        let row = values(output.main)
        #expect(row["status"] == .text("审批中"))
        #expect(row["amount"] == .number(2000))
        #expect(row["start_time"] == .datetime(1_744_078_800_000))
        #expect(row["end_time"] == .empty)
        #expect(row["duration_hours"] == .empty)
        #expect(row["current_node"] == .text("部门主管（李娜）、财务审核（王小明）、ceo0001"))
        #expect(row["last_action"] == .text("评论"))
        #expect(row["last_action_time"] == .datetime(1_744_084_800_000))
        #expect(row["approver_chain"] == .text("系统"))
        #expect(
            row["form_data"]
                == .text(
                    """
                    采购事由: 测试服务器扩容
                    详细说明: 第一批：2台
                    第二批：3台
                    数量: 5
                    采购金额: ¥2,000
                    采购类型: 硬件设备
                    用途: 测试环境、客户演示
                    期望到货日期: 2025-04-20
                    租用开始: 2025-04-20 09:00
                    租用结束: 2025-05-20 18:00
                    租用开始、租用结束（其余）: 30
                    报价单: 报价单A.pdf
                    验收人: 王小明
                    使用部门: 平台组
                    采购明细: 第1行 物品=服务器；数量=5
                    发票: 
                    备注: 
                    """))
        #expect(output.warnings == [])
    }

    @Test(
        "every status through a fixture of either family",
        arguments: [
            ("legacy_new_no_records", true, "审批中"),
            ("new_purchase_running", false, "审批中"),
            ("legacy_leave_completed_agree", true, "已同意"),
            ("new_leave_completed_agree", false, "已同意"),
            ("legacy_expense_refused", true, "已拒绝"),
            ("legacy_terminated", true, "已撤销"),
            ("new_terminated_utc", false, "已撤销"),
            ("legacy_canceled_root", true, "已取消"),
            ("new_leave_unknown_status", false, "SUSPENDED")
        ])
    func statuses(fixture: String, isLegacy: Bool, expected: String) throws {
        let detail =
            isLegacy ? try Fixture.legacy(fixture, id: "X1743470123") : try Fixture.new(fixture, id: "X1743470123")
        let output = processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt)
        #expect(output.main["status"] == .text(expected))
    }

    @Test(
        "status overrides reach the row, FINISHED and REVOKED included",
        arguments: [
            ("legacy_leave_completed_agree", ["FINISHED": "已完成"], "已完成"),
            ("legacy_expense_refused", ["COMPLETED+refuse": "驳回"], "驳回"),
            ("legacy_expense_refused", ["FINISHED.refuse": "驳回"], "驳回"),
            ("legacy_terminated", ["REVOKED": "已拒绝"], "已拒绝"),
            ("legacy_canceled_root", ["TERMINATED": "已拒绝"], "已取消")
        ])
    func statusOverrides(fixture: String, overrides: [String: String], expected: String) throws {
        let detail = try Fixture.legacy(fixture, id: "X")
        let processor = DataProcessor(options: ProcessorOptions(statusOverrides: overrides))
        #expect(
            processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt).main["status"]
                == .text(expected))
    }

    @Test("an instance with no records, tasks or form")
    func empty() throws {
        let detail = try Fixture.legacy("legacy_new_no_records", id: "Mn0pQr1744278330")
        let output = processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt)
        let row = values(output.main)
        #expect(output.actions == [])
        #expect(row["applicant"] == .text("王小明"))
        #expect(row["applicant_dept"] == .empty)
        #expect(row["start_time"] == .datetime(1_744_278_330_000))
        for column in [
            "title", "amount", "end_time", "duration_hours", "current_node", "last_action",
            "last_action_time", "approver_chain", "form_data", "business_id"
        ] {
            #expect(row[column] == .empty, "\(column)")
        }
        #expect(output.warnings == [])
    }

    @Test("root department -1, unknown applicant, amount \"null\" warns")
    func rootDepartment() throws {
        let detail = try Fixture.legacy("legacy_canceled_root", id: "Cx1741996800")
        let output = processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt)
        #expect(output.main["applicant"] == .text("admin001"))
        #expect(output.main["applicant_dept"] == .text("根部门"))
        #expect(output.main["amount"] == .empty)
        #expect(output.main["duration_hours"] == .number(Decimal(string: "0.5") ?? 0))
        #expect(
            output.warnings == [
                "instance Cx1741996800: amount field \"金额\" has value \"null\", which is not a number; amount left empty"
            ])
        let named = NameLookup(departments: ["1": "示例科技有限公司"])
        #expect(
            processor.process(detail, names: named, syncedAt: Fixture.syncedAt).main["applicant_dept"]
                == .text("示例科技有限公司"))
        let custom = DataProcessor(options: ProcessorOptions(rootDeptName: "总公司"))
        #expect(
            custom.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt).main["applicant_dept"]
                == .text("总公司"))
    }

    @Test(
        "odd amounts",
        arguments: [
            ("1,280.50", FieldValue.number(Decimal(string: "1280.5") ?? 0), false),
            ("¥2,000", .number(2000), false),
            ("3000元", .number(3000), false),
            ("null", .empty, true),
            ("", .empty, true),
            ("abc", .empty, true)
        ])
    func amounts(raw: String, expected: FieldValue, warns: Bool) {
        let detail = InstanceDetail(
            instanceId: "A-1", processCode: "P", status: "RUNNING",
            formValues: [.init(name: "报销金额", componentType: "MoneyField", value: raw)])
        let output = processor.process(detail, names: NameLookup(), syncedAt: Fixture.syncedAt)
        #expect(output.main["amount"] == expected)
        #expect(
            output.warnings
                == (warns
                    ? [
                        "instance A-1: amount field \"报销金额\" has value \"\(raw)\", which is not a number; amount left empty"
                    ] : []))
    }

    @Test(
        "duration rounding",
        arguments: [
            (Int64(0), FieldValue.number(0)),
            (3_600_000, .number(1)),
            (5_400_000, .number(Decimal(string: "1.5") ?? 0)),
            (18_000, .number(Decimal(string: "0.01") ?? 0)),
            (17_999, .number(0)),
            (6_444_000, .number(Decimal(string: "1.79") ?? 0)),
            (-18_000, .number(Decimal(string: "-0.01") ?? 0))
        ])
    func duration(milliseconds: Int64, expected: FieldValue) {
        let start = Date(timeIntervalSince1970: 1_743_470_123)
        let end = start.addingTimeInterval(Double(milliseconds) / 1000)
        #expect(DataProcessor.durationHours(from: start, to: end) == expected)
        #expect(DataProcessor.durationHours(from: start, to: nil) == .empty)
        #expect(DataProcessor.durationHours(from: nil, to: end) == .empty)
    }

    @Test("mapping.form_fields adds columns; clashes are reported once, at construction")
    func extraColumns() throws {
        let options = ProcessorOptions(formFields: [
            "费用明细": "expense_items", "同行人": "companions", "不存在": "missing_col", "报销事由": "title", "附件": "companions"
        ])
        let processor = DataProcessor(options: options)
        #expect(processor.formColumns.columns == ["companions", "expense_items", "missing_col"])
        #expect(processor.configurationWarnings.count == 2)
        #expect(processor.configurationWarnings.contains { $0.contains("\"报销事由\"") && $0.contains("\"title\"") })
        let detail = try Fixture.legacy("legacy_expense_refused", id: "X")
        let output = processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt)
        #expect(output.main.fieldNames.suffix(3) == ["companions", "expense_items", "missing_col"])
        #expect(output.main["companions"] == .text("王小明、张伟"))
        #expect(
            output.main["expense_items"] == .text("第1行 费用类型=交通费；金额（元）=880.50；票据=高铁票.pdf\n第2行 费用类型=住宿费；金额（元）=400；票据="))
        #expect(output.main["missing_col"] == .empty)
        #expect(output.main["title"] == .text("李娜提交的报销申请"))
    }
}
