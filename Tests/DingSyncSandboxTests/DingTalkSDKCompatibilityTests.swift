import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("DingTalk: what the official SDK sends and expects")
struct DingTalkSDKCompatibilityTests {
    @Test func nextTokenAsNumberOrNumericString() async throws {
        try await Harness.with({ $0.instances = 150 }) { h in
            let token = try await h.dingtalkToken()
            let code = h.sandbox.processCodes[0]
            func page(_ next: JSONValue) async throws -> HTTPAnswer {
                try await h.new(
                    "POST", "/v1.0/workflow/processes/instanceIds/query",
                    [
                        "processCode": .string(code), "startTime": .int(Harness.fixedNow - 30 * dayMs),
                        "nextToken": next,
                        "maxResults": 5
                    ], token: token)
            }
            let number = try await page(5)
            let string = try await page("5")
            #expect(number.status == 200)
            #expect(string.status == 200)
            #expect(string.json.at("result.list") == number.json.at("result.list"))
            #expect(string.json.at("result.nextToken")?.stringValue == "10")
            // The first call with the string "0", as an SDK sends an empty cursor converted.
            #expect(try await page("0").json.at("result.nextToken")?.stringValue == "5")
            for bad: JSONValue in ["abc", "", "5a", " 5", "-5", 1.5] {
                let answer = try await page(bad)
                #expect(answer.status == 400, "\(bad)")
                #expect(answer.json["code"]?.stringValue == "invalidNextToken", "\(bad): \(answer.text)")
            }
        }
    }

    @Test func successAsBooleanOrString() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let token = try await h.dingtalkToken()
            let code = h.sandbox.processCodes[0]
            let id = try #require(try await h.instances().first?["id"]?.stringValue)
            func both() async throws -> (JSONValue?, JSONValue?) {
                let list = try await h.new(
                    "POST", "/v1.0/workflow/processes/instanceIds/query",
                    [
                        "processCode": .string(code), "startTime": .int(Harness.fixedNow - 30 * dayMs), "nextToken": 0,
                        "maxResults": 5
                    ], token: token)
                let detail = try await h.new(
                    "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token)
                return (list.json["success"], detail.json["success"])
            }
            // Default: a JSON boolean, as observed.
            #expect(try await h.client.admin("GET", "settings")["new_api_success"]?.stringValue == "boolean")
            var (list, detail) = try await both()
            #expect(list == .bool(true))
            #expect(detail == .bool(true))
            // As documented: the string "true".
            try await h.client.settings(["new_api_success": "string"])
            (list, detail) = try await both()
            #expect(list == .string("true"))
            #expect(detail == .string("true"))
            try await h.client.settings(["new_api_success": "boolean"])
            #expect(try await both().1 == .bool(true))
            #expect(
                try await h.client.call("POST", "/__admin/settings", json: ["new_api_success": "yes"]).status == 400)
            #expect(try await h.client.call("POST", "/__admin/settings", json: ["new_api_success": true]).status == 400)
        }
        // The start option.
        try await Harness.with({
            $0.instances = 10
            $0.newAPISuccess = .string
        }) { h in
            let token = try await h.dingtalkToken()
            let id = try #require(try await h.instances().first?["id"]?.stringValue)
            let detail = try await h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token)
            #expect(detail.json["success"] == .string("true"))
            #expect(try await h.client.admin("GET", "info").at("settings.new_api_success")?.stringValue == "string")
        }
    }

    /// A 200 whose detail lacks title and originator, through the `custom` fault, on both families.
    @Test func malformedButSuccessfulDetail() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let token = try await h.dingtalkToken()
            let id = try #require(try await h.instances().first?["id"]?.stringValue)
            let newBody: JSONValue = ["success": true, "result": ["status": "RUNNING"]]
            try await h.client.inject(
                "dingtalk.v1.processInstances.get", "custom", extra: [("status", 200), ("body", newBody)])
            let new = try await h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token)
            #expect(new.status == 200)
            #expect(new.json == newBody)
            #expect(new.header("Content-Type")?.hasPrefix("application/json") == true)
            let legacyBody: JSONValue = [
                "errcode": 0, "errmsg": "ok", "process_instance": ["status": "RUNNING"], "request_id": "x1"
            ]
            try await h.client.inject("dingtalk.topapi.get", "custom", extra: [("status", 200), ("body", legacyBody)])
            let legacy = try await h.legacy(
                "/topapi/processinstance/get", ["process_instance_id": .string(id)], token: token)
            #expect(legacy.status == 200)
            #expect(legacy.json == legacyBody)
            // count 1: the next answers are whole again.
            let whole = try await h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token)
            #expect(whole.json.at("result.title")?.stringValue?.isEmpty == false)
            #expect(whole.json.at("result.originatorUserId")?.stringValue?.isEmpty == false)
            let legacyWhole = try await h.legacy(
                "/topapi/processinstance/get", ["process_instance_id": .string(id)], token: token)
            #expect(legacyWhole.json.at("process_instance.title")?.stringValue?.isEmpty == false)
        }
    }
}
