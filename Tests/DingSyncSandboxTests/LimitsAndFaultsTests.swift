import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("Rate limits, quotas, permissions, injected and random faults")
struct LimitsAndFaultsTests {
    @Test func dingtalkThrottling() async throws {
        try await Harness.with({
            $0.instances = 20
            $0.dingtalkQPS = 5
        }) { h in
            let token = try await h.dingtalkToken()
            let id = try #require(try await h.instances().first?["id"]?.stringValue)
            // Exact counts hold when the burst fits in one second (it takes milliseconds unless
            // the machine is very busy); the window's promise holds in any case.
            var started = Date()
            let answers = try await withThrowingTaskGroup(of: HTTPAnswer.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await h.new(
                            "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token)
                    }
                }
                return try await group.reduce(into: [HTTPAnswer]()) { $0.append($1) }
            }
            let throttled = answers.filter { $0.status == 403 }
            let okCount = answers.filter { $0.status == 200 }.count
            #expect(okCount + throttled.count == 12)
            #expect(okCount >= 5 && throttled.count >= 1)
            if Date().timeIntervalSince(started) < 0.5 { #expect(okCount == 5) }
            #expect(
                throttled.allSatisfy {
                    $0.json["code"]?.stringValue == "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"
                })
            // Another API has its own budget; the legacy family answers 90018 with HTTP 200.
            var legacy: [HTTPAnswer] = []
            started = Date()
            for _ in 0..<7 {
                legacy.append(
                    try await h.legacy(
                        "/topapi/processinstance/get", ["process_instance_id": .string(id)], token: token))
            }
            let legacyOK = legacy.filter { $0.json["errcode"]?.int64Value == 0 }.count
            let legacyThrottled = legacy.filter { $0.json["errcode"]?.int64Value == 90018 && $0.status == 200 }.count
            #expect(legacyOK + legacyThrottled == 7)
            if Date().timeIntervalSince(started) < 0.9 { #expect(legacyOK == 5) }
            // Token endpoints are exempt.
            for _ in 0..<10 { _ = try await h.dingtalkToken() }
            let counters = try await h.client.admin("GET", "counters")
            let stats = try #require(counters["endpoints"]?["dingtalk.v1.processInstances.get"])
            #expect(stats["throttled"]?.int64Value == Int64(throttled.count))
            #expect(counters["endpoints"]?["dingtalk.gettoken"]?["throttled"]?.int64Value == 0)
            // After a second the budget is back.
            try await Task.sleep(nanoseconds: 1_050_000_000)
            #expect(
                try await h.new(
                    "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token
                ).status == 200)
        }
    }

    @Test func feishuThrottlingHasHeaders() async throws {
        try await Harness.with({
            $0.instances = 10
            $0.feishuReadQPS = 4
        }) { h in
            let token = try await h.feishuToken()
            var answers: [HTTPAnswer] = []
            let started = Date()
            for _ in 0..<6 { answers.append(try await h.feishu("GET", h.tablesPath, token: token)) }
            let limited = answers.filter { $0.status == 429 }
            #expect(limited.count + answers.filter { $0.status == 200 }.count == 6)
            if Date().timeIntervalSince(started) < 0.9 { #expect(limited.count == 2) }
            for answer in limited {
                #expect(answer.json["code"]?.int64Value == 99_991_400)
                #expect(answer.json["msg"]?.stringValue == "request trigger frequency limit")
                #expect(answer.header("x-ogw-ratelimit-limit") == "4")
                #expect(Int(answer.header("x-ogw-ratelimit-reset") ?? "") ?? 0 >= 1)
            }
            // Writes have their own (50/s) budget.
            let w = try await h.feishu(
                "POST", "\(h.recordsPath(try h.mainTable()))/batch_create",
                ["records": [["fields": ["instance_id": "x"]]]], token: token)
            #expect(w.json["code"]?.int64Value == 0)
        }
    }

    @Test func monthlyQuota() async throws {
        try await Harness.with({
            $0.instances = 10
            $0.dingtalkMonthlyQuota = 3
            $0.feishuMonthlyQuota = 2
        }) { h in
            let token = try await h.dingtalkToken()
            for _ in 0..<3 {
                #expect(
                    try await h.legacy("/topapi/process/get_by_name", ["name": "请假"], token: token).json["errcode"]?
                        .int64Value == 0)
            }
            #expect(
                try await h.legacy("/topapi/process/get_by_name", ["name": "请假"], token: token).json["errcode"]?
                    .int64Value == 90020)
            let new = try await h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", "x")], token: token)
            #expect(new.status == 403)
            #expect(new.json["code"]?.stringValue == "Forbidden.AccessDenied.ApiCountLimitForOrg")
            // Contacts and tokens are exempt.
            #expect(
                try await h.legacy("/topapi/v2/user/get", ["userid": "manager8821"], token: token).json["errcode"]?
                    .int64Value == 0)
            _ = try await h.dingtalkToken()
            let ft = try await h.feishuToken()
            for _ in 0..<2 { #expect(try await h.feishu("GET", h.tablesPath, token: ft).json["code"]?.int64Value == 0) }
            #expect(try await h.feishu("GET", h.tablesPath, token: ft).json["code"]?.int64Value == 99_991_403)
            let counters = try await h.client.admin("GET", "counters")
            #expect(counters.at("monthly.dingtalk")?.int64Value == 3)
            #expect(counters.at("monthly.feishu")?.int64Value == 2)
            // A new month starts afresh.
            _ = try await h.client.admin("POST", "clock/advance", ["seconds": .int(31 * 86400)])
            let t2 = try await h.dingtalkToken()
            #expect(
                try await h.legacy("/topapi/process/get_by_name", ["name": "请假"], token: t2).json["errcode"]?.int64Value
                    == 0)
        }
    }

    @Test func permissionsAndIP() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let token = try await h.dingtalkToken()
            let code = h.sandbox.processCodes[0]
            _ = try await h.client.admin("POST", "scopes/revoke", ["scope": "Workflow.Instance.Read"])
            let new = try await h.new(
                "POST", "/v1.0/workflow/processes/instanceIds/query",
                [
                    "processCode": .string(code), "startTime": .int(Harness.fixedNow - dayMs), "nextToken": 0,
                    "maxResults": 5
                ], token: token)
            #expect(new.status == 403)
            #expect(new.json["code"]?.stringValue == "Forbidden.AccessDenied.AccessTokenPermissionDenied")
            #expect(new.json.at("accessdenieddetail.requiredScopes") == .strings(["Workflow.Instance.Read"]))
            let legacy = try await h.legacy(
                "/topapi/processinstance/listids",
                ["process_code": .string(code), "start_time": .int(Harness.fixedNow - dayMs)], token: token)
            #expect(legacy.json["errcode"]?.int64Value == 60011)
            _ = try await h.client.admin("POST", "scopes/revoke", ["scope": "qyapi_get_member"])
            #expect(
                try await h.legacy("/topapi/v2/user/get", ["userid": "manager8821"], token: token).json["errcode"]?
                    .int64Value == 60011)
            #expect(
                try await h.legacy("/topapi/v2/department/get", ["dept_id": 1], token: token).json["errcode"]?
                    .int64Value == 0)
            _ = try await h.client.admin("POST", "scopes/grant", ["scope": "qyapi_get_member"])
            #expect(
                try await h.legacy("/topapi/v2/user/get", ["userid": "manager8821"], token: token).json["errcode"]?
                    .int64Value == 0)

            _ = try await h.client.admin("POST", "scopes/revoke", ["scope": "bitable"])
            let ft = try await h.feishuToken()
            let denied = try await h.feishu("GET", h.tablesPath, token: ft)
            #expect(denied.status == 400)
            #expect(denied.json["code"]?.int64Value == 99_991_672)

            try await h.client.settings(["dingtalk_ip_blocked": true])
            #expect(
                try await h.legacy("/topapi/v2/department/get", ["dept_id": 1], token: token).json["errcode"]?
                    .int64Value == 60020)
            let ip = try await h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", "x")], token: token)
            #expect(ip.status == 403)
            #expect(ip.json["code"]?.stringValue == "Forbidden.AccessDenied.IpNotInWhiteList")
        }
    }

    @Test func injectedFaultsAreExact() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let token = try await h.dingtalkToken()
            let ft = try await h.feishuToken()
            try await h.client.inject("dingtalk.v1.processCodes.get", "server_error", count: 2)
            try await h.client.inject("dingtalk.topapi.get_by_name", "server_error")
            try await h.client.inject("feishu.tables.list", "server_error")
            try await h.client.inject("dingtalk.topapi.*", "throttle")
            let pending = try await h.client.admin("GET", "faults")["pending"]?.arrayValue ?? []
            #expect(pending.count == 4)
            for _ in 0..<2 {
                let a = try await h.new(
                    "GET", "/v1.0/workflow/processCentres/schemaNames/processCodes", query: [("name", "请假")],
                    token: token)
                #expect(a.status == 500)
                #expect(a.json["code"]?.stringValue == "systemError")
            }
            #expect(
                try await h.new(
                    "GET", "/v1.0/workflow/processCentres/schemaNames/processCodes", query: [("name", "请假")],
                    token: token
                ).status == 200)
            let legacy = try await h.legacy("/topapi/process/get_by_name", ["name": "请假"], token: token)
            #expect(legacy.status == 200)
            #expect(legacy.json["errcode"]?.int64Value == -1)
            #expect(legacy.json["errmsg"]?.stringValue == "系统繁忙")
            let throttled = try await h.legacy("/topapi/v2/user/get", ["userid": "manager8821"], token: token)
            #expect(throttled.json["errcode"]?.int64Value == 90018)
            let feishu = try await h.feishu("GET", h.tablesPath, token: ft)
            #expect(feishu.status == 200)
            #expect(feishu.json["code"]?.int64Value == 1_255_001)
            #expect(try await h.feishu("GET", h.tablesPath, token: ft).json["code"]?.int64Value == 0)

            try await h.client.inject(
                "feishu.records.search", "custom", extra: [("status", 502), ("body", "Bad Gateway")])
            let custom = try await h.feishu("POST", "\(h.recordsPath(try h.mainTable()))/search", [:], token: ft)
            #expect(custom.status == 502)
            #expect(custom.text == "Bad Gateway")
            try await h.client.inject("feishu.records.search", "drop")
            // The connection is closed without an answer (URLSession on Linux then waits for its timeout).
            let impatient = TestClient(h.sandbox.baseURL, timeout: 1.5)
            await #expect(throws: (any Error).self) {
                _ = try await impatient.call(
                    "POST", "\(h.recordsPath(try h.mainTable()))/search", headers: ["Authorization": "Bearer \(ft)"],
                    json: [:])
            }
            try await h.client.inject("dingtalk.v1.templates.list", "token_invalid")
            let invalid = try await h.new(
                "GET", "/v1.0/workflow/processes/userVisibilities/templates",
                query: [("maxResults", "10"), ("nextToken", "0")], token: token)
            #expect(invalid.json["code"]?.stringValue == "InvalidAuthentication")
            #expect(try await h.client.admin("GET", "faults")["pending"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func randomFaultsAndLatency() async throws {
        try await Harness.with({
            $0.instances = 10
            $0.errorRate = 1
        }) { h in
            let token = try await h.dingtalkToken()  // tokens are exempt from random faults
            let a = try await h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", "x")], token: token)
            #expect(a.status == 500)
            try await h.client.settings(["error_rate": 0, "throttle_rate": 1])
            let b = try await h.legacy("/topapi/process/get_by_name", ["name": "请假"], token: token)
            #expect(b.json["errcode"]?.int64Value == 90018)
            let ft = try await h.feishuToken()
            let c = try await h.feishu("GET", h.tablesPath, token: ft)
            #expect(c.status == 429)
            try await h.client.settings(["throttle_rate": 0, "timeout_rate": 1])
            let d = try await h.feishu(
                "POST", "\(h.recordsPath(try h.mainTable()))/batch_create",
                ["records": [["fields": ["instance_id": "x"]]]], token: ft)
            #expect(d.status == 504)
            #expect(d.json["code"]?.int64Value == 1_255_040)
            #expect(try await h.rows(try h.mainTable()).count == 1)
            try await h.client.settings(["timeout_rate": 0, "latency_ms": 150])
            let start = Date()
            #expect(
                try await h.legacy("/topapi/process/get_by_name", ["name": "请假"], token: token).json["errcode"]?
                    .int64Value == 0)
            #expect(Date().timeIntervalSince(start) >= 0.14)
        }
    }
}
