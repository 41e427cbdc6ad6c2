import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("DingTalk listing: pagination, cap, windows")
struct DingTalkListingTests {
    /// Pages the new API to the end; returns ids and the raw pages.
    static func listNew(
        _ h: Harness, token: String, code: String, start: Int64, end: Int64?, size: Int = 20,
        statuses: [String]? = nil
    ) async throws -> ([String], [JSONValue]) {
        var ids: [String] = []
        var pages: [JSONValue] = []
        var next: Int64 = 0
        for _ in 0..<2000 {
            var body: [(String, JSONValue)] = [
                ("processCode", .string(code)), ("startTime", .int(start)), ("nextToken", .int(next)),
                ("maxResults", .int(size))
            ]
            if let end { body.append(("endTime", .int(end))) }
            if let statuses { body.append(("statuses", .strings(statuses))) }
            let answer = try await h.new(
                "POST", "/v1.0/workflow/processes/instanceIds/query", .object(body), token: token)
            guard answer.status == 200 else { throw TestFailure("list: \(answer.status) \(answer.text)") }
            pages.append(answer.json)
            ids += answer.json.at("result.list")?.arrayValue?.compactMap(\.stringValue) ?? []
            guard let token = answer.json.at("result.nextToken") else { break }
            guard let text = token.stringValue, let value = Int64(text) else {
                throw TestFailure("nextToken is not a string: \(token)")
            }
            next = value
        }
        return (ids, pages)
    }

    static func listLegacy(_ h: Harness, token: String, code: String, start: Int64, end: Int64?, size: Int = 20)
        async throws -> [String]
    {
        var ids: [String] = []
        var cursor: Int64 = 0
        for _ in 0..<2000 {
            // Form body, every value a string, as the TOP SDK sends it.
            var items = [
                ("process_code", code), ("start_time", String(start)), ("size", String(size)),
                ("cursor", String(cursor))
            ]
            if let end { items.append(("end_time", String(end))) }
            let answer = try await h.client.form(
                "/topapi/processinstance/listids", items, query: [("access_token", token)])
            guard answer.json["errcode"]?.int64Value == 0 else { throw TestFailure("listids: \(answer.text)") }
            ids += answer.json.at("result.list")?.arrayValue?.compactMap(\.stringValue) ?? []
            guard let next = answer.json.at("result.next_cursor") else { break }
            guard let value = next.int64Value else { throw TestFailure("next_cursor is not a number: \(next)") }
            cursor = value
        }
        return ids
    }

    @Test func bothFamiliesPageToTheLastPageAndAgree() async throws {
        try await Harness.with({
            $0.instances = 300
            $0.dingtalkQPS = 100_000
        }) { h in
            let token = try await h.dingtalkToken()
            let now = Harness.fixedNow
            for code in h.sandbox.processCodes {
                let expected = try await h.instances(code: code)
                    .filter { ($0["create_time"]?.int64Value ?? 0) >= now - 30 * dayMs }
                    .compactMap { $0["id"]?.stringValue }
                let (newIds, pages) = try await Self.listNew(
                    h, token: token, code: code, start: now - 30 * dayMs, end: now, size: 7)
                #expect(newIds == expected)
                #expect(Set(newIds).count == newIds.count)
                // Every page but the last has a string nextToken; the last has none.
                #expect(pages.last?.at("result.nextToken") == nil)
                for page in pages.dropLast() { #expect(page.at("result.nextToken")?.stringValue != nil) }
                #expect(pages.allSatisfy { $0["success"]?.boolValue == true })
                let legacyIds = try await Self.listLegacy(
                    h, token: token, code: code, start: now - 30 * dayMs, end: nil, size: 20)
                #expect(legacyIds == expected)
            }
        }
    }

    @Test func statusFilterAndUserFilter() async throws {
        try await Harness.with { h in
            let token = try await h.dingtalkToken()
            let code = h.sandbox.processCodes[0]
            let running = try await h.instances(code: code, status: "RUNNING").compactMap { $0["id"]?.stringValue }
            let (ids, _) = try await Self.listNew(
                h, token: token, code: code, start: Harness.fixedNow - 100 * dayMs, end: Harness.fixedNow,
                statuses: ["RUNNING"])
            #expect(ids == running)
            let bad = try await h.new(
                "POST", "/v1.0/workflow/processes/instanceIds/query",
                [
                    "processCode": .string(code), "startTime": .int(Harness.fixedNow - dayMs), "nextToken": 0,
                    "maxResults": 5,
                    "userIds": .strings((0..<11).map { "u\($0)" })
                ], token: token)
            #expect(bad.status == 400)
            #expect(bad.json["code"]?.stringValue == "invalidUserIds")
        }
    }

    @Test func idCapStopsSilently() async throws {
        try await Harness.with({
            $0.instances = 200
            $0.maxIdsPerQuery = 7
        }) { h in
            let token = try await h.dingtalkToken()
            let code = h.sandbox.processCodes[0]
            let total = try await h.instances(code: code).count
            #expect(total > 7)
            let (ids, pages) = try await Self.listNew(
                h, token: token, code: code, start: Harness.fixedNow - 31 * dayMs, end: Harness.fixedNow, size: 3)
            #expect(ids.count == 7)
            #expect(pages.map { $0.at("result.list")?.arrayValue?.count ?? -1 } == [3, 3, 1])
            #expect(pages.last?.at("result.nextToken") == nil)
            let legacy = try await Self.listLegacy(
                h, token: token, code: code, start: Harness.fixedNow - 31 * dayMs, end: Harness.fixedNow, size: 5)
            #expect(legacy == ids)
        }
    }

    @Test func newAPIValidation() async throws {
        try await Harness.with { h in
            let token = try await h.dingtalkToken()
            let code = h.sandbox.processCodes[0]
            let now = Harness.fixedNow
            func query(_ body: [(String, JSONValue)]) async throws -> HTTPAnswer {
                try await h.new("POST", "/v1.0/workflow/processes/instanceIds/query", .object(body), token: token)
            }
            let base: [(String, JSONValue)] = [
                ("processCode", .string(code)), ("startTime", .int(now - dayMs)), ("nextToken", 0), ("maxResults", 20)
            ]
            func with(_ key: String, _ value: JSONValue?) -> [(String, JSONValue)] {
                var b = base.filter { $0.0 != key }
                if let value { b.append((key, value)) }
                return b
            }
            let cases: [([(String, JSONValue)], String)] = [
                (with("processCode", nil), "invalidProcessCode"),
                (with("processCode", "PROC-NOT-THERE"), "invalidProcessCode"),
                (with("startTime", nil), "invalidInstanceListIdsStartTime"),
                (with("nextToken", nil), "invalidNextToken"),
                (with("nextToken", "abc"), "invalidNextToken"),
                (with("nextToken", ""), "invalidNextToken"),
                (with("nextToken", "-1"), "invalidNextToken"),
                (with("nextToken", "2.5"), "invalidNextToken"),
                (with("nextToken", true), "invalidNextToken"),
                (with("maxResults", nil), "invalidMaxResults"),
                (with("maxResults", 21), "invalidMaxResults"),
                (with("endTime", .int(now - 2 * dayMs)), "invalidEndTime"),
                (with("startTime", .int(now - 121 * dayMs)), "invalidEndTime"),
                (with("startTime", .int(now - 121 * dayMs)) + [("endTime", .int(now))], "invalidEndTime"),
                (
                    with("startTime", .int(now - 366 * dayMs)) + [("endTime", .int(now - 360 * dayMs))],
                    "invalidInstanceListIdsStartTime"
                )
            ]
            for (body, expected) in cases {
                let answer = try await query(body)
                #expect(answer.status == 400, "\(body)")
                #expect(answer.json["code"]?.stringValue == expected, "\(body): \(answer.text)")
                #expect(answer.json["requestid"] != nil)
                #expect(answer.header("x-acs-request-id") != nil)
            }
            // A 119-day window and a start 300 days ago are fine.
            #expect(try await query(with("startTime", .int(now - 119 * dayMs))).status == 200)
            #expect(
                try await query(with("startTime", .int(now - 300 * dayMs)) + [("endTime", .int(now - 200 * dayMs))])
                    .status == 200)
        }
    }

    @Test func legacyValidation() async throws {
        try await Harness.with { h in
            let token = try await h.dingtalkToken()
            let code = h.sandbox.processCodes[0]
            let now = Harness.fixedNow
            let cases: [JSONValue] = [
                ["start_time": .int(now - dayMs)],
                ["process_code": .string(code)],
                ["process_code": .string(code), "start_time": .int(now - dayMs), "size": 21],
                ["process_code": .string(code), "start_time": .int(now - 130 * dayMs)],
                ["process_code": .string(code), "start_time": .int(now - dayMs), "end_time": .int(now - 2 * dayMs)],
                [
                    "process_code": .string(code), "start_time": .int(now - 400 * dayMs),
                    "end_time": .int(now - 399 * dayMs)
                ],
                [
                    "process_code": .string(code), "start_time": .int(now - dayMs),
                    "userid_list": .string((0..<11).map { "u\($0)" }.joined(separator: ","))
                ]
            ]
            for body in cases {
                let answer = try await h.legacy("/topapi/processinstance/listids", body, token: token)
                #expect(answer.status == 200)
                #expect(answer.json["errcode"]?.int64Value == 400002, "\(body.serialized()): \(answer.text)")
                #expect(answer.json["request_id"] != nil)
            }
            // Numeric strings are accepted.
            let strings = try await h.legacy(
                "/topapi/processinstance/listids",
                [
                    "process_code": .string(code), "start_time": .string(String(now - dayMs)), "size": "20",
                    "cursor": "0"
                ],
                token: token)
            #expect(strings.json["errcode"]?.int64Value == 0)
            #expect(strings.json.at("result.list")?.arrayValue != nil)
        }
    }

    @Test func unknownPaths() async throws {
        try await Harness.with { h in
            let token = try await h.dingtalkToken()
            let legacy = try await h.legacy("/topapi/processinstance/nothing", [:], token: token)
            #expect(legacy.status == 200)
            #expect(legacy.json["errcode"]?.int64Value == 22)
            #expect(legacy.json["errmsg"]?.stringValue == "不合法ApiName")
            let new = try await h.new("GET", "/v1.0/workflow/nothing", token: token)
            #expect(new.status == 404)
            #expect(new.json["code"]?.stringValue == "InvalidAction.NotFound")
            let wrongMethod = try await h.new("GET", "/v1.0/workflow/processes/instanceIds/query", token: token)
            #expect(wrongMethod.status == 404)
            let feishu = try await h.client.get("/open-apis/nothing")
            #expect(feishu.status == 404)
        }
    }
}
