import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncProcessing

/// The OA premium page (reference §12.2) completed from what a detail read (§3.2) taught.
@Suite struct DetailHintsTests {
    static let id = "oyTxr2qkQXqjgjJNZZATZQ00891743470123"
    static let code = "PROC-7A1B2C3D"

    /// The §3.2 example, with a second form field and a running second node.
    static let detail = """
        {"success": true, "result": {
          "title": "王小明提交的请假申请", "businessId": "202504010915000123456",
          "createTime": "2025-04-01T09:15Z", "originatorUserId": "0123456789012345",
          "originatorDeptId": "582976341", "originatorDeptName": "研发中心-平台组", "status": "RUNNING",
          "bizAction": "NONE", "ccUserIds": ["manager8821"],
          "formComponentValues": [
            {"componentType": "DDSelectField", "id": "DDSelectField_1XO0NHHZ6KJK0", "name": "请假类型",
             "value": "年假", "extValue": "{\\"label\\":\\"年假\\",\\"key\\":\\"option_0\\"}"},
            {"componentType": "MoneyField", "id": "报销金额", "name": "报销金额", "value": "1,200.50"}],
          "operationRecords": [
            {"userId": "0123456789012345", "date": "2025-04-01T09:15Z", "type": "START_PROCESS_INSTANCE",
             "result": "NONE", "showName": "提交申请"},
            {"userId": "205937523932471911", "date": "2025-04-01T11:02Z", "type": "EXECUTE_TASK_NORMAL",
             "result": "AGREE", "remark": "同意，注意交接", "showName": "部门主管", "activityId": "b39a_73fb"}],
          "tasks": [
            {"taskId": 74296847418, "userId": "205937523932471911", "status": "COMPLETED", "result": "AGREE",
             "createTime": "2025-04-01T09:15Z", "finishTime": "2025-04-01T11:02Z", "activityId": "b39a_73fb",
             "taskGroupName": "部门主管"},
            {"taskId": 74296847419, "userId": "manager8821", "status": "RUNNING", "result": "NONE",
             "createTime": "2025-04-01T11:02Z", "activityId": "c7d1_0a2e", "taskGroupName": "人事审批"}]}}
        """

    /// The same instance as the premium listing gives it (epoch ms, §12.2 names).
    static let page = """
        {"result": {"nextToken": "2", "hasMore": false, "maxResults": 20, "list": [
         {"processInstanceId": "\(id)", "businessId": "202504010915000123456",
          "title": "王小明提交的请假申请", "status": "RUNNING", "result": "",
          "createTime": 1743470123000, "createTimeInMills": 1743470123000,
          "originatorUserid": "0123456789012345", "originatorDeptId": "582976341",
          "mainProcessInstanceId": "", "attachedProcessInstanceIds": "",
          "formComponentValues": [
           {"name": "请假类型", "id": "DDSelectField_1XO0NHHZ6KJK0", "value": "年假", "extValue": "{\\"label\\":\\"年假\\",\\"key\\":\\"option_0\\"}"},
           {"name": "报销金额", "id": "报销金额", "value": "1,200.50"}],
          "operationRecords": [
           {"timestamp": 1743470123000, "result": "NONE", "operationType": "START_PROCESS_INSTANCE", "userId": "0123456789012345"},
           {"timestamp": 1743476566000, "result": "AGREE", "operationType": "EXECUTE_TASK_NORMAL", "userId": "205937523932471911",
            "remark": "同意，注意交接"}],
          "tasks": [
           {"userId": "205937523932471911", "status": "COMPLETED", "result": "AGREE", "createTimestamp": 1743470124000,
            "finishTimestamp": 1743476566000, "taskId": 74296847418, "activityId": "b39a_73fb"},
           {"userId": "manager8821", "status": "RUNNING", "result": "NONE", "createTimestamp": 1743476566000,
            "taskId": 74296847419, "activityId": "c7d1_0a2e"}]}]}}
        """

    static func read() throws -> InstanceDetail {
        try InstanceDetail.decodeNewAPI(Data(detail.utf8), instanceId: id, processCode: code, timeReading: .local)
    }

    static func listed() throws -> PremiumInstance {
        let page = try PremiumInstance.decodePage(Data(page.utf8), processCode: code)
        #expect(page.hasMore == false)
        guard let first = page.instances.first else {
            throw DingTalkDecodingError.missingPayload(instanceId: id, endpoint: "", key: "list")
        }
        return first
    }

    @Test func completedInstanceGivesTheRowsOfTheDetailRead() throws {
        let premium = try Self.listed()
        var hints = DetailHints()
        #expect(hints.complete(premium) == nil, "nothing learned yet: a detail read is needed")
        #expect(hints.missing(premium).contains(DetailHints.Key(processCode: "", name: "dept:582976341")))
        let read = try Self.read()
        hints.learn(from: read)
        let completed = try #require(hints.complete(premium))
        let processor = DataProcessor()
        let names = NameLookup(users: ["0123456789012345": "王小明", "205937523932471911": "张伟", "manager8821": "李娜"])
        let a = processor.process(completed, names: names, syncedAt: Date(timeIntervalSince1970: 0))
        let b = processor.process(read, names: names, syncedAt: Date(timeIntervalSince1970: 0))
        #expect(a.main == b.main)
        #expect(a.actions == b.actions)
        #expect(a.main["current_node"] == .text("人事审批（李娜）"))
        #expect(a.main["applicant_dept"] == .text("研发中心-平台组"))
        #expect(a.main["amount"] == .number(Decimal(string: "1200.50")!))
        #expect(a.actions.map { $0["node_name"] } == [.text("提交申请"), .text("部门主管")])
        // times cut to the minute, as the new API's detail has them
        #expect(ms(completed.createTime) == 1_743_470_100_000)
    }

    @Test func aConflictingHintIsNeverUsed() throws {
        let premium = try Self.listed()
        var hints = DetailHints()
        let read = try Self.read()
        hints.learn(from: read)
        var other = read
        other.operationRecords[1].showName = "经理审批"
        hints.learn(from: other)
        #expect(hints.complete(premium) == nil)
        let changes = hints.takeChanges()
        #expect(changes.contains { $0.key.name == "record:b39a_73fb" && $0.value == nil })
        #expect(hints.takeChanges().isEmpty)
        // stored and loaded again, it stays conflicting
        let reloaded = DetailHints(values: hints.values, conflicting: hints.conflicting)
        #expect(reloaded.complete(premium) == nil)
    }

    @Test func aTaskRecordWithoutItsTaskNeedsADetailRead() throws {
        var premium = try Self.listed()
        var hints = DetailHints()
        hints.learn(from: try Self.read())
        premium.partial.tasks[0].finishTime = premium.partial.tasks[0].finishTime?.addingTimeInterval(5)
        #expect(hints.complete(premium) == nil)
        #expect(hints.missing(premium).contains { $0.name == "unresolvable" })
    }

    @Test func pageDecodingKeepsMillisecondsAndReadsTheCommaList() throws {
        let body = """
            {"result": {"hasMore": true, "nextToken": "3", "list": [
              {"processInstanceId": "X1", "status": "COMPLETED", "result": "agree", "createTime": 1743470123456,
               "finishTime": 1743476567000, "originatorUserid": "u1", "originatorDeptId": "-1",
               "attachedProcessInstanceIds": "A1,A2"}]}}
            """
        let page = try PremiumInstance.decodePage(Data(body.utf8), processCode: "P")
        #expect(page.hasMore && page.nextToken == "3")
        let item = try #require(page.instances.first?.partial)
        #expect(ms(item.createTime) == 1_743_470_123_456)
        #expect(ms(item.finishTime) == 1_743_476_567_000)
        #expect(item.attachedInstanceIds == ["A1", "A2"])
        #expect(item.processCode == "P")
        #expect(throws: DingTalkDecodingError.self) {
            try PremiumInstance.decodePage(
                Data(#"{"result":{"list":[{"processInstanceId":"X"}]}}"#.utf8), processCode: "P")
        }
    }
}
