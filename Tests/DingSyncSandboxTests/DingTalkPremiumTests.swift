import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("DingTalk OA premium listing (reference §12)")
struct DingTalkPremiumTests {
    static let path = "/v1.0/workflow/premium/processes/pages/instances"

    /// One page of the premium listing.
    static func page(
        _ h: Harness, token: String, code: String?, start: Int64?, end: Int64?, size: Int? = 20, next: String? = nil
    ) async throws -> HTTPAnswer {
        var query: [(String, String)] = []
        if let code { query.append(("processCode", code)) }
        if let start { query.append(("startTimeInMills", String(start))) }
        if let end { query.append(("endTimeInMills", String(end))) }
        if let size { query.append(("maxResults", String(size))) }
        if let next { query.append(("nextToken", next)) }
        return try await h.new("GET", path, query: query, token: token)
    }

    /// Pages to the end (stopping on hasMore); returns the items and the pages.
    static func listAll(_ h: Harness, token: String, code: String, start: Int64, end: Int64?, size: Int = 20)
        async throws -> ([JSONValue], [JSONValue])
    {
        var items: [JSONValue] = []
        var pages: [JSONValue] = []
        var next = "1"
        for _ in 0..<2000 {
            let answer = try await page(h, token: token, code: code, start: start, end: end, size: size, next: next)
            guard answer.status == 200 else { throw TestFailure("premium: \(answer.status) \(answer.text)") }
            pages.append(answer.json)
            items += answer.json.at("result.list")?.arrayValue ?? []
            guard answer.json.at("result.hasMore")?.boolValue == true else { break }
            guard let token = answer.json.at("result.nextToken")?.stringValue else {
                throw TestFailure("nextToken is not a string")
            }
            next = token
        }
        return (items, pages)
    }

    @Test func withoutPremiumTheOrganisationHasNoBenefit() async throws {
        try await Harness.with({ $0.instances = 20 }) { h in
            let token = try await h.dingtalkToken()
            let answer = try await Self.page(
                h, token: token, code: h.sandbox.processCodes[0], start: Harness.fixedNow - dayMs, end: nil)
            #expect(answer.status == 400)
            #expect(answer.json["code"]?.stringValue == "benefit.status.invalid")
            #expect(answer.json["message"]?.stringValue == "权益校验失败，未开通或过期")
            #expect(answer.json["requestid"]?.stringValue != nil)
        }
    }

    @Test func pagesHoldWholeInstancesInTheReferenceShape() async throws {
        try await Harness.with({
            $0.instances = 200
            $0.premium = true
            $0.dingtalkQPS = 100_000
        }) { h in
            let token = try await h.dingtalkToken()
            let now = Harness.fixedNow
            var seen = 0
            for code in h.sandbox.processCodes {
                let (newIds, _) = try await DingTalkListingTests.listNew(
                    h, token: token, code: code, start: now - 30 * dayMs, end: now)
                let (items, pages) = try await Self.listAll(
                    h, token: token, code: code, start: now - 30 * dayMs, end: now, size: 7)
                #expect(items.compactMap { $0["processInstanceId"]?.stringValue } == newIds)
                // nextToken counts pages from "1"; the last page says hasMore:false (and still names a page)
                for (index, page) in pages.enumerated() {
                    #expect(page.at("result.nextToken")?.stringValue == String(index + 2))
                    #expect(page.at("result.maxResults")?.int64Value == 7)
                    #expect(page.at("result.hasMore")?.boolValue == (index < pages.count - 1))
                    #expect(page["success"] == nil)
                }
                for item in items {
                    let id = item["processInstanceId"]?.stringValue ?? ""
                    let detail = try await h.new(
                        "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token
                    ).json["result"]
                    #expect(item["businessId"] == detail?["businessId"])
                    #expect(item["originatorUserid"] == detail?["originatorUserId"])
                    #expect(item["originatorUserId"] == nil)
                    #expect(item["originatorDeptName"] == nil)
                    #expect(item["createTime"]?.int64Value != nil)
                    #expect(item["createTime"] == item["createTimeInMills"])
                    #expect(item["attachedProcessInstanceIds"]?.stringValue != nil)
                    let forms = item["formComponentValues"]?.arrayValue ?? []
                    #expect(forms.count == detail?["formComponentValues"]?.arrayValue?.count)
                    #expect(forms.allSatisfy { $0["componentType"] == nil && $0["bizAlias"] == nil })
                    let records = item["operationRecords"]?.arrayValue ?? []
                    #expect(records.count == detail?["operationRecords"]?.arrayValue?.count)
                    #expect(
                        records.allSatisfy {
                            $0["timestamp"]?.int64Value != nil && $0["operationType"] != nil && $0["showName"] == nil
                                && $0["activityId"] == nil && $0["date"] == nil
                        })
                    let tasks = item["tasks"]?.arrayValue ?? []
                    #expect(tasks.count == detail?["tasks"]?.arrayValue?.count)
                    #expect(
                        tasks.allSatisfy {
                            $0["createTimestamp"]?.int64Value != nil && $0["activityId"]?.stringValue != nil
                                && $0["taskGroupName"] == nil && $0["taskId"]?.int64Value != nil
                        })
                    seen += 1
                }
            }
            #expect(seen > 100)
        }
    }

    @Test func refusalsFollowTheReference() async throws {
        try await Harness.with({
            $0.instances = 120
            $0.days = 700
            $0.premium = true
        }) { h in
            let token = try await h.dingtalkToken()
            let code = h.sandbox.processCodes[0]
            let now = Harness.fixedNow
            func errorCode(_ answer: HTTPAnswer) -> String? { answer.json["code"]?.stringValue }
            let tooBig = try await Self.page(h, token: token, code: code, start: now - dayMs, end: now, size: 21)
            #expect(tooBig.status == 400 && errorCode(tooBig) == "pageSize.invalid")
            let noSize = try await Self.page(h, token: token, code: code, start: now - dayMs, end: now, size: nil)
            #expect(errorCode(noSize) == "pageSize.invalid")
            let badPage = try await Self.page(h, token: token, code: code, start: now - dayMs, end: now, next: "x")
            #expect(errorCode(badPage) == "pageIndex.invalid")
            let zeroPage = try await Self.page(h, token: token, code: code, start: now - dayMs, end: now, next: "0")
            #expect(errorCode(zeroPage) == "pageIndex.invalid")
            let unknown = try await Self.page(h, token: token, code: "PROC-NOPE", start: now - dayMs, end: now)
            #expect(errorCode(unknown) == "processCode.error")
            let noStart = try await Self.page(h, token: token, code: code, start: nil, end: now)
            #expect(errorCode(noStart) == "timeStamp.invalid")
            let span = try await Self.page(h, token: token, code: code, start: now - 130 * dayMs, end: now)
            #expect(errorCode(span) == "timeStamp.invalid")
            let startOnly = try await Self.page(h, token: token, code: code, start: now - 121 * dayMs, end: nil)
            #expect(errorCode(startOnly) == "timeStamp.invalid")
            let backwards = try await Self.page(h, token: token, code: code, start: now, end: now - dayMs)
            #expect(errorCode(backwards) == "timeStamp.invalid")
            let sixYears = try await Self.page(
                h, token: token, code: code, start: now - 6 * 365 * dayMs, end: now - 6 * 365 * dayMs + dayMs)
            #expect(errorCode(sixYears) == "timeStamp.invalid")
            // older than the 365 days of the other listings: served
            let (old, _) = try await Self.listAll(
                h, token: token, code: code, start: now - 700 * dayMs, end: now - 600 * dayMs)
            let expected = try await h.instances(code: code).filter {
                let t = $0["create_time"]?.int64Value ?? 0
                return t >= now - 700 * dayMs && t <= now - 600 * dayMs
            }
            #expect(!expected.isEmpty)
            #expect(old.count == expected.count)
            let newOld = try await h.new(
                "POST", "/v1.0/workflow/processes/instanceIds/query",
                [
                    "processCode": .string(code), "startTime": .int(now - 700 * dayMs),
                    "endTime": .int(now - 600 * dayMs), "nextToken": 0, "maxResults": 20
                ], token: token)
            #expect(newOld.status == 400)
        }
    }

    @Test func scopeCapAndCounters() async throws {
        try await Harness.with({
            $0.instances = 150
            $0.premium = true
            $0.maxIdsPerQuery = 25
            $0.dingtalkQPS = 100_000
        }) { h in
            let token = try await h.dingtalkToken()
            let code = h.sandbox.processCodes[0]
            let now = Harness.fixedNow
            let all = try await h.instances(code: code).filter {
                ($0["create_time"]?.int64Value ?? 0) >= now - 30 * dayMs
            }
            #expect(all.count > 25)
            _ = try await h.client.admin("POST", "counters/reset")
            let (capped, pages) = try await Self.listAll(
                h, token: token, code: code, start: now - 30 * dayMs, end: now, size: 10)
            #expect(capped.count == 25)
            let counters = try await h.client.admin("GET", "counters")
            let calls = counters["endpoints"]?["dingtalk.v1.premium.instances.list"]?["calls"]?.int64Value
            #expect(calls == Int64(pages.count))
            _ = try await h.client.admin("POST", "scopes/revoke", ["scope": "Premium.Workflow.ReadWrite.All"])
            let denied = try await Self.page(h, token: token, code: code, start: now - dayMs, end: now)
            #expect(denied.status == 403)
            #expect(denied.json.at("accessdenieddetail.requiredScopes") == .strings(["Premium.Workflow.ReadWrite.All"]))
        }
    }
}
