import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("DingTalk instance detail, contacts, templates, dataset")
struct DingTalkDetailTests {
    static func matches(_ text: String?, _ pattern: String) -> Bool {
        guard let text else { return false }
        return text.range(of: pattern, options: .regularExpression) != nil
    }

    @Test func detailShapesOfBothFamilies() async throws {
        try await Harness.with { h in
            let token = try await h.dingtalkToken()
            let all = try await h.instances()
            let running = try #require(all.first { $0["status"]?.stringValue == "RUNNING" })
            let done = try #require(
                all.first { $0["status"]?.stringValue == "COMPLETED" && $0["result"]?.stringValue == "agree" })

            for summary in [running, done] {
                let id = try #require(summary["id"]?.stringValue)
                let isRunning = summary["status"]?.stringValue == "RUNNING"
                // Legacy.
                let legacy = try await h.legacy(
                    "/topapi/processinstance/get", ["process_instance_id": .string(id)], token: token)
                #expect(legacy.json["errcode"]?.int64Value == 0)
                let pi = try #require(legacy.json["process_instance"])
                #expect(Self.matches(pi["create_time"]?.stringValue, #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"#))
                #expect(pi["business_id"]?.stringValue?.count == 21)
                #expect(pi["status"]?.stringValue == summary["status"]?.stringValue)
                #expect(pi["result"]?.stringValue == (isRunning ? "" : "agree"))
                #expect((pi["finish_time"] == nil) == isRunning)
                #expect(pi["cc_userid_list"] == nil)
                let tasks = try #require(pi["tasks"]?.arrayValue)
                #expect(tasks.allSatisfy { $0["taskid"]?.stringValue != nil })
                if isRunning { #expect(tasks.contains { $0["task_status"]?.stringValue == "RUNNING" }) }
                let records = try #require(pi["operation_records"]?.arrayValue)
                #expect(records.first?["operation_type"]?.stringValue == "START_PROCESS_INSTANCE")
                #expect(
                    records.allSatisfy {
                        $0["operation_result"]?.stringValue != nil && $0["userid"]?.stringValue != nil
                    })
                #expect(
                    pi["form_component_values"]?.arrayValue?.allSatisfy {
                        $0["component_type"]?.stringValue != nil && $0["value"]?.stringValue != nil
                    } == true)

                // New.
                let new = try await h.new(
                    "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token)
                #expect(new.status == 200)
                #expect(new.json["success"]?.boolValue == true)
                let r = try #require(new.json["result"])
                #expect(Self.matches(r["createTime"]?.stringValue, #"^\d{4}-\d\d-\d\dT\d\d:\d\dZ$"#))
                #expect((r["finishTime"] == nil) == isRunning)
                #expect((r["result"] == nil) == isRunning)
                let newTasks = try #require(r["tasks"]?.arrayValue)
                #expect(
                    newTasks.allSatisfy {
                        $0["taskId"]?.int64Value != nil && $0["processInstanceId"]?.stringValue == id
                    })
                #expect(
                    r["operationRecords"]?.arrayValue?.allSatisfy {
                        $0["type"]?.stringValue != nil && $0["userId"]?.stringValue != nil
                    } == true)
                // Beijing wall time with a Z stuck on: the id's epoch seconds read as UTC+8.
                let seconds = try #require(Int64(id.suffix(10)))
                #expect(r["createTime"]?.stringValue == TimeFormat.newAPI(seconds * 1000, beijing: true))
                #expect(pi["create_time"]?.stringValue == TimeFormat.legacy(seconds * 1000))
            }
            let missing = try await h.new("GET", "/v1.0/workflow/processInstances", token: token)
            #expect(missing.status == 400)
            #expect(missing.json["code"]?.stringValue == "processInstanceIdError")
            let unknown = try await h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", "nope")], token: token)
            #expect(unknown.json["code"]?.stringValue == "processInstanceNotExist")
            let legacyUnknown = try await h.legacy(
                "/topapi/processinstance/get", ["process_instance_id": "nope"], token: token)
            #expect(legacyUnknown.json["errcode"]?.int64Value == 400002)
        }
    }

    @Test func utcOptionShiftsNewAPITimes() async throws {
        try await Harness.with({ $0.newAPITimes = .utc }) { h in
            let token = try await h.dingtalkToken()
            let id = try #require(try await h.instances().first?["id"]?.stringValue)
            let new = try await h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token)
            let seconds = try #require(Int64(id.suffix(10)))
            #expect(new.json.at("result.createTime")?.stringValue == TimeFormat.newAPI(seconds * 1000, beijing: false))
        }
    }

    @Test func contactsLookups() async throws {
        try await Harness.with { h in
            let token = try await h.dingtalkToken()
            let user = try await h.legacy(
                "/topapi/v2/user/get", ["userid": "manager8821", "language": "zh_CN"], token: token)
            #expect(user.json["errcode"]?.int64Value == 0)
            #expect(user.json.at("result.userid")?.stringValue == "manager8821")
            #expect(user.json.at("result.name")?.stringValue?.isEmpty == false)
            #expect(user.json.at("result.dept_id_list.0")?.int64Value != nil)
            // dept_order_list.order is beyond 2^53 and must come through as written.
            let order = try #require(user.json.at("result.dept_order_list.0.order")?.int64Value)
            #expect(order > 9_007_199_254_740_992)
            #expect(user.text.contains(String(order)))
            let unknownUser = try await h.legacy("/topapi/v2/user/get", ["userid": "nobody"], token: token)
            #expect(unknownUser.json["errcode"]?.int64Value == 60121)

            let root = try await h.client.form(
                "/topapi/v2/department/get", [("dept_id", "1"), ("language", "zh_CN")], query: [("access_token", token)]
            )
            #expect(root.json["errcode"]?.int64Value == 0)
            #expect(root.json.at("result.name")?.stringValue == h.sandbox.orgName)
            #expect(root.json.at("result.parent_id") == nil)
            let deptId = try #require(user.json.at("result.dept_id_list.0")?.int64Value)
            let dept = try await h.legacy("/topapi/v2/department/get", ["dept_id": .int(deptId)], token: token)
            #expect(dept.json.at("result.dept_id")?.int64Value == deptId)
            #expect(dept.json.at("result.parent_id")?.int64Value == 1)
            for bad in ["-1", "42"] {
                let answer = try await h.legacy("/topapi/v2/department/get", ["dept_id": .string(bad)], token: token)
                #expect(answer.json["errcode"]?.int64Value == 60003)
            }
        }
    }

    @Test func templateLookups() async throws {
        try await Harness.with { h in
            let token = try await h.dingtalkToken()
            let codes = h.sandbox.processCodes
            let byName = try await h.legacy("/topapi/process/get_by_name", ["name": "请假"], token: token)
            #expect(byName.json["errcode"]?.int64Value == 0)
            #expect(byName.json["process_code"]?.stringValue == codes[0])
            #expect(
                try await h.legacy("/topapi/process/get_by_name", ["name": "不存在"], token: token).json["errcode"]?
                    .int64Value == 820004)

            let page1 = try await h.legacy("/topapi/process/listbyuserid", ["offset": 0, "size": 3], token: token)
            #expect(page1.json.at("result.process_list")?.arrayValue?.count == 3)
            #expect(page1.json.at("result.next_cursor")?.int64Value == 3)
            let page2 = try await h.legacy("/topapi/process/listbyuserid", ["offset": 3, "size": 3], token: token)
            #expect(page2.json.at("result.next_cursor") == nil)
            #expect(page2.json.at("result.process_list.0.process_code")?.stringValue == codes[3])
            #expect(
                try await h.legacy("/topapi/process/listbyuserid", ["offset": 0, "size": 101], token: token).json[
                    "errcode"]?.int64Value == 400002)

            let new = try await h.new(
                "GET", "/v1.0/workflow/processCentres/schemaNames/processCodes", query: [("name", "报销")], token: token)
            #expect(new.status == 200)
            #expect(new.json.at("result.processCode")?.stringValue == codes[1])
            let newMissing = try await h.new(
                "GET", "/v1.0/workflow/processCentres/schemaNames/processCodes", query: [("name", "不存在")], token: token)
            #expect(newMissing.status == 400)
            #expect(newMissing.json["code"]?.stringValue == "process.error")

            let list = try await h.new(
                "GET", "/v1.0/workflow/processes/userVisibilities/templates",
                query: [("maxResults", "2"), ("nextToken", "0")], token: token)
            #expect(list.status == 200)
            #expect(list.json.at("result.nextToken")?.int64Value == 2)
            #expect(list.json.at("result.nextToken")?.stringValue == nil)
            #expect(list.json["success"] == nil)
            #expect(list.json.at("result.processList")?.arrayValue?.count == 2)
            let last = try await h.new(
                "GET", "/v1.0/workflow/processes/userVisibilities/templates",
                query: [("maxResults", "100"), ("nextToken", "4")], token: token)
            #expect(last.json.at("result.nextToken") == nil)
            let noSize = try await h.new(
                "GET", "/v1.0/workflow/processes/userVisibilities/templates", query: [("nextToken", "0")], token: token)
            #expect(noSize.status == 400)
            #expect(noSize.json["code"]?.stringValue == "invalidMaxResults")
        }
    }

    @Test func datasetIsDeterministicAndRealistic() async throws {
        var first: [JSONValue] = []
        var firstInfo: JSONValue = .null
        try await Harness.with({
            $0.instances = 300
            $0.seed = 42
        }) { h in
            first = try await h.instances()
            firstInfo = try await h.client.admin("GET", "info")
        }
        try await Harness.with({
            $0.instances = 300
            $0.seed = 42
        }) { h in
            let second = try await h.instances()
            #expect(second.compactMap { $0["id"]?.stringValue } == first.compactMap { $0["id"]?.stringValue })
            #expect(second == first)
            let info = try await h.client.admin("GET", "info")
            #expect(info["dingtalk"] == firstInfo["dingtalk"])
            #expect(info.at("feishu.tables") == firstInfo.at("feishu.tables"))
        }
        try await Harness.with({
            $0.instances = 300
            $0.seed = 43
        }) { h in
            let other = try await h.instances()
            #expect(other.compactMap { $0["id"]?.stringValue } != first.compactMap { $0["id"]?.stringValue })
        }
        #expect(first.count == 300)
        let statuses = Set(first.compactMap { $0["status"]?.stringValue })
        #expect(statuses.isSuperset(of: ["RUNNING", "COMPLETED", "TERMINATED"]))
        #expect(first.contains { $0["result"]?.stringValue == "refuse" })
        #expect(first.contains { $0["originator_dept_id"]?.stringValue == "-1" })
        for inst in first {
            let id = inst["id"]?.stringValue ?? ""
            let created = inst["create_time"]?.int64Value ?? 0
            #expect(id.count == 36)
            #expect(Int64(id.suffix(10)) == created / 1000)
            #expect(inst["business_id"]?.stringValue?.hasPrefix(TimeFormat.compactMinute(created)) == true)
            #expect(created <= Harness.fixedNow && created >= Harness.fixedNow - 30 * dayMs)
            if inst["status"]?.stringValue == "RUNNING" {
                #expect(inst["running_task_userids"]?.arrayValue?.isEmpty == false)
            }
        }
    }

    @Test func formsAndRecordsAreMessyButConsistent() async throws {
        try await Harness.with({
            $0.instances = 400
            $0.dingtalkQPS = 100_000
        }) { h in
            let token = try await h.dingtalkToken()
            var types = Set<String>()
            var componentTypes = Set<String>()
            var moneyValues: [String] = []
            for inst in try await h.instances() {
                let id = try #require(inst["id"]?.stringValue)
                let r = try await h.new(
                    "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token
                ).json["result"]
                for record in r?["operationRecords"]?.arrayValue ?? [] {
                    types.insert(record["type"]?.stringValue ?? "")
                }
                for f in r?["formComponentValues"]?.arrayValue ?? [] {
                    componentTypes.insert(f["componentType"]?.stringValue ?? "")
                    if f["componentType"]?.stringValue == "MoneyField" {
                        moneyValues.append(f["value"]?.stringValue ?? "")
                    }
                    if f["componentType"]?.stringValue == "InnerContactField" {
                        #expect(f["extValue"]?.stringValue?.contains("emplId") == true)
                    }
                }
                // Records are in time order.
                let dates = r?["operationRecords"]?.arrayValue?.compactMap { $0["date"]?.stringValue } ?? []
                #expect(dates == dates.sorted())
                if r?["status"]?.stringValue == "TERMINATED" {
                    #expect(
                        r?["operationRecords"]?.arrayValue?.last?["type"]?.stringValue == "TERMINATE_PROCESS_INSTANCE")
                }
            }
            #expect(
                types.isSuperset(of: [
                    "START_PROCESS_INSTANCE", "EXECUTE_TASK_NORMAL", "PROCESS_CC", "TERMINATE_PROCESS_INSTANCE"
                ]))
            #expect(
                componentTypes.isSuperset(of: [
                    "DDSelectField", "DDDateField", "TextareaField", "MoneyField", "DDAttachment", "TableField",
                    "DDMultiSelectField", "InnerContactField"
                ]))
            #expect(moneyValues.contains { $0.contains(",") })
        }
    }
}
