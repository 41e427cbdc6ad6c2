import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// `[seq, node_name, approver, action, action_time, comment]` of each action row, as text.
private func summary(_ rows: [BitableRow]) -> [[String]] {
    rows.map { row in
        ["seq", "node_name", "approver", "action", "action_time", "comment"].map { row[$0]?.canonicalString ?? "?" }
    }
}

@Suite("DataProcessor: action rows (SPEC 4.2, 4.4)")
struct DataProcessorActionTests {
    let processor = DataProcessor()

    @Test("legacy: keys, seq in time order (an out-of-order record moves), every column")
    func legacyExpense() throws {
        let detail = try Fixture.legacy("legacy_expense_refused", id: "Pk3dZ9mWq1RtYv0aBcDeFg01231743573910")
        let actions = processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt).actions
        #expect(actions.map(\.key) == (1...4).map { "Pk3dZ9mWq1RtYv0aBcDeFg01231743573910#\($0)" })
        #expect(actions[0].fieldNames == ActionTableColumn.allCases.map(\.rawValue))
        #expect(actions[0]["action_key"] == .text("Pk3dZ9mWq1RtYv0aBcDeFg01231743573910#1"))
        #expect(actions[0]["instance_id"] == .text("Pk3dZ9mWq1RtYv0aBcDeFg01231743573910"))
        #expect(actions[0]["seq"] == .number(1))
        #expect(
            summary(actions) == [
                ["1", "", "李娜", "发起", "1743573910000", ""],
                ["2", "", "张伟", "代同意", "1743582600000", "代主管审批"],
                ["3", "", "李娜", "评论", "1743646770000", "发票已补"],
                ["4", "", "王小明", "拒绝", "1743646800000", "发票抬头不对，请重新提交"]
            ])
    }

    @Test("legacy: append, redirect, terminate")
    func legacyTerminated() throws {
        let detail = try Fixture.legacy("legacy_terminated", id: "T1742436000")
        let output = processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt)
        #expect(summary(output.actions).map { $0[3] } == ["发起", "后加签", "转交", "终止"])
        #expect(output.main["approver_chain"] == .empty)
        #expect(output.main["amount"] == .number(3000))
        #expect(output.main["duration_hours"] == .number(Decimal(string: "23.5") ?? 0))
    }

    @Test("new: node names from showName, else the task of the same activityId, else empty")
    func newRunning() throws {
        let detail = try Fixture.new("new_purchase_running", id: "R1744078841")
        let actions = processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt).actions
        #expect(
            summary(actions) == [
                ["1", "提交申请", "张伟", "发起", "1744078800000", ""],
                ["2", "自动审批", "系统", "自动同意", "1744078860000", ""],
                ["3", "财务审核", "李娜", "前加签", "1744081200000", ""],
                ["4", "", "李娜", "转交", "1744081500000", "转给王总"],
                ["5", "", "王小明", "评论", "1744084800000", "附上配置清单"]
            ])
    }

    @Test("new: ties keep API order, unknown type kept raw with a warning, task name fallback")
    func tiesAndUnknown() throws {
        let detail = try Fixture.new("new_leave_unknown_status", id: "U1744444992")
        let output = processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt)
        #expect(
            summary(output.actions) == [
                ["1", "提交申请", "张伟", "发起", "1744444980000", ""],
                ["2", "部门主管", "李娜", "同意", "1744450200000", ""],
                ["3", "人事备案", "王小明", "同意", "1744450200000", ""],
                ["4", "", "robot", "EXECUTE_TASK_MAGIC", "1744450200000", ""],
                ["5", "", "robot", "完成", "1744452000000", ""]
            ])
        #expect(output.main["approver_chain"] == .text("李娜 → 王小明 → robot"))
        #expect(output.main["last_action"] == .text("完成"))
        #expect(output.main["end_time"] == .datetime(1_744_452_000_000))
        #expect(output.main["duration_hours"] == .number(Decimal(string: "1.95") ?? 0))
        #expect(output.main["current_node"] == .empty)
        #expect(
            output.warnings == [
                "instance U1744444992: unknown status \"SUSPENDED\" shown as is; add it to mapping.status to name it",
                "instance U1744444992: unknown operation type \"EXECUTE_TASK_MAGIC\" shown as is; add it to mapping.actions to name it"
            ])
    }

    @Test("new: agent refusal, return, terminate; amount \"null\"; times read as UTC")
    func newTerminated() throws {
        let detail = try Fixture.new("new_terminated_utc", id: "Qw1746498615", reading: .utc)
        let output = processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt)
        #expect(
            summary(output.actions) == [
                ["1", "", "李娜", "发起", "1746498600000", ""],
                ["2", "法务审核", "张伟", "代拒绝", "1746500430000", "条款有误"],
                ["3", "法务审核", "张伟", "退回", "1746500460000", ""],
                ["4", "", "李娜", "终止", "1746510300000", ""]
            ])
        #expect(output.main["start_time"] == .datetime(1_746_498_615_250))
        #expect(output.main["duration_hours"] == .number(Decimal(string: "3.25") ?? 0))
        #expect(output.main["amount"] == .empty)
        #expect(output.warnings.count == 1)
    }

    @Test("seq is stable: ties keep API order, undated records go last, reruns agree")
    func seqStability() {
        let noon = Date(timeIntervalSince1970: 1_744_430_400)
        let records: [InstanceDetail.OperationRecord] = [
            .init(userId: "c", date: noon.addingTimeInterval(60), type: "ADD_REMARK", remark: "third"),
            .init(userId: "x", date: nil, type: "PROCESS_CC", remark: "undated-1"),
            .init(userId: "a", date: noon, type: "ADD_REMARK", remark: "first"),
            .init(userId: "b", date: noon, type: "ADD_REMARK", remark: "second"),
            .init(userId: "y", date: nil, type: "PROCESS_CC", remark: "undated-2")
        ]
        let ordered = DataProcessor.timeOrdered(records)
        #expect(ordered.map(\.remark) == ["first", "second", "third", "undated-1", "undated-2"])
        let detail = InstanceDetail(instanceId: "S-1", processCode: "P", status: "RUNNING", operationRecords: records)
        let first = processor.process(detail, names: NameLookup(), syncedAt: Fixture.syncedAt)
        for _ in 0..<20 {
            #expect(processor.process(detail, names: NameLookup(), syncedAt: Fixture.syncedAt) == first)
        }
        #expect(
            first.actions.map { $0["comment"] }
                == ["first", "second", "third", "undated-1", "undated-2"].map { .text($0) })
        #expect(first.main["last_action"] == .text("抄送"))
        #expect(first.main["last_action_time"] == .empty)
    }

    @Test(
        "every SPEC 4.4 action reaches the action column, with overrides",
        arguments: [
            ("EXECUTE_TASK_NORMAL", "AGREE", [String: String](), "同意"),
            ("EXECUTE_TASK_NORMAL", "REFUSE", [:], "拒绝"),
            ("EXECUTE_TASK_NORMAL", "NONE", [:], "已处理"),
            ("EXECUTE_TASK_AGENT", "AGREE", [:], "代同意"),
            ("EXECUTE_TASK_AGENT", "REFUSE", [:], "代拒绝"),
            ("EXECUTE_TASK_AGENT", "NONE", [:], "代处理"),
            ("EXECUTE_TASK_AUTO", "AGREE", [:], "自动同意"),
            ("EXECUTE_TASK_AUTO", "NONE", [:], "自动处理"),
            ("APPEND_TASK_BEFORE", "NONE", [:], "前加签"),
            ("APPEND_TASK_AFTER", "NONE", [:], "后加签"),
            ("REDIRECT_TASK", "NONE", [:], "转交"),
            ("START_PROCESS_INSTANCE", "NONE", [:], "发起"),
            ("TERMINATE_PROCESS_INSTANCE", "NONE", [:], "终止"),
            ("FINISH_PROCESS_INSTANCE", "NONE", [:], "完成"),
            ("ADD_REMARK", "NONE", [:], "评论"),
            ("REDIRECT_PROCESS", "NONE", [:], "退回"),
            ("PROCESS_CC", "NONE", [:], "抄送"),
            ("SOMETHING_NEW", "NONE", [:], "SOMETHING_NEW"),
            ("EXECUTE_TASK_NORMAL", "AGREE", ["EXECUTE_TASK_NORMAL.AGREE": "通过"], "通过"),
            ("EXECUTE_TASK_NORMAL", "REFUSE", ["EXECUTE_TASK_NORMAL+REFUSE": "驳回"], "驳回"),
            ("PROCESS_CC", "NONE", ["PROCESS_CC": "知会"], "知会")
        ])
    func actionColumn(type: String, result: String, overrides: [String: String], expected: String) {
        let detail = InstanceDetail(
            instanceId: "A-2", processCode: "P", status: "COMPLETED", result: "agree",
            operationRecords: [.init(userId: "u", date: Fixture.syncedAt, type: type, result: result)])
        let output = DataProcessor(options: ProcessorOptions(actionOverrides: overrides))
            .process(detail, names: NameLookup(), syncedAt: Fixture.syncedAt)
        #expect(output.actions.first?["action"] == .text(expected))
        #expect(output.main["last_action"] == .text(expected))
    }
}
