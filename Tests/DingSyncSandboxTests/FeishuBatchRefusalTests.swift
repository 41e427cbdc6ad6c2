import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("Feishu: whole-batch refusals (TooLargeCell 1254130, RecordIdNotFound 1254043)")
struct FeishuBatchRefusalTests {
    @Test func textCellLimitCountsUnicodeScalars() async throws {
        try await Harness.with({ $0.instances = 5 }) { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            let path = h.recordsPath(table)
            func create(_ title: String) async throws -> HTTPAnswer {
                try await h.feishu(
                    "POST", path, ["fields": ["instance_id": "big", "title": .string(title)]], token: token)
            }
            // Exactly 100,000 characters: accepted; 100,001: refused, naming the field.
            let exact = try await create(String(repeating: "a", count: 100_000))
            #expect(exact.json["code"]?.int64Value == 0)
            let over = try await create(String(repeating: "a", count: 100_001))
            #expect(over.status == 200)
            #expect(over.json["code"]?.int64Value == 1_254_130)
            #expect(over.json["msg"]?.stringValue?.contains("TooLargeCell") == true)
            #expect(over.json["msg"]?.stringValue?.contains("title") == true)
            // A character is a Unicode scalar: 100,000 emoji (200,000 UTF-16 units) fit …
            #expect(try await create(String(repeating: "👍", count: 100_000)).json["code"]?.int64Value == 0)
            #expect(try await create(String(repeating: "审", count: 100_000)).json["code"]?.int64Value == 0)
            // … and 50,001 "é" written as e + combining accent (50,001 graphemes, 100,002 scalars) do not.
            let combining = String(repeating: "e\u{301}", count: 50_001)
            #expect(combining.count == 50_001)
            #expect(try await create(combining).json["code"]?.int64Value == 1_254_130)
            #expect(try await h.rows(table).count == 3)
        }
    }

    @Test func tooLargeCellRefusesTheWholeBatch() async throws {
        try await Harness.with({ $0.instances = 5 }) { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            let path = h.recordsPath(table)
            // A select field, to see that a refused batch creates no option either.
            let field = try await h.feishu(
                "POST", "\(h.tablesPath)/\(table)/fields",
                ["field_name": "tag", "type": 3, "property": ["options": [["name": "old"]]]], token: token)
            #expect(field.json["code"]?.int64Value == 0)
            let big = String(repeating: "x", count: 100_001)
            let create = try await h.feishu(
                "POST", "\(path)/batch_create",
                [
                    "records": [
                        ["fields": ["instance_id": "ok-1", "tag": "brand-new"]],
                        ["fields": ["instance_id": "ok-2", "form_data": .string(big)]],
                        ["fields": ["instance_id": "ok-3"]]
                    ]
                ], token: token)
            #expect(create.json["code"]?.int64Value == 1_254_130)
            #expect(create.json["msg"]?.stringValue?.contains("form_data") == true)
            #expect(try await h.rows(table).isEmpty)
            let options = try await h.client.admin("GET", "tables")
            let tables = options["tables"]?.arrayValue ?? []
            let main = tables.first { $0["table_id"]?.stringValue == table }
            let tag = main?["fields"]?.arrayValue?.first { $0["field_name"]?.stringValue == "tag" }
            #expect(tag?.at("property.options")?.arrayValue?.count == 1, "\(tag?.serialized() ?? "no field")")

            let made = try await h.feishu(
                "POST", "\(path)/batch_create",
                [
                    "records": [
                        ["fields": ["instance_id": "r1", "title": "one"]],
                        ["fields": ["instance_id": "r2", "title": "two"]]
                    ]
                ], token: token)
            let ids = made.json.at("data.records")?.arrayValue?.compactMap { $0["record_id"]?.stringValue } ?? []
            #expect(ids.count == 2)
            let update = try await h.feishu(
                "POST", "\(path)/batch_update",
                [
                    "records": [
                        ["record_id": .string(ids[0]), "fields": ["title": "changed"]],
                        ["record_id": .string(ids[1]), "fields": ["title": .string(big)]]
                    ]
                ], token: token)
            #expect(update.json["code"]?.int64Value == 1_254_130)
            #expect(update.json["msg"]?.stringValue?.contains("title") == true)
            let rows = try await h.rows(table)
            #expect(rows.compactMap { $0.at("fields.title")?.stringValue }.sorted() == ["one", "two"])
        }
    }

    @Test func unknownRecordIdRefusesTheWholeBatch() async throws {
        try await Harness.with({ $0.instances = 5 }) { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            let path = h.recordsPath(table)
            let made = try await h.feishu(
                "POST", "\(path)/batch_create",
                [
                    "records": [
                        ["fields": ["instance_id": "r1", "title": "one"]],
                        ["fields": ["instance_id": "r2", "title": "two"]]
                    ]
                ], token: token)
            let ids = made.json.at("data.records")?.arrayValue?.compactMap { $0["record_id"]?.stringValue } ?? []
            #expect(ids.count == 2)

            let update = try await h.feishu(
                "POST", "\(path)/batch_update",
                [
                    "records": [
                        ["record_id": .string(ids[0]), "fields": ["title": "changed"]],
                        ["record_id": "recGone000001", "fields": ["title": "x"]]
                    ]
                ], token: token)
            #expect(update.status == 200)
            #expect(update.json["code"]?.int64Value == 1_254_043)
            #expect(update.json["msg"]?.stringValue?.contains("recGone000001") == true)
            let delete = try await h.feishu(
                "POST", "\(path)/batch_delete", ["records": .strings([ids[1], "recGone000002"])], token: token)
            #expect(delete.json["code"]?.int64Value == 1_254_043)
            #expect(delete.json["msg"]?.stringValue?.contains("recGone000002") == true)
            let rows = try await h.rows(table)
            #expect(rows.count == 2)
            #expect(rows.compactMap { $0.at("fields.title")?.stringValue }.sorted() == ["one", "two"])

            // The single-record routes.
            let put = try await h.feishu("PUT", "\(path)/recGone000003", ["fields": ["title": "x"]], token: token)
            #expect(put.json["code"]?.int64Value == 1_254_043)
            let del = try await h.feishu("DELETE", "\(path)/recGone000004", token: token)
            #expect(del.json["code"]?.int64Value == 1_254_043)
            let get = try await h.feishu("GET", "\(path)/recGone000005", token: token)
            #expect(get.json["code"]?.int64Value == 1_254_043)
            // And the known ids still work after all that.
            #expect(
                try await h.feishu("DELETE", "\(path)/\(ids[1])", token: token).json.at("data.deleted") == .bool(true))
            #expect(try await h.rows(table).count == 1)
        }
    }
}
