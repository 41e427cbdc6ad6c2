import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("Admin API and config file")
struct AdminTests {
    @Test func finishTerminateRemarkApprove() async throws {
        try await Harness.with { h in
            let token = try await h.dingtalkToken()
            let running = try await h.instances(status: "RUNNING")
            #expect(running.count >= 3)
            func detail(_ id: String) async throws -> JSONValue {
                try await h.new(
                    "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token
                ).json["result"] ?? .null
            }
            // Finish (agree): completed, agreed, no RUNNING task left, finishTime set.
            let a = try #require(running[0]["id"]?.stringValue)
            let finished = try await h.client.admin(
                "POST", "instances/\(a)/finish", ["result": "agree", "remark": "同意"])
            #expect(finished.at("instance.status")?.stringValue == "COMPLETED")
            let da = try await detail(a)
            #expect(da["status"]?.stringValue == "COMPLETED")
            #expect(da["result"]?.stringValue == "agree")
            #expect(da["finishTime"]?.stringValue != nil)
            #expect(da["tasks"]?.arrayValue?.contains { $0["status"]?.stringValue == "RUNNING" } == false)
            #expect(da["operationRecords"]?.arrayValue?.contains { $0["remark"]?.stringValue == "同意" } == true)

            // Refuse.
            let b = try #require(running[1]["id"]?.stringValue)
            _ = try await h.client.admin("POST", "instances/\(b)/finish", ["result": "refuse"])
            let db = try await detail(b)
            #expect(db["status"]?.stringValue == "COMPLETED")
            #expect(db["result"]?.stringValue == "refuse")
            #expect(db["operationRecords"]?.arrayValue?.last?["result"]?.stringValue == "REFUSE")

            // Terminate: records end with TERMINATE_PROCESS_INSTANCE, running tasks canceled.
            let c = try #require(running[2]["id"]?.stringValue)
            _ = try await h.client.admin("POST", "instances/\(c)/terminate", ["remark": "撤回"])
            let dc = try await detail(c)
            #expect(dc["status"]?.stringValue == "TERMINATED")
            #expect(dc["operationRecords"]?.arrayValue?.last?["type"]?.stringValue == "TERMINATE_PROCESS_INSTANCE")
            #expect(dc["tasks"]?.arrayValue?.contains { $0["status"]?.stringValue == "CANCELED" } == true)
            let again = try await h.client.call("POST", "/__admin/instances/\(c)/finish", json: [:])
            #expect(again.status == 409)

            // Remark on a finished instance.
            _ = try await h.client.admin("POST", "instances/\(a)/remark", ["remark": "已归档", "userid": "hr_lily"])
            let remark = try await detail(a)["operationRecords"]?.arrayValue?.last
            #expect(remark?["type"]?.stringValue == "ADD_REMARK")
            #expect(remark?["userId"]?.stringValue == "hr_lily")
            #expect(remark?["remark"]?.stringValue == "已归档")
        }
    }

    @Test func forwardHandsTheRunningTaskToAnotherApprover() async throws {
        try await Harness.with { h in
            let token = try await h.dingtalkToken()
            let created = try await h.client.admin("POST", "instances", ["count": 1, "template": "采购"])
            let summary = try #require(created.at("instances.0"))
            let id = try #require(summary["id"]?.stringValue)
            let before = try #require(summary["running_task_userids"]?.arrayValue?.first?.stringValue)
            let step = try await h.client.admin("POST", "instances/\(id)/forward", ["userid": "hr_lily"])
            #expect(step.at("instance.status")?.stringValue == "RUNNING")
            #expect(step.at("instance.current_node")?.stringValue == summary["current_node"]?.stringValue)
            #expect(step.at("instance.running_task_userids")?.arrayValue?.compactMap(\.stringValue) == ["hr_lily"])
            let detail = try await h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token
            ).json["result"]
            let last = detail?["operationRecords"]?.arrayValue?.last
            #expect(last?["type"]?.stringValue == "REDIRECT_TASK")
            #expect(last?["userId"]?.stringValue == before)
            let tasks = detail?["tasks"]?.arrayValue ?? []
            #expect(tasks.contains { $0["userId"]?.stringValue == before && $0["result"]?.stringValue == "REDIRECTED" })
            #expect(tasks.contains { $0["userId"]?.stringValue == "hr_lily" && $0["status"]?.stringValue == "RUNNING" })
            // To the same approver, or on a final instance: refused.
            let same = try await h.client.call("POST", "/__admin/instances/\(id)/forward", json: ["userid": "hr_lily"])
            #expect(same.status == 400)
            _ = try await h.client.admin("POST", "instances/\(id)/terminate", [:])
            let final = try await h.client.call("POST", "/__admin/instances/\(id)/forward", json: [:])
            #expect(final.status == 409)
        }
    }

    @Test func approveMovesToTheNextNode() async throws {
        try await Harness.with { h in
            let created = try await h.client.admin(
                "POST", "instances", ["count": 1, "template": "采购", "originator": "manager8821"])
            let summary = try #require(created.at("instances.0"))
            let id = try #require(summary["id"]?.stringValue)
            #expect(summary["status"]?.stringValue == "RUNNING")
            let firstNode = summary["current_node"]?.stringValue
            let step = try await h.client.admin("POST", "instances/\(id)/approve", ["result": "agree"])
            #expect(step.at("instance.status")?.stringValue == "RUNNING")
            #expect(step.at("instance.current_node")?.stringValue != firstNode)
            #expect(step.at("instance.running_task_userids")?.arrayValue?.isEmpty == false)
        }
    }

    @Test func createdInstancesAreListed() async throws {
        try await Harness.with { h in
            let token = try await h.dingtalkToken()
            let code = h.sandbox.processCodes[0]
            let before = try await h.instances(code: code).count
            let created = try await h.client.admin("POST", "instances", ["count": 3, "template": "请假"])
            let ids = created["instances"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(ids.count == 3)
            #expect(try await h.instances(code: code).count == before + 3)
            let listed = try await h.new(
                "POST", "/v1.0/workflow/processes/instanceIds/query",
                [
                    "processCode": .string(code), "startTime": .int(h.sandbox.nowMs - 60_000), "nextToken": 0,
                    "maxResults": 20
                ],
                token: token)
            let listedIds = listed.json.at("result.list")?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(Set(ids).isSubset(of: Set(listedIds)))
            // Back-dated and already approved.
            let old = try await h.client.admin(
                "POST", "instances",
                [
                    "template": "报销", "create_time": "2025-03-20T10:00:00+08:00",
                    "status": "COMPLETED", "result": "agree"
                ])
            #expect(old.at("instances.0.status")?.stringValue == "COMPLETED")
            #expect(old.at("instances.0.create_time_text")?.stringValue == "2025-03-20 10:00:00")
            let bad = try await h.client.call("POST", "/__admin/instances", json: ["template": "nope"])
            #expect(bad.status == 400)
        }
    }

    @Test func tableRowsByHandAndReset() async throws {
        try await Harness.with { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            let w = try await h.feishu(
                "POST", "\(h.recordsPath(table))/batch_create",
                ["records": [["fields": ["instance_id": "X1", "amount": 10]], ["fields": ["instance_id": "X2"]]]],
                token: token)
            let id1 = try #require(w.json.at("data.records.0.record_id")?.stringValue)
            let id2 = try #require(w.json.at("data.records.1.record_id")?.stringValue)
            // Edit by hand (no validation: a string into a number column is coerced).
            _ = try await h.client.admin(
                "PATCH", "tables/\(table)/records/\(id1)", ["fields": ["status": "手工修改", "amount": "12.5"]])
            let dup = try await h.client.admin("POST", "tables/\(table)/records/\(id1)/duplicate")
            let copyId = try #require(dup.at("record.record_id")?.stringValue)
            #expect(copyId != id1)
            _ = try await h.client.admin("DELETE", "tables/\(table)/records/\(id2)")
            let rows = try await h.rows(table)
            #expect(rows.count == 2)
            #expect(rows.allSatisfy { $0.at("fields.instance_id")?.stringValue == "X1" })
            #expect(rows.first?.at("fields.amount")?.doubleValue == 12.5)
            #expect(rows.first?.at("fields.status")?.stringValue == "手工修改")
            // The API sees the hand edits.
            let search = try await h.feishu(
                "POST", "\(h.recordsPath(table))/search",
                [
                    "filter": [
                        "conjunction": "and",
                        "conditions": [["field_name": "instance_id", "operator": "is", "value": ["X1"]]]
                    ]
                ],
                token: token)
            #expect(search.json.at("data.total")?.int64Value == 2)
            // Admin calls do not count as table calls.
            let counters = try await h.client.admin("GET", "counters")
            #expect(counters.at("tables.\(table).calls")?.int64Value == 2)
            _ = try await h.client.admin("POST", "counters/reset")
            #expect(try await h.client.admin("GET", "counters").at("tables.\(table)") == nil)

            // Whole-world reset: same ids, empty tables, dataset as generated.
            let instancesBefore = try await h.instances().count
            _ = try await h.client.admin("POST", "instances", ["count": 2])
            _ = try await h.client.admin("POST", "reset")
            #expect(try await h.rows(table).isEmpty)
            #expect(try await h.instances().count == instancesBefore)
            #expect(h.sandbox.mainTableId == table)
            let tables = try await h.client.admin("GET", "tables")
            #expect(tables["tables"]?.arrayValue?.first?["table_id"]?.stringValue == table)
        }
    }

    @Test func settingsAndHelp() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let updated = try await h.client.admin(
                "POST", "settings", ["latency_ms": 3, "row_limit": 100, "monthly_quota": 7])
            #expect(updated["latency_ms"]?.int64Value == 3)
            #expect(updated["dingtalk_monthly_quota"]?.int64Value == 7)
            #expect(updated["feishu_monthly_quota"]?.int64Value == 7)
            let bad = try await h.client.call("POST", "/__admin/settings", json: ["latency": 3])
            #expect(bad.status == 400)
            let badRate = try await h.client.call("POST", "/__admin/settings", json: ["error_rate": 2])
            #expect(badRate.status == 400)
            let help = try await h.client.get("/__admin")
            #expect(help.text.contains("/__admin/faults"))
            #expect(help.text.contains("/__admin/stream/drop") && help.text.contains("/v1.0/gateway/connections/open"))
            let endpoints = try await h.client.admin("GET", "endpoints")["endpoints"]?.arrayValue ?? []
            #expect(endpoints.count == 36)
            #expect(endpoints.contains("dingtalk.v1.gateway.connections.open"))
            #expect(endpoints.contains("feishu.views.patch"))
            let info = try await h.client.admin("GET", "info")
            #expect(info.at("feishu.app_token")?.stringValue == h.sandbox.appToken)
            #expect(info.at("webhook.secret")?.stringValue == h.sandbox.webhookSecret)
        }
    }

    @Test func configFile() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "sandbox-config-\(UUID().uuidString)")
            let path = folder.appendingPathComponent("config.yaml").path
            try h.sandbox.writeConfig(to: path)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for needle in [
                "app_key: \"\(h.sandbox.appKey)\"", "api: new", "api_base_url: \"\(h.sandbox.baseURL)\"",
                "base_url: \"\(h.sandbox.baseURL)\"", "app_token: \"\(h.sandbox.appToken)\"",
                "main: \"\(h.sandbox.mainTableId ?? "")\"", "action: \"\(h.sandbox.actionTableId ?? "")\"",
                "webhook_url: \"\(h.sandbox.webhookURL)\"", "secret: \"\(h.sandbox.webhookSecret)\"",
                "checkpoint_file: \"checkpoint.json\"", "state_db: \"dingsync.sqlite\""
            ] {
                #expect(text.contains(needle), "missing \(needle)")
            }
            for code in h.sandbox.processCodes { #expect(text.contains(code)) }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(leftovers == ["config.yaml"])
            try? FileManager.default.removeItem(at: folder)
        }
        try await Harness.with({
            $0.instances = 10
            $0.createTables = false
            $0.configAPI = "legacy"
        }) { h in
            let text = h.sandbox.configYAML()
            #expect(!text.contains("tables:"))
            #expect(text.contains("api: legacy"))
        }
    }
}
