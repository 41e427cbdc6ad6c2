import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite("Decoding legacy /topapi/processinstance/get bodies")
struct LegacyDecodingTests {
    @Test("the reference example decodes field by field")
    func referenceExample() throws {
        let detail = try Fixture.legacy(
            "legacy_leave_completed_agree", id: "oyTxr2qkQXqjgjJNZZATZQ00891743470123", code: "PROC-LEAVE")
        #expect(detail.instanceId == "oyTxr2qkQXqjgjJNZZATZQ00891743470123")
        #expect(detail.processCode == "PROC-LEAVE")
        #expect(detail.title == "王小明提交的请假申请")
        #expect(detail.businessId == "202504010915000123456")
        #expect(detail.status == "COMPLETED")
        #expect(detail.result == "agree")
        #expect(ms(detail.createTime) == 1_743_470_123_000)
        #expect(ms(detail.finishTime) == 1_743_476_567_000)
        #expect(detail.originatorUserId == "0123456789012345")
        #expect(detail.originatorDeptId == "582976341")
        #expect(detail.originatorDeptName == "研发中心-平台组")
        #expect(detail.ccUserIds == ["manager8821"])
        #expect(detail.approverUserIds == ["205937523932471911"])
        #expect(detail.attachedInstanceIds == [])
        #expect(detail.bizAction == "NONE")
        #expect(detail.mainInstanceId == nil)
        #expect(detail.formValues.count == 4)
        #expect(
            detail.formValues[0]
                == InstanceDetail.FormValue(
                    id: "DDSelectField_1XO0NHHZ6KJK0", name: "请假类型", componentType: "DDSelectField",
                    value: "年假", extValue: "{\"label\":\"年假\",\"key\":\"option_0\"}"))
        #expect(detail.formValues[3].value == "null")
        #expect(detail.formValues[3].extValue == nil)
        #expect(detail.operationRecords.map(\.type) == ["START_PROCESS_INSTANCE", "EXECUTE_TASK_NORMAL", "PROCESS_CC"])
        #expect(
            detail.operationRecords[1]
                == InstanceDetail.OperationRecord(
                    userId: "205937523932471911", date: Date(timeIntervalSince1970: 1_743_476_566),
                    type: "EXECUTE_TASK_NORMAL", result: "AGREE", remark: "同意，注意交接"))
        #expect(detail.operationRecords[0].remark == "")
        #expect(
            detail.tasks == [
                InstanceDetail.ApprovalTask(
                    taskId: "74296847418", userId: "205937523932471911", status: "COMPLETED", result: "AGREE",
                    createTime: Date(timeIntervalSince1970: 1_743_470_124),
                    finishTime: Date(timeIntervalSince1970: 1_743_476_566),
                    activityId: "b39a_73fb", nodeName: nil)
            ])
        #expect(detail.isFinal)
    }

    @Test("messy legacy body: comma-joined lists, numbers for strings, epoch-ms task times, unknown keys")
    func messy() throws {
        let detail = try Fixture.legacy("legacy_expense_refused", id: "Pk3dZ9mWq1RtYv0aBcDeFg01231743573910")
        #expect(detail.ccUserIds == ["205937523932471911", "0123456789012345"])
        #expect(
            detail.attachedInstanceIds == ["Ab12Cd34Ef56Gh78Ij90Kl0011743500000", "Zz98Yy76Xx54Ww32Vv10Uu0021743600000"]
        )
        #expect(detail.originatorDeptId == "736251904")
        #expect(detail.mainInstanceId == nil)
        #expect(detail.bizAction == "MODIFY")
        #expect(detail.tasks.map(\.taskId) == ["74296850001", "74296850002"])
        #expect(ms(detail.tasks[0].createTime) == 1_743_573_911_000)
        #expect(ms(detail.tasks[0].finishTime) == 1_743_582_600_000)
        #expect(ms(detail.tasks[1].createTime) == 1_743_582_601_000)
        #expect(ms(detail.tasks[1].finishTime) == 1_743_646_800_000)
        #expect(detail.tasks[0].activityId == nil)
        #expect(detail.operationRecords[2].attachments == ["抬头示例.png"])
        #expect(
            detail.formValues.map(\.componentType) == [
                "TextField", "MoneyField", "TableField", "DDAttachment", "InnerContactField", "DepartmentField",
                "InvoiceField"
            ])
    }

    @Test("omitted and null fields become empty values")
    func minimal() throws {
        let detail = try Fixture.legacy("legacy_new_no_records", id: "Mn0pQr1743270000")
        #expect(detail.status == "NEW")
        #expect(detail.title == "")
        #expect(detail.operationRecords == [])
        #expect(detail.tasks == [])
        #expect(detail.ccUserIds == [])
        #expect(detail.formValues == [])
        #expect(detail.finishTime == nil)
        #expect(ms(detail.createTime) == 1_744_278_330_000)
        #expect(!detail.isFinal)
    }

    @Test("legacy wall times follow sync.timezone")
    func timeZone() throws {
        let utc = try InstanceDetail.decodeLegacy(
            Fixture.data("legacy_leave_completed_agree"), instanceId: "X", processCode: "P", timeZone: DingTalkTime.utc)
        #expect(ms(utc.createTime) == 1_743_498_923_000)
    }

    @Test(
        "bad bodies throw typed errors naming the instance",
        arguments: [
            (
                "legacy_error_88",
                DingTalkDecodingError.apiError(
                    instanceId: "I-1", endpoint: DingTalkDecodingError.legacyEndpoint,
                    code: "errcode 88 (sub_code 40014)",
                    message: "ding talk error[subcode=40014,submsg=不合法的access_token]: 不合法的access_token")
            ),
            (
                "legacy_malformed_tasks",
                .invalidField(
                    instanceId: "I-1", endpoint: DingTalkDecodingError.legacyEndpoint,
                    path: "process_instance.tasks[0].taskid", problem: "required field is missing")
            ),
            (
                "legacy_bad_time",
                .invalidField(
                    instanceId: "I-1", endpoint: DingTalkDecodingError.legacyEndpoint,
                    path: "process_instance.create_time", problem: "\"2025/04/01 9点\" is not a time this tool can read")
            ),
            (
                "new_leave_completed_agree",
                .missingPayload(
                    instanceId: "I-1", endpoint: DingTalkDecodingError.legacyEndpoint, key: "process_instance")
            )
        ])
    func errors(fixture: String, expected: DingTalkDecodingError) throws {
        let body = try Fixture.data(fixture)
        #expect(throws: expected) {
            try InstanceDetail.decodeLegacy(body, instanceId: "I-1", processCode: "P")
        }
        #expect(expected.errorDescription?.contains("I-1") == true)
    }

    @Test(
        "non-JSON and wrongly shaped bodies",
        arguments: [
            ("<html><body>502 Bad Gateway</body></html>", "not JSON"),
            ("", "not JSON"),
            ("[1,2]", "(body)"),
            ("{\"errcode\":0,\"process_instance\":\"oops\"}", "process_instance"),
            ("{\"errcode\":0,\"process_instance\":{\"cc_userids\":[{\"a\":1}]}}", "cc_userids"),
            ("{\"errcode\":0,\"process_instance\":{\"title\":{\"a\":1}}}", "process_instance.title")
        ])
    func malformed(body: String, mentioned: String) {
        do {
            _ = try InstanceDetail.decodeLegacy(Data(body.utf8), instanceId: "I-2", processCode: "P")
            Issue.record("decoding \(body) should fail")
        } catch {
            #expect(error.instanceId == "I-2")
            let message = error.errorDescription ?? ""
            #expect(message.contains("I-2"))
            #expect(message.contains(mentioned), "\(message)")
        }
    }
}

@Suite("Decoding new GET /v1.0/workflow/processInstances bodies")
struct NewAPIDecodingTests {
    @Test("the reference example decodes field by field, times read as local wall time")
    func referenceExample() throws {
        let detail = try Fixture.new(
            "new_leave_completed_agree", id: "oyTxr2qkQXqjgjJNZZATZQ00891743470123", code: "PROC-LEAVE")
        #expect(detail.processCode == "PROC-LEAVE")
        #expect(detail.title == "王小明提交的请假申请")
        #expect(detail.businessId == "202504010915000123456")
        #expect(ms(detail.createTime) == 1_743_470_100_000)
        #expect(ms(detail.finishTime) == 1_743_476_520_000)
        #expect(detail.ccUserIds == ["manager8821"])
        #expect(detail.approverUserIds == [])
        #expect(
            detail.formValues == [
                InstanceDetail.FormValue(
                    id: "DDSelectField_1XO0NHHZ6KJK0", name: "请假类型", componentType: "DDSelectField",
                    value: "年假", extValue: "{\"label\":\"年假\",\"key\":\"option_0\"}")
            ])
        #expect(detail.operationRecords[0].showName == "提交申请")
        #expect(detail.operationRecords[0].activityId == nil)
        #expect(detail.operationRecords[1].activityId == "b39a_73fb")
        #expect(detail.operationRecords[1].attachments == ["交接清单.xlsx"])
        #expect(
            detail.tasks == [
                InstanceDetail.ApprovalTask(
                    taskId: "74296847418", userId: "205937523932471911", status: "COMPLETED", result: "AGREE",
                    createTime: Date(timeIntervalSince1970: 1_743_470_100),
                    finishTime: Date(timeIntervalSince1970: 1_743_476_520),
                    activityId: "b39a_73fb", nodeName: "部门主管")
            ])
    }

    @Test("the same body read as UTC")
    func utcReading() throws {
        let detail = try Fixture.new("new_leave_completed_agree", id: "X", reading: .utc)
        #expect(ms(detail.createTime) == 1_743_498_900_000)
        #expect(ms(detail.tasks[0].finishTime) == 1_743_505_320_000)
    }

    @Test("success as a string, int64 and string task ids, omitted fields")
    func running() throws {
        let detail = try Fixture.new("new_purchase_running", id: "Rn8sT7uV6wX5yZ4aB3cD2eF11744078841")
        #expect(detail.status == "RUNNING")
        #expect(detail.finishTime == nil)
        #expect(detail.ccUserIds == [])
        #expect(detail.mainInstanceId == nil)
        #expect(detail.tasks.map(\.taskId) == ["81000000001", "81000000002", "81000000003", "81000000004"])
        #expect(detail.tasks.map(\.nodeName) == [nil, "部门主管", nil, nil])
        #expect(detail.tasks[3].activityId == nil)
        #expect(detail.formValues.count == 14)
        #expect(detail.operationRecords[4].attachments == ["配置清单.xlsx"])
    }

    @Test("seconds, fractions and real offsets in new-API times")
    func timeShapes() throws {
        let detail = try Fixture.new("new_terminated_utc", id: "Qw7rT5yU3iO1pA9sD8fG6hJ41746498615", reading: .utc)
        #expect(ms(detail.createTime) == 1_746_498_615_250)
        #expect(ms(detail.operationRecords[1].date) == 1_746_500_430_000)
        #expect(ms(detail.operationRecords[2].date) == 1_746_500_460_000)
        #expect(detail.mainInstanceId == "Main00000000000000000000001746000000")
    }

    @Test(
        "bad bodies throw typed errors naming the instance",
        arguments: [
            (
                "new_error_not_exist",
                DingTalkDecodingError.apiError(
                    instanceId: "I-3", endpoint: DingTalkDecodingError.newEndpoint, code: "processInstanceNotExist",
                    message: "审批实例不存在")
            ),
            (
                "new_missing_result",
                .missingPayload(instanceId: "I-3", endpoint: DingTalkDecodingError.newEndpoint, key: "result")
            ),
            (
                "legacy_leave_completed_agree",
                .missingPayload(instanceId: "I-3", endpoint: DingTalkDecodingError.newEndpoint, key: "result")
            )
        ])
    func errors(fixture: String, expected: DingTalkDecodingError) throws {
        let body = try Fixture.data(fixture)
        #expect(throws: expected) {
            try InstanceDetail.decodeNewAPI(body, instanceId: "I-3", processCode: "P")
        }
    }

    @Test(
        "malformed new bodies name the field",
        arguments: [
            ("new_malformed_form", "result.formComponentValues")
        ])
    func malformedFixture(fixture: String, path: String) throws {
        let body = try Fixture.data(fixture)
        do {
            _ = try InstanceDetail.decodeNewAPI(body, instanceId: "I-4", processCode: "P")
            Issue.record("decoding \(fixture) should fail")
        } catch {
            guard case .invalidField(let instanceId, _, let failingPath, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(instanceId == "I-4")
            #expect(failingPath == path)
        }
    }

    @Test(
        "odd new bodies",
        arguments: [
            ("{\"success\":false,\"message\":\"busy\"}", "success=false"),
            ("{\"success\":true,\"result\":{\"tasks\":[{\"taskId\":[1]}]}}", "result.tasks[0].taskId"),
            ("{\"success\":true,\"result\":{\"createTime\":\"soon\"}}", "result.createTime"),
            ("{\"success\":\"maybe\",\"result\":{}}", "success"),
            ("Service Unavailable", "not JSON")
        ])
    func oddBodies(body: String, mentioned: String) {
        do {
            _ = try InstanceDetail.decodeNewAPI(Data(body.utf8), instanceId: "I-5", processCode: "P")
            Issue.record("decoding \(body) should fail")
        } catch {
            #expect(error.errorDescription?.contains("I-5") == true)
            #expect(error.errorDescription?.contains(mentioned) == true, "\(error.errorDescription ?? "")")
        }
    }

    @Test("structured form values where text was expected are kept as JSON text")
    func structuredFormValue() throws {
        let body = """
            {"success":true,"result":{"formComponentValues":[
              {"componentType":"DDMultiSelectField","name":"用途","value":["测试",2],"extValue":{"z":1,"a":[true,null]}}]}}
            """
        let detail = try InstanceDetail.decodeNewAPI(Data(body.utf8), instanceId: "I-6", processCode: "P")
        #expect(detail.formValues[0].value == "[\"测试\",2]")
        #expect(detail.formValues[0].extValue == "{\"a\":[true,null],\"z\":1}")
    }

    @Test(
        "id lists as arrays with numbers and nulls, JSON-array text, comma text or null",
        arguments: [
            ("[123, \"abc\", null, \"\"]", ["123", "abc"]),
            ("\"[\\\"u1\\\",\\\"u2\\\"]\"", ["u1", "u2"]),
            ("\"u1, u2,,null\"", ["u1", "u2"]),
            ("\"\"", []),
            ("null", [])
        ])
    func idLists(json: String, expected: [String]) throws {
        let body = "{\"success\":true,\"result\":{\"ccUserIds\":\(json),\"approverUserIds\":\(json)}}"
        let detail = try InstanceDetail.decodeNewAPI(Data(body.utf8), instanceId: "I-7", processCode: "P")
        #expect(detail.ccUserIds == expected)
        #expect(detail.approverUserIds == expected)
    }

    @Test("an InstanceDetail survives a JSON round trip (the state store persists it)")
    func codableRoundTrip() throws {
        let detail = try Fixture.new("new_purchase_running", id: "Rn8sT7uV6wX5yZ4aB3cD2eF11744078841")
        let encoded = try JSONEncoder().encode(detail)
        #expect(try JSONDecoder().decode(InstanceDetail.self, from: encoded) == detail)
    }
}
