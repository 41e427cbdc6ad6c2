import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite("Status mapping (SPEC 4.3)")
struct StatusMappingTests {
    @Test(
        "defaults",
        arguments: [
            ("NEW", "", "审批中"),
            ("RUNNING", "", "审批中"),
            ("COMPLETED", "agree", "已同意"),
            ("COMPLETED", "refuse", "已拒绝"),
            ("COMPLETED", "", "COMPLETED"),
            ("TERMINATED", "", "已撤销"),
            ("TERMINATED", "refuse", "已撤销"),
            ("CANCELED", "", "已取消"),
            ("SUSPENDED", "", "SUSPENDED"),
            ("FINISHED", "agree", "FINISHED"),
            ("", "", "")
        ])
    func defaults(status: String, result: String, expected: String) {
        #expect(StatusMapping().text(status: status, result: result) == expected)
    }

    @Test(
        "overrides by status, status+result (both separators) and legacy names",
        arguments: [
            (["TERMINATED": "已拒绝"], "TERMINATED", "", "已拒绝"),
            (["REVOKED": "撤回"], "TERMINATED", "", "撤回"),
            (["FINISHED": "已完成"], "COMPLETED", "agree", "已完成"),
            (["FINISHED": "已完成"], "COMPLETED", "refuse", "已完成"),
            (["COMPLETED.refuse": "驳回"], "COMPLETED", "refuse", "驳回"),
            (["COMPLETED.refuse": "驳回"], "COMPLETED", "agree", "已同意"),
            (["COMPLETED+refuse": "驳回"], "COMPLETED", "refuse", "驳回"),
            (["FINISHED+agree": "通过"], "COMPLETED", "agree", "通过"),
            (["completed . Refuse": "驳回"], "COMPLETED", "refuse", "驳回"),
            (["COMPLETED": "完成", "COMPLETED.refuse": "驳回"], "COMPLETED", "refuse", "驳回"),
            (["COMPLETED": "完成", "COMPLETED.refuse": "驳回"], "COMPLETED", "agree", "完成"),
            (["COMPLETED": "完成", "FINISHED": "结束"], "COMPLETED", "agree", "完成"),
            (["SUSPENDED": "挂起"], "SUSPENDED", "", "挂起"),
            (["RUNNING": "进行中"], "RUNNING", "", "进行中")
        ])
    func overrides(overrides: [String: String], status: String, result: String, expected: String) {
        #expect(StatusMapping(overrides: overrides).text(status: status, result: result) == expected)
    }

    @Test("unknown statuses are recognised as such")
    func known() {
        #expect(StatusMapping().isKnown(status: "RUNNING", result: ""))
        #expect(!StatusMapping().isKnown(status: "SUSPENDED", result: ""))
        #expect(StatusMapping(overrides: ["SUSPENDED": "挂起"]).isKnown(status: "SUSPENDED", result: ""))
    }
}

@Suite("Action mapping (SPEC 4.4)")
struct ActionMappingTests {
    @Test(
        "defaults for every type and result",
        arguments: [
            ("EXECUTE_TASK_NORMAL", "AGREE", "同意"),
            ("EXECUTE_TASK_NORMAL", "REFUSE", "拒绝"),
            ("EXECUTE_TASK_NORMAL", "NONE", "已处理"),
            ("EXECUTE_TASK_NORMAL", "REDIRECTED", "已处理"),
            ("EXECUTE_TASK_AGENT", "AGREE", "代同意"),
            ("EXECUTE_TASK_AGENT", "REFUSE", "代拒绝"),
            ("EXECUTE_TASK_AGENT", "NONE", "代处理"),
            ("EXECUTE_TASK_AUTO", "AGREE", "自动同意"),
            ("EXECUTE_TASK_AUTO", "REFUSE", "自动处理"),
            ("EXECUTE_TASK_AUTO", "NONE", "自动处理"),
            ("APPEND_TASK_BEFORE", "NONE", "前加签"),
            ("APPEND_TASK_AFTER", "NONE", "后加签"),
            ("REDIRECT_TASK", "NONE", "转交"),
            ("START_PROCESS_INSTANCE", "NONE", "发起"),
            ("TERMINATE_PROCESS_INSTANCE", "NONE", "终止"),
            ("FINISH_PROCESS_INSTANCE", "NONE", "完成"),
            ("ADD_REMARK", "NONE", "评论"),
            ("REDIRECT_PROCESS", "NONE", "退回"),
            ("PROCESS_CC", "NONE", "抄送"),
            ("NONE", "NONE", "NONE"),
            ("EXECUTE_TASK_MAGIC", "AGREE", "EXECUTE_TASK_MAGIC"),
            ("execute_task_normal", "agree", "同意")
        ])
    func defaults(type: String, result: String, expected: String) {
        #expect(ActionMapping().text(type: type, result: result) == expected)
    }

    @Test(
        "overrides by type and type+result",
        arguments: [
            (["PROCESS_CC": "抄送给"], "PROCESS_CC", "NONE", "抄送给"),
            (["EXECUTE_TASK_NORMAL.AGREE": "通过"], "EXECUTE_TASK_NORMAL", "AGREE", "通过"),
            (["EXECUTE_TASK_NORMAL.AGREE": "通过"], "EXECUTE_TASK_NORMAL", "REFUSE", "拒绝"),
            (["EXECUTE_TASK_NORMAL+refuse": "驳回"], "EXECUTE_TASK_NORMAL", "REFUSE", "驳回"),
            (["EXECUTE_TASK_NORMAL": "处理", "EXECUTE_TASK_NORMAL+AGREE": "通过"], "EXECUTE_TASK_NORMAL", "REFUSE", "处理"),
            (["EXECUTE_TASK_MAGIC": "魔法"], "EXECUTE_TASK_MAGIC", "NONE", "魔法")
        ])
    func overrides(overrides: [String: String], type: String, result: String, expected: String) {
        #expect(ActionMapping(overrides: overrides).text(type: type, result: result) == expected)
    }
}
