import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("DingTalk tokens and token placement")
struct DingTalkTokenTests {
    @Test func legacyAndNewTokenShapesAndErrors() async throws {
        try await Harness.with { h in
            let c = h.client
            let ok = try await c.get(
                "/gettoken", query: [("appkey", h.sandbox.appKey), ("appsecret", h.sandbox.appSecret)])
            #expect(ok.status == 200)
            #expect(ok.json["errcode"]?.int64Value == 0)
            #expect(ok.json["errmsg"]?.stringValue == "ok")
            #expect(ok.json["expires_in"]?.int64Value == 7200)
            let token = try #require(ok.json["access_token"]?.stringValue)
            #expect(token.count == 32)

            let bad = try await c.get("/gettoken", query: [("appkey", h.sandbox.appKey), ("appsecret", "nope")])
            #expect(bad.status == 200)
            #expect(bad.json["errcode"]?.int64Value == 40096)
            let missing = try await c.get("/gettoken", query: [("appkey", h.sandbox.appKey)])
            #expect(missing.json["errcode"]?.int64Value == 40035)

            // The new endpoint returns the same token (same app), renewed.
            let new = try await c.post(
                "/v1.0/oauth2/accessToken",
                ["appKey": .string(h.sandbox.appKey), "appSecret": .string(h.sandbox.appSecret)])
            #expect(new.status == 200)
            #expect(new.json["accessToken"]?.stringValue == token)
            #expect(new.json["expireIn"]?.int64Value == 7200)
            #expect(new.json["errcode"] == nil)

            let wrong = try await c.post(
                "/v1.0/oauth2/accessToken", ["appKey": .string(h.sandbox.appKey), "appSecret": "x"])
            #expect(wrong.status == 400)
            #expect(wrong.json["code"]?.stringValue == "invalidClientIdOrSecret")
            #expect(wrong.json["requestid"]?.stringValue?.isEmpty == false)
            let notJSON = try await c.call(
                "POST", "/v1.0/oauth2/accessToken", body: Data("appKey=x".utf8),
                contentType: "application/x-www-form-urlencoded")
            #expect(notJSON.status == 400)
            #expect(notJSON.json["code"]?.stringValue == "Missingbody")
        }
    }

    @Test func tokenPlacementIsStrict() async throws {
        try await Harness.with { h in
            let token = try await h.dingtalkToken()
            let code = h.sandbox.processCodes[0]
            // Legacy: a header is not read.
            let legacyHeader = try await h.client.post(
                "/topapi/processinstance/get", ["process_instance_id": "x"],
                headers: ["x-acs-dingtalk-access-token": token])
            #expect(legacyHeader.status == 200)
            #expect(legacyHeader.json["errcode"]?.int64Value == 88)
            #expect(legacyHeader.json["sub_code"]?.stringValue == "40000")
            // Legacy: a form body may carry it (reference §0).
            let form = try await h.client.form("/topapi/v2/department/get", [("access_token", token), ("dept_id", "1")])
            #expect(form.json["errcode"]?.int64Value == 0)
            // New: neither query nor Bearer.
            for headers in [["Authorization": "Bearer \(token)"], [:]] {
                let answer = try await h.client.call(
                    "POST", "/v1.0/workflow/processes/instanceIds/query", query: [("access_token", token)],
                    headers: headers,
                    json: ["processCode": .string(code), "startTime": 0, "nextToken": 0, "maxResults": 1])
                #expect(answer.status == 400)
                #expect(answer.json["code"]?.stringValue == "AuthenticationFailed.MissingParameter")
            }
            // Unknown token.
            let unknown = try await h.legacy(
                "/topapi/v2/user/get", ["userid": "manager8821"], token: "0123456789abcdef0123456789abcdef")
            #expect(unknown.json["errcode"]?.int64Value == 88)
            #expect(unknown.json["sub_code"]?.stringValue == "40014")
            #expect(unknown.json["sub_msg"]?.stringValue == "不合法的access_token")
        }
    }

    @Test func tokensExpireAndRenew() async throws {
        try await Harness.with({ $0.tokenLifetime = 100 }) { h in
            let first = try await h.dingtalkToken()
            // Re-requesting within validity returns the same token and renews it.
            _ = try await h.client.admin("POST", "clock/advance", ["seconds": 60])
            #expect(try await h.dingtalkToken() == first)
            _ = try await h.client.admin("POST", "clock/advance", ["seconds": 60])
            // 120 s after the first issue, but only 60 s after the renewal: still valid.
            let stillOK = try await h.legacy("/topapi/v2/user/get", ["userid": "manager8821"], token: first)
            #expect(stillOK.json["errcode"]?.int64Value == 0)
            _ = try await h.client.admin("POST", "clock/advance", ["seconds": 45])
            let expiredLegacy = try await h.legacy("/topapi/v2/user/get", ["userid": "manager8821"], token: first)
            #expect(expiredLegacy.status == 200)
            #expect(expiredLegacy.json["errcode"]?.int64Value == 88)
            #expect(expiredLegacy.json["sub_code"]?.stringValue == "40014")
            let expiredNew = try await h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", "x")], token: first)
            #expect(expiredNew.status == 400)
            #expect(expiredNew.json["code"]?.stringValue == "InvalidAuthentication")
            let second = try await h.dingtalkToken()
            #expect(second != first)

            // Admin: expire everything now.
            _ = try await h.client.admin("POST", "tokens/expire")
            let afterExpire = try await h.legacy("/topapi/v2/user/get", ["userid": "manager8821"], token: second)
            #expect(afterExpire.json["errcode"]?.int64Value == 88)
        }
    }

    @Test func realTimeExpiryWithShortLifetime() async throws {
        try await Harness.with({ $0.tokenLifetime = 1 }) { h in
            let token = try await h.dingtalkToken()
            try await Task.sleep(nanoseconds: 1_200_000_000)
            let answer = try await h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", "x")], token: token)
            #expect(answer.json["code"]?.stringValue == "InvalidAuthentication")
        }
    }
}
