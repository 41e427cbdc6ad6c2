import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("Feishu Bitable records")
struct FeishuRecordTests {
    static func row(_ id: String, amount: Double? = nil, status: String? = nil, start: Int64? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [("instance_id", .string(id))]
        if let amount { fields.append(("amount", .double(amount))) }
        if let status { fields.append(("status", .string(status))) }
        if let start { fields.append(("start_time", .int(start))) }
        return .object([("fields", .object(fields))])
    }

    @Test func writeAndReadShapes() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            let path = h.recordsPath(table)
            let created = try await h.feishu(
                "POST", "\(path)/batch_create",
                [
                    "records": [
                        Self.row("A1", amount: 1280.5, status: "审批中", start: 1_743_470_123_000),
                        Self.row("A2")
                    ]
                ], token: token)
            #expect(created.status == 200)
            #expect(created.json["code"]?.int64Value == 0)
            #expect(created.header("x-tt-logid") != nil)
            let records = try #require(created.json.at("data.records")?.arrayValue)
            #expect(records.count == 2)
            #expect(records[0].at("fields.instance_id")?.stringValue == "A1")
            #expect(records[0]["record_id"]?.stringValue?.hasPrefix("rec") == true)
            let id1 = try #require(records[0]["record_id"]?.stringValue)
            let id2 = try #require(records[1]["record_id"]?.stringValue)

            // search: text as segments, numbers and datetimes as numbers, empty cells absent.
            let search = try await h.feishu("POST", "\(path)/search", [:], token: token)
            let items = try #require(search.json.at("data.items")?.arrayValue)
            #expect(search.json.at("data.total")?.int64Value == 2)
            #expect(search.json.at("data.has_more")?.boolValue == false)
            #expect(search.json.at("data.page_token") == nil)
            #expect(items[0].at("fields.instance_id") == [["type": "text", "text": "A1"]])
            #expect(items[0].at("fields.amount")?.doubleValue == 1280.5)
            #expect(items[0].at("fields.start_time")?.int64Value == 1_743_470_123_000)
            #expect(items[1].at("fields.amount") == nil)
            #expect(items[1].at("fields.status") == nil)

            // GET list: plain strings (segments only with text_field_as_array).
            let list = try await h.feishu("GET", path, token: token)
            #expect(list.json.at("data.items.0.fields.instance_id")?.stringValue == "A1")
            let asArray = try await h.feishu("GET", path, query: [("text_field_as_array", "true")], token: token)
            #expect(asArray.json.at("data.items.0.fields.instance_id.0.text")?.stringValue == "A1")
            let one = try await h.feishu("GET", "\(path)/\(id1)", token: token)
            #expect(one.json.at("data.record.fields.status")?.stringValue == "审批中")
            #expect(one.json.at("data.record.record_id")?.stringValue == id1)

            // batch_get: segments, absent ids reported.
            let got = try await h.feishu(
                "POST", "\(path)/batch_get", ["record_ids": .strings([id1, "recMissing01"])], token: token)
            #expect(got.json.at("data.records.0.fields.instance_id.0.type")?.stringValue == "text")
            #expect(got.json.at("data.absent_record_ids") == .strings(["recMissing01"]))

            // Partial update; null clears.
            let updated = try await h.feishu(
                "POST", "\(path)/batch_update",
                [
                    "records": [
                        ["record_id": .string(id1), "fields": ["status": "已同意", "amount": nil]]
                    ]
                ], token: token)
            #expect(updated.json["code"]?.int64Value == 0)
            let single = try await h.feishu("PUT", "\(path)/\(id2)", ["fields": ["title": "标题"]], token: token)
            #expect(single.json.at("data.record.fields.title")?.stringValue == "标题")
            let rows = try await h.rows(table)
            #expect(rows[0].at("fields.status")?.stringValue == "已同意")
            #expect(rows[0].at("fields.amount") == nil)
            #expect(rows[0].at("fields.instance_id")?.stringValue == "A1")
            #expect(rows[1].at("fields.title")?.stringValue == "标题")

            // Delete.
            let deleted = try await h.feishu("POST", "\(path)/batch_delete", ["records": .strings([id1])], token: token)
            #expect(deleted.json.at("data.records.0.deleted")?.boolValue == true)
            let single2 = try await h.feishu("DELETE", "\(path)/\(id2)", token: token)
            #expect(single2.json.at("data.deleted")?.boolValue == true)
            #expect(try await h.rows(table).isEmpty)
            let createOne = try await h.feishu("POST", path, Self.row("A3"), token: token)
            #expect(createOne.json.at("data.record.fields.instance_id")?.stringValue == "A3")
        }
    }

    @Test func writeValidation() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            let path = h.recordsPath(table)
            func create(_ fields: JSONValue) async throws -> HTTPAnswer {
                try await h.feishu("POST", "\(path)/batch_create", ["records": [["fields": fields]]], token: token)
            }
            let cases: [(JSONValue, Int64)] = [
                (["instance_idx": "x"], 1_254_045),
                (["instance_id": "x", "amount": "12.5"], 1_254_061),
                (["instance_id": "x", "start_time": 1_743_470_123], 1_254_064),
                (["instance_id": "x", "start_time": "1743470123000"], 1_254_064),
                (["instance_id": 12], 1_254_060),
                (["instance_id": ["a"]], 1_254_060)
            ]
            for (fields, code) in cases {
                let answer = try await create(fields)
                #expect(answer.json["code"]?.int64Value == code, "\(fields.serialized()): \(answer.text)")
                #expect(answer.json["msg"]?.stringValue?.isEmpty == false)
            }
            #expect(try await h.rows(table).isEmpty)
            // A checkbox field made through the API refuses strings.
            let field = try await h.feishu(
                "POST", "\(h.tablesPath)/\(table)/fields", ["field_name": "archived", "type": 7], token: token)
            #expect(field.json.at("data.field.ui_type")?.stringValue == "Checkbox")
            #expect(try await create(["instance_id": "x", "archived": "yes"]).json["code"]?.int64Value == 1_254_065)
            #expect(try await create(["instance_id": "x", "archived": true]).json["code"]?.int64Value == 0)

            let tooMany = try await h.feishu(
                "POST", "\(path)/batch_create",
                ["records": .array((0..<1001).map { Self.row("r\($0)") })], token: token)
            #expect(tooMany.json["code"]?.int64Value == 1_254_104)
            let tooManyDelete = try await h.feishu(
                "POST", "\(path)/batch_delete", ["records": .strings((0..<501).map { "rec\($0)" })], token: token)
            #expect(tooManyDelete.json["code"]?.int64Value == 1_254_104)
            let tooManyGet = try await h.feishu(
                "POST", "\(path)/batch_get", ["record_ids": .strings((0..<101).map { "rec\($0)" })], token: token)
            #expect(tooManyGet.json["code"]?.int64Value == 1_254_104)
            let bigPage = try await h.feishu("POST", "\(path)/search", [:], query: [("page_size", "501")], token: token)
            #expect(bigPage.status == 400)
            #expect(bigPage.json["code"]?.int64Value == 1_254_011)
            let unknownRecord = try await h.feishu(
                "POST", "\(path)/batch_update", ["records": [["record_id": "recNope", "fields": ["title": "x"]]]],
                token: token)
            #expect(unknownRecord.json["code"]?.int64Value == 1_254_043)
            #expect(try await h.feishu("DELETE", "\(path)/recNope", token: token).json["code"]?.int64Value == 1_254_043)
            #expect(
                try await h.feishu("PUT", "\(path)/recNope", ["fields": ["title": "x"]], token: token).json["code"]?
                    .int64Value == 1_254_043)
            let unknownTable = try await h.feishu(
                "POST", "\(h.tablesPath)/tblNotThere00000/records/search", [:], token: token)
            #expect(unknownTable.json["code"]?.int64Value == 1_254_041)
            let unknownBase = try await h.feishu("GET", "/open-apis/bitable/v1/apps/bascnNope/tables", token: token)
            #expect(unknownBase.json["code"]?.int64Value == 1_254_040)
            let badJSON = try await h.client.call(
                "POST", "\(path)/batch_create", headers: ["Authorization": "Bearer \(token)"],
                body: Data("{".utf8), contentType: "application/json")
            #expect(badJSON.json["code"]?.int64Value == 1_254_000)
        }
    }

    @Test func searchFilterAndPaging() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            let path = h.recordsPath(table)
            let rows = (0..<30).map {
                Self.row("I\($0)", amount: Double($0 * 100), status: $0 % 3 == 0 ? "审批中" : "已同意")
            }
            #expect(
                try await h.feishu("POST", "\(path)/batch_create", ["records": .array(rows)], token: token).json[
                    "code"]?.int64Value == 0)
            func search(_ body: JSONValue, query: [(String, String)] = []) async throws -> HTTPAnswer {
                try await h.feishu("POST", "\(path)/search", body, query: query, token: token)
            }
            let byKeys = try await search([
                "filter": [
                    "conjunction": "or",
                    "conditions": .array(
                        ["I1", "I2", "I29"].map {
                            ["field_name": "instance_id", "operator": "is", "value": .strings([$0])]
                        })
                ], "field_names": ["instance_id"]
            ])
            let keys = byKeys.json.at("data.items")?.arrayValue?.compactMap {
                $0.at("fields.instance_id.0.text")?.stringValue
            }
            #expect(keys == ["I1", "I2", "I29"])
            #expect(byKeys.json.at("data.items.0.fields.amount") == nil)

            let combined = try await search([
                "filter": [
                    "conjunction": "and",
                    "conditions": [
                        ["field_name": "status", "operator": "is", "value": ["审批中"]],
                        ["field_name": "amount", "operator": "isGreater", "value": ["1000"]]
                    ]
                ], "sort": [["field_name": "amount", "desc": true]]
            ])
            let amounts = combined.json.at("data.items")?.arrayValue?.compactMap { $0.at("fields.amount")?.doubleValue }
            #expect(amounts == [2700, 2400, 2100, 1800, 1500, 1200])

            let empty = try await search([
                "filter": [
                    "conjunction": "and", "conditions": [["field_name": "title", "operator": "isEmpty", "value": []]]
                ]
            ])
            #expect(empty.json.at("data.total")?.int64Value == 30)
            let noValue = try await search([
                "filter": ["conjunction": "and", "conditions": [["field_name": "title", "operator": "isEmpty"]]]
            ])
            #expect(noValue.json["code"]?.int64Value == 1_254_018)
            let fiftyOne = try await search([
                "filter": [
                    "conjunction": "or",
                    "conditions": .array(
                        (0..<51).map { _ in
                            ["field_name": "instance_id", "operator": "is", "value": ["x"]]
                        })
                ]
            ])
            #expect(fiftyOne.json["code"]?.int64Value == 1_254_018)
            let elevenValues = try await search([
                "filter": [
                    "conjunction": "or",
                    "conditions": [
                        ["field_name": "status", "operator": "contains", "value": .strings((0..<11).map(String.init))]
                    ]
                ]
            ])
            #expect(elevenValues.json["code"]?.int64Value == 1_254_018)
            let unknownField = try await search(["field_names": ["nope"]])
            #expect(unknownField.json["code"]?.int64Value == 1_254_024)

            // Paging to the last page.
            var seen: [String] = []
            var pageToken: String?
            for _ in 0..<10 {
                var q = [("page_size", "7")]
                if let pageToken { q.append(("page_token", pageToken)) }
                let page = try await search([:], query: q)
                seen +=
                    page.json.at("data.items")?.arrayValue?.compactMap {
                        $0.at("fields.instance_id.0.text")?.stringValue
                    } ?? []
                #expect(page.json.at("data.total")?.int64Value == 30)
                guard page.json.at("data.has_more")?.boolValue == true else {
                    #expect(page.json.at("data.page_token") == nil)
                    break
                }
                pageToken = page.json.at("data.page_token")?.stringValue
            }
            #expect(seen == (0..<30).map { "I\($0)" })
            let badToken = try await search([:], query: [("page_token", "garbage!")])
            #expect(badToken.json["code"]?.int64Value == 1_254_002)

            // GET list with a formula filter.
            let formula = try await h.feishu(
                "GET", path, query: [("filter", #"AND(CurrentValue.[status]="审批中",CurrentValue.[amount]>2000)"#)],
                token: token)
            #expect(
                formula.json.at("data.items")?.arrayValue?.compactMap { $0.at("fields.instance_id")?.stringValue } == [
                    "I21", "I24", "I27"
                ])
        }
    }

    @Test func rowLimit() async throws {
        try await Harness.with({
            $0.instances = 10
            $0.rowLimit = 5
        }) { h in
            let token = try await h.feishuToken()
            let path = h.recordsPath(try h.mainTable())
            #expect(
                try await h.feishu(
                    "POST", "\(path)/batch_create", ["records": .array((0..<4).map { Self.row("r\($0)") })],
                    token: token
                )
                .json["code"]?.int64Value == 0)
            let over = try await h.feishu(
                "POST", "\(path)/batch_create", ["records": .array((4..<6).map { Self.row("r\($0)") })], token: token)
            #expect(over.json["code"]?.int64Value == 1_254_103)
            #expect(try await h.feishu("POST", path, Self.row("r4"), token: token).json["code"]?.int64Value == 0)
            #expect(
                try await h.feishu("POST", path, Self.row("r5"), token: token).json["code"]?.int64Value == 1_254_103)
            #expect(try await h.rows(try h.mainTable()).count == 5)
        }
    }

    @Test func clientTokenReplay() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            let path = "\(h.recordsPath(table))/batch_create"
            let uuid = "3f2b8c1d-5e6a-4b7c-8d9e-0f1a2b3c4d5e"
            let body: JSONValue = ["records": [Self.row("K1"), Self.row("K2")]]
            let first = try await h.feishu("POST", path, body, query: [("client_token", uuid)], token: token)
            #expect(first.json["code"]?.int64Value == 0)
            let again = try await h.feishu("POST", path, body, query: [("client_token", uuid)], token: token)
            #expect(again.json["code"]?.int64Value == 0)
            #expect(again.json.at("data.records") == first.json.at("data.records"))
            #expect(try await h.rows(table).count == 2)
            let other = try await h.feishu(
                "POST", path, ["records": [Self.row("K3")]], query: [("client_token", uuid)], token: token)
            #expect(other.status == 400)
            #expect(other.json["code"]?.int64Value == 1_255_006)
            let bad = try await h.feishu("POST", path, body, query: [("client_token", "not-a-uuid")], token: token)
            #expect(bad.status == 400)
            #expect(bad.json["code"]?.int64Value == 1_254_037)
            let v1 = try await h.feishu(
                "POST", path, body, query: [("client_token", "3f2b8c1d-5e6a-1b7c-8d9e-0f1a2b3c4d5e")], token: token)
            #expect(v1.json["code"]?.int64Value == 1_254_037)
            #expect(try await h.rows(table).count == 2)
        }
    }

    /// `feishu_max_page_bytes`: a search or list page larger than the limit is answered 1254030 TooLargeResponse
    /// (HTTP 200); a smaller page of the same table passes.
    @Test func aPageLargerThanTheLimitIsTooLarge() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            for i in 1...6 {
                _ = try await h.feishu(
                    "POST", "\(h.recordsPath(table))/batch_create", ["records": [Self.row("P\(i)")]], token: token)
            }
            let whole = try await h.feishu(
                "POST", "\(h.recordsPath(table))/search", [:], query: [("page_size", "500")], token: token)
            #expect(whole.json["code"]?.int64Value == 0)
            let bytes = try #require(whole.json.at("data.items")).serialized().utf8.count
            _ = try await h.client.admin("POST", "settings", ["feishu_max_page_bytes": .int(Int64(bytes / 2))])
            for (method, path, body) in [
                ("POST", "\(h.recordsPath(table))/search", JSONValue?.some([:])), ("GET", h.recordsPath(table), nil)
            ] {
                let big = try await h.feishu(method, path, body, query: [("page_size", "500")], token: token)
                #expect(big.status == 200)
                #expect(big.json["code"]?.int64Value == 1_254_030, "\(method) \(path)")
                #expect(big.json["msg"]?.stringValue == "TooLargeResponse")
                let small = try await h.feishu(method, path, body, query: [("page_size", "2")], token: token)
                #expect(small.json["code"]?.int64Value == 0, "\(method) \(path)")
                #expect(small.json.at("data.items")?.arrayValue?.count == 2)
            }
        }
    }

    @Test func timeoutAfterCommit() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            try await h.client.inject("feishu.records.batch_create", "timeout")
            let uuid = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
            let body: JSONValue = ["records": [Self.row("T1")]]
            let answer = try await h.feishu(
                "POST", "\(h.recordsPath(table))/batch_create", body, query: [("client_token", uuid)], token: token)
            #expect(answer.status == 504)
            #expect(answer.json["code"]?.int64Value == 1_255_040)
            // The write was applied before the timeout was answered.
            let rows = try await h.rows(table)
            #expect(rows.count == 1)
            #expect(rows.first?.at("fields.instance_id")?.stringValue == "T1")
            // Retrying with the same client_token does not create it twice.
            let retry = try await h.feishu(
                "POST", "\(h.recordsPath(table))/batch_create", body, query: [("client_token", uuid)], token: token)
            #expect(retry.json["code"]?.int64Value == 0)
            #expect(retry.json.at("data.records.0.record_id") == .string(rows.first?["record_id"]?.stringValue ?? ""))
            #expect(try await h.rows(table).count == 1)
        }
    }

    @Test func writeConflictOnOverlap() async throws {
        try await Harness.with({
            $0.instances = 10
            $0.feishuWriteHoldMs = 400
        }) { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            let path = "\(h.recordsPath(table))/batch_create"
            // A second write while one holds the table conflicts, and only the first is stored.
            let second = try await Self.whileAWriteIsHeld(h, table, token: token, label: "W1") {
                try await h.feishu("POST", path, ["records": [Self.row("W2")]], token: token)
            }
            #expect(second.status == 200)
            #expect(second.json["code"]?.int64Value == 1_254_291)
            #expect(try await h.rows(table).count == 1)

            // A read while a write holds the table conflicts too; after the hold all is well.
            let read = try await Self.whileAWriteIsHeld(h, table, token: token, label: "W3") {
                try await h.feishu("POST", "\(h.recordsPath(table))/search", [:], token: token)
            }
            #expect(read.status == 200)
            #expect(read.json["code"]?.int64Value == 1_254_291)
            #expect(try await h.rows(table).count == 2)
            _ = try await h.client.admin("POST", "settings", ["feishu_write_hold_ms": 400])
            let after = try await h.feishu("POST", "\(h.recordsPath(table))/search", [:], token: token)
            #expect(after.json["code"]?.int64Value == 0)
            // The other table is independent.
            let action = try #require(h.sandbox.actionTableId)
            async let w4 = h.feishu("POST", path, ["records": [Self.row("W4")]], token: token)
            async let w5 = h.feishu(
                "POST", "\(h.recordsPath(action))/batch_create",
                ["records": [["fields": ["action_key": "k#1", "seq": 1]]]], token: token)
            #expect(try await [w4, w5].allSatisfy { $0.json["code"]?.int64Value == 0 })

            let counters = try await h.client.admin("GET", "counters")
            #expect(counters.at("tables.\(action).max_concurrency")?.int64Value == 1)
        }
    }

    /// Makes `other` while a record write (`label`) to `table` holds it, and gives its answer.
    ///
    /// `other` is sent once the sandbox holds the write (not after a guessed delay), and counts only if the
    /// sandbox saw both on the table at once (its counters, zeroed for the round: the table's max_concurrency 2,
    /// and then exactly one conflict, `other`'s). On a starved machine it can arrive after a hold ends: that round
    /// proves nothing, the rows it stored are removed again, and it runs again with a longer hold. The held write
    /// succeeds.
    private static func whileAWriteIsHeld(
        _ h: Harness, _ table: String, token: String, label: String,
        _ other: @Sendable () async throws -> HTTPAnswer
    ) async throws -> HTTPAnswer {
        let path = "\(h.recordsPath(table))/batch_create"
        // the held write waits out its hold: longer than the harness client's 30 s timeout
        let patient = TestClient(h.sandbox.baseURL, timeout: 150)
        for holdMs in [5_000, 30_000, 90_000] {
            let before = Set(try await h.rows(table).compactMap { $0["record_id"]?.stringValue })
            _ = try await h.client.admin("POST", "settings", ["feishu_write_hold_ms": .int(Int64(holdMs))])
            _ = try await h.client.admin("POST", "counters/reset")
            async let write = patient.call(
                "POST", path, headers: ["Authorization": "Bearer \(token)"], json: ["records": [Self.row(label)]])
            // (waiting up to a minute: on a loaded machine the write itself can take seconds to arrive)
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, try await writesInFlight(h) == 0 {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            let answer = try await other()
            let written = try await write
            #expect(written.json["code"]?.int64Value == 0)
            _ = try await h.client.admin("POST", "settings", ["feishu_write_hold_ms": 400])
            let counters = try await h.client.admin("GET", "counters")
            if (counters.at("tables.\(table).max_concurrency")?.int64Value ?? 0) >= 2 {
                #expect(counters.at("tables.\(table).conflicts")?.int64Value == 1)
                return answer
            }
            // Not overlapped: undo what this round stored, so the caller's row counts hold.
            for row in try await h.rows(table) {
                guard let id = row["record_id"]?.stringValue, !before.contains(id) else { continue }
                _ = try await h.feishu("DELETE", "\(h.recordsPath(table))/\(id)", token: token)
            }
        }
        Issue.record("no call arrived while a write held the table, even with a 90 s hold")
        throw CancellationError()
    }

    /// Record writes the sandbox is holding (answered later) right now.
    private static func writesInFlight(_ h: Harness) async throws -> Int64 {
        let c = try await h.client.admin("GET", "counters")
        return c["endpoints"]?["feishu.records.batch_create"]?["in_flight"]?.int64Value ?? 0
    }
}
