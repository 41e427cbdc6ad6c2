import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("Faults trickle (slow body) and stuck_cursor")
struct SlowAndStuckFaultTests {
    static func tablesRequest(_ h: Harness, token: String) -> String {
        "GET \(h.tablesPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n\r\n"
    }

    @Test func trickleSendsTheHeadAtOnceAndTheBodySlowly() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let ft = try await h.feishuToken()
            let normal = try await h.feishu("GET", h.tablesPath, token: ft)
            try await h.client.inject(
                "feishu.tables.list", "trickle", extra: [("interval_ms", 100), ("piece_bytes", 16)])
            let pending = try await h.client.admin("GET", "faults")["pending"]?.arrayValue ?? []
            #expect(pending.first?["fault"]?.stringValue == "trickle")
            let slow = try await RawHTTP.exchange(port: h.sandbox.port, request: Self.tablesRequest(h, token: ft))
            #expect(slow.head.hasPrefix("HTTP/1.1 200"))
            #expect(slow.headAfter >= 0 && slow.headAfter < 0.5, "head after \(slow.headAfter) s")
            // Content-Length, not chunked: a client cannot finish before the last byte.
            #expect(slow.header("Transfer-Encoding") == nil)
            #expect(slow.contentLength == normal.body.count)
            #expect(slow.header("Date") != nil)
            #expect(slow.complete)
            // The answer itself is the normal one (same bytes as the answer before).
            #expect(slow.body == Array(normal.body))
            let pieces = (normal.body.count + 15) / 16
            #expect(pieces >= 8)
            let last = slow.pieceTimes.last ?? 0
            #expect(last >= Double(pieces - 1) * 0.1 * 0.9, "\(pieces) pieces in \(last) s")
            #expect(slow.pieceTimes.count >= pieces / 2, "read in \(slow.pieceTimes.count) reads")
            let trickles = try await h.client.admin("GET", "counters")["trickles"]
            #expect(trickles?["started"]?.int64Value == 1)
            #expect(trickles?["completed"]?.int64Value == 1)
            #expect(trickles?["active"]?.int64Value == 0)
            // count 1: the next answer is quick again.
            let quick = try await RawHTTP.exchange(port: h.sandbox.port, request: Self.tablesRequest(h, token: ft))
            #expect(quick.complete && (quick.pieceTimes.last ?? 9) < 0.5)
            // Bad parameters are refused.
            let bad = try await h.client.call(
                "POST", "/__admin/faults",
                json: ["endpoint": "feishu.tables.list", "fault": "trickle", "interval_ms": 0])
            #expect(bad.status == 400)
            let badPiece = try await h.client.call(
                "POST", "/__admin/faults",
                json: ["endpoint": "feishu.tables.list", "fault": "trickle", "piece_bytes": 0])
            #expect(badPiece.status == 400)
        }
    }

    @Test func trickleStopsWhenTheClientHangsUpAndNeverBlocksTheLoop() async throws {
        try await Harness.with({
            $0.instances = 10
            $0.threads = 1
        }) { h in
            let ft = try await h.feishuToken()
            try await h.client.inject(
                "feishu.tables.list", "trickle", extra: [("interval_ms", 100), ("piece_bytes", 4)])
            // Read the head and a few bytes, then hang up.
            let partial = try await RawHTTP.exchange(
                port: h.sandbox.port, request: Self.tablesRequest(h, token: ft), bodyBytesBeforeClose: 4)
            #expect(partial.head.hasPrefix("HTTP/1.1 200"))
            #expect(!partial.complete)
            var trickles: JSONValue?
            for _ in 0..<40 {
                try await Task.sleep(nanoseconds: 100_000_000)
                trickles = try await h.client.admin("GET", "counters")["trickles"]
                if trickles?["abandoned"]?.int64Value == 1 { break }
            }
            #expect(trickles?["abandoned"]?.int64Value == 1)
            #expect(trickles?["active"]?.int64Value == 0)
            #expect(trickles?["completed"]?.int64Value == 0)

            // One event loop thread: a slow answer in progress does not hold up the others.
            let token = try await h.dingtalkToken()
            // a trickle of about 90 s whatever the detail's size (the checks below must not race its end on a
            // starved machine): the body's length, read once at full speed, over 450 pieces 200 ms apart
            let id = try #require(try await h.instances().first?["id"]?.stringValue)
            let size = try await h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token
            ).body.count
            try await h.client.inject(
                "dingtalk.v1.processInstances.get", "trickle",
                extra: [("interval_ms", 200), ("piece_bytes", .int(max(1, size / 450)))])
            async let slow = h.new(
                "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token)
            // wait until the slow answer is being sent (on a starved machine the request may take a while to start)
            var active: Int64 = 0
            for _ in 0..<600 where active != 1 {
                try await Task.sleep(nanoseconds: 100_000_000)
                active = try await h.client.admin("GET", "counters")["trickles"]?["active"]?.int64Value ?? 0
            }
            #expect(active == 1, "the slow answer started")
            // other calls are answered while the slow one is still being sent (no timing asserted:
            // the trickle takes seconds, five admin calls on an idle loop take milliseconds)
            for _ in 0..<5 { #expect(try await h.client.get("/__admin/clock").status == 200) }
            #expect(try await h.client.admin("GET", "counters")["trickles"]?["active"]?.int64Value == 1)
            // URLSession waits for the whole body: a complete, normal answer.
            let answer = try await slow
            #expect(answer.status == 200)
            #expect(answer.json.at("result.title")?.stringValue?.isEmpty == false)
            #expect(answer.json["success"]?.boolValue == true)
        }
    }

    @Test func stuckCursorRepeatsTheRequestsCursor() async throws {
        try await Harness.with({ $0.instances = 150 }) { h in
            let token = try await h.dingtalkToken()
            let code = h.sandbox.processCodes[0]
            let start = Harness.fixedNow - 30 * dayMs
            func page(_ next: JSONValue) async throws -> JSONValue {
                let answer = try await h.new(
                    "POST", "/v1.0/workflow/processes/instanceIds/query",
                    ["processCode": .string(code), "startTime": .int(start), "nextToken": next, "maxResults": 5],
                    token: token)
                #expect(answer.status == 200, "\(answer.text)")
                return answer.json
            }
            let first = try await page(0)
            #expect(first.at("result.nextToken")?.stringValue == "5")
            let second = try await page(5)
            #expect(second.at("result.nextToken")?.stringValue == "10")
            let secondIds = try #require(second.at("result.list"))

            try await h.client.inject("dingtalk.v1.instanceIds.query", "stuck_cursor", count: 2)
            // The page is the requested one, the cursor does not move (twice: count 2).
            let stuck = try await page(5)
            #expect(stuck.at("result.list") == secondIds)
            #expect(stuck.at("result.nextToken")?.stringValue == "5")
            let stuckAgain = try await page("5")
            #expect(stuckAgain.at("result.list") == secondIds)
            #expect(stuckAgain.at("result.nextToken")?.stringValue == "5")
            let moving = try await page("5")
            #expect(moving.at("result.nextToken")?.stringValue == "10")
            // Even on the last page the cursor is handed back.
            let ids = try await h.instances(code: code).filter { ($0["create_time"]?.int64Value ?? 0) >= start }
            try await h.client.inject("dingtalk.v1.instanceIds.query", "stuck_cursor")
            let beyond = try await page(.int(Int64(ids.count)))
            #expect(beyond.at("result.list")?.arrayValue?.isEmpty == true)
            #expect(beyond.at("result.nextToken")?.stringValue == String(ids.count))

            // Legacy: next_cursor equals the request's cursor.
            func legacyPage(_ cursor: Int) async throws -> JSONValue {
                try await h.legacy(
                    "/topapi/processinstance/listids",
                    ["process_code": .string(code), "start_time": .int(start), "size": 5, "cursor": .int(cursor)],
                    token: token
                ).json
            }
            let normal = try await legacyPage(5)
            #expect(normal.at("result.next_cursor")?.int64Value == 10)
            try await h.client.inject("dingtalk.topapi.listids", "stuck_cursor")
            let legacyStuck = try await legacyPage(5)
            #expect(legacyStuck.at("result.list") == normal.at("result.list"))
            #expect(legacyStuck.at("result.next_cursor")?.int64Value == 5)
            #expect(try await legacyPage(5).at("result.next_cursor")?.int64Value == 10)

            // Only listings: refused on another endpoint; with a wildcard it waits for a listing.
            let refused = try await h.client.call(
                "POST", "/__admin/faults",
                json: ["endpoint": "dingtalk.v1.processInstances.get", "fault": "stuck_cursor"])
            #expect(refused.status == 400)
            #expect(refused.text.contains("dingtalk.v1.instanceIds.query"))
            #expect(
                try await h.client.call(
                    "POST", "/__admin/faults", json: ["endpoint": "feishu.*", "fault": "stuck_cursor"]
                ).status == 400)
            try await h.client.inject("dingtalk.*", "stuck_cursor")
            let templates = try await h.new(
                "GET", "/v1.0/workflow/processes/userVisibilities/templates",
                query: [("maxResults", "2"), ("nextToken", "0")], token: token)
            #expect(templates.json.at("result.nextToken")?.int64Value == 2)
            #expect(try await h.client.admin("GET", "faults")["pending"]?.arrayValue?.count == 1)
            #expect(try await legacyPage(0).at("result.next_cursor")?.int64Value == 0)
            #expect(try await h.client.admin("GET", "faults")["pending"]?.arrayValue?.isEmpty == true)
        }
    }
}
