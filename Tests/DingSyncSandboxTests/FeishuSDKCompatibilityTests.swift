import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("Feishu: boolean query flags as the SDKs spell them; field update and delete")
struct FeishuSDKCompatibilityTests {
    @Test func booleanQueryFlagsInEverySpelling() async throws {
        try await Harness.with({ $0.instances = 5 }) { h in
            let token = try await h.feishuToken()
            let path = h.recordsPath(try h.mainTable())
            let made = try await h.feishu("POST", path, ["fields": ["instance_id": "A1"]], token: token)
            let id = try #require(made.json.at("data.record.record_id")?.stringValue)
            for spelling in ["true", "True", "TRUE", "1"] {
                let list = try await h.feishu(
                    "GET", path, query: [("automatic_fields", spelling), ("text_field_as_array", spelling)],
                    token: token)
                #expect(list.json["code"]?.int64Value == 0, "\(spelling): \(list.text)")
                #expect(list.json.at("data.items.0.created_time")?.int64Value != nil, "automatic_fields=\(spelling)")
                #expect(
                    list.json.at("data.items.0.fields.instance_id.0.text")?.stringValue == "A1",
                    "text_field_as_array=\(spelling)")
                let one = try await h.feishu(
                    "GET", "\(path)/\(id)", query: [("automatic_fields", spelling), ("with_shared_url", spelling)],
                    token: token)
                #expect(one.json.at("data.record.last_modified_time") != nil, "\(spelling)")
                #expect(one.json.at("data.record.record_url")?.stringValue != nil, "with_shared_url=\(spelling)")
            }
            for spelling in ["false", "False", "FALSE", "0", ""] {
                let list = try await h.feishu(
                    "GET", path, query: [("automatic_fields", spelling), ("text_field_as_array", spelling)],
                    token: token)
                #expect(list.json["code"]?.int64Value == 0, "\(spelling): \(list.text)")
                #expect(list.json.at("data.items.0.created_time") == nil, "automatic_fields=\(spelling)")
                #expect(
                    list.json.at("data.items.0.fields.instance_id")?.stringValue == "A1",
                    "text_field_as_array=\(spelling)")
            }
            // Write flags too (ignore_consistency_check=True as lark-oapi sends it).
            let write = try await h.feishu(
                "POST", "\(path)/batch_create", ["records": [["fields": ["instance_id": "A2"]]]],
                query: [("ignore_consistency_check", "True")], token: token)
            #expect(write.json["code"]?.int64Value == 0)
            // Anything else is refused, naming the parameter.
            let odd = try await h.feishu("GET", path, query: [("automatic_fields", "yes")], token: token)
            #expect(odd.json["code"]?.int64Value == 1_254_001)
            #expect(odd.json["msg"]?.stringValue?.contains("automatic_fields") == true)
        }
    }

    @Test func fieldUpdateIsAFullReplacement() async throws {
        try await Harness.with({ $0.instances = 5 }) { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            let fieldsPath = "\(h.tablesPath)/\(table)/fields"
            let path = h.recordsPath(table)
            let created = try await h.feishu(
                "POST", fieldsPath,
                [
                    "field_name": "tag", "type": 3,
                    "property": ["options": [["name": "A"], ["name": "B"]]]
                ], token: token)
            let fieldId = try #require(created.json.at("data.field.field_id")?.stringValue)
            let optionA = try #require(created.json.at("data.field.property.options.0.id")?.stringValue)
            let optionB = try #require(created.json.at("data.field.property.options.1.id")?.stringValue)
            let rows = try await h.feishu(
                "POST", "\(path)/batch_create",
                [
                    "records": [
                        ["fields": ["instance_id": "r1", "tag": "A"]], ["fields": ["instance_id": "r2", "tag": "B"]]
                    ]
                ], token: token)
            #expect(rows.json["code"]?.int64Value == 0)

            // Rename A (its id kept), drop B, add C.
            let updated = try await h.feishu(
                "PUT", "\(fieldsPath)/\(fieldId)",
                [
                    "field_name": "label", "type": 3,
                    "property": [
                        "options": [
                            ["name": "A2", "id": .string(optionA)], ["name": "C"]
                        ]
                    ]
                ], token: token)
            #expect(updated.status == 200)
            #expect(updated.json["code"]?.int64Value == 0, "\(updated.text)")
            #expect(updated.json.at("data.field.field_id")?.stringValue == fieldId)
            #expect(updated.json.at("data.field.field_name")?.stringValue == "label")
            let options = updated.json.at("data.field.property.options")?.arrayValue ?? []
            #expect(options.map { $0["name"]?.stringValue ?? "" } == ["A2", "C"])
            #expect(options[safe: 0]?["id"]?.stringValue == optionA)
            #expect(options[safe: 1]?["id"]?.stringValue != optionB)
            let cells = try await h.rows(table).map {
                ($0.at("fields.instance_id")?.stringValue ?? "", $0.at("fields.label"))
            }
            #expect(cells.first { $0.0 == "r1" }?.1 == .string("A2"))
            #expect(cells.first { $0.0 == "r2" }?.1 == nil)
            let listed = try await h.feishu("GET", fieldsPath, query: [("page_size", "100")], token: token)
            let names = listed.json.at("data.items")?.arrayValue?.compactMap { $0["field_name"]?.stringValue } ?? []
            #expect(names.contains("label") && !names.contains("tag"))

            // Omitted property → the type's default (number formatter "0").
            let number = try await h.feishu(
                "POST", fieldsPath, ["field_name": "n", "type": 2, "property": ["formatter": "0.00"]], token: token)
            let numberId = try #require(number.json.at("data.field.field_id")?.stringValue)
            let reset = try await h.feishu(
                "PUT", "\(fieldsPath)/\(numberId)", ["field_name": "n", "type": 2], token: token)
            #expect(reset.json.at("data.field.property.formatter")?.stringValue == "0")

            // A type change carries cells over through their text; what does not fit is cleared.
            let text = try await h.feishu("POST", fieldsPath, ["field_name": "t", "type": 1], token: token)
            let textId = try #require(text.json.at("data.field.field_id")?.stringValue)
            _ = try await h.feishu(
                "POST", "\(path)/batch_create",
                [
                    "records": [
                        ["fields": ["instance_id": "r3", "t": "12.5"]], ["fields": ["instance_id": "r4", "t": "abc"]]
                    ]
                ], token: token)
            let typed = try await h.feishu(
                "PUT", "\(fieldsPath)/\(textId)", ["field_name": "t", "type": 2], token: token)
            #expect(typed.json.at("data.field.type")?.int64Value == 2)
            let after = try await h.rows(table)
            #expect(
                after.first { $0.at("fields.instance_id")?.stringValue == "r3" }?.at("fields.t")?.doubleValue == 12.5)
            #expect(after.first { $0.at("fields.instance_id")?.stringValue == "r4" }?.at("fields.t") == nil)

            // Refusals.
            let noType = try await h.feishu("PUT", "\(fieldsPath)/\(numberId)", ["field_name": "n"], token: token)
            #expect(noType.json["code"]?.int64Value == 1_254_001)
            let noName = try await h.feishu("PUT", "\(fieldsPath)/\(numberId)", ["type": 2], token: token)
            #expect(noName.json["code"]?.int64Value == 1_254_001)
            let unknown = try await h.feishu(
                "PUT", "\(fieldsPath)/fldNotThere", ["field_name": "x", "type": 1], token: token)
            #expect(unknown.json["code"]?.int64Value == 1_254_044)
            let duplicate = try await h.feishu(
                "PUT", "\(fieldsPath)/\(numberId)", ["field_name": "title", "type": 2], token: token)
            #expect(duplicate.json["code"]?.int64Value == 1_254_014)
            let primaryId = try #require(listed.json.at("data.items.0.field_id")?.stringValue)
            #expect(listed.json.at("data.items.0.is_primary")?.boolValue == true)
            let badPrimary = try await h.feishu(
                "PUT", "\(fieldsPath)/\(primaryId)", ["field_name": "instance_id", "type": 3], token: token)
            #expect(badPrimary.json["code"]?.int64Value == 1_254_001)
            let okPrimary = try await h.feishu(
                "PUT", "\(fieldsPath)/\(primaryId)", ["field_name": "instance_id", "type": 1], token: token)
            #expect(okPrimary.json.at("data.field.is_primary")?.boolValue == true)
        }
    }

    @Test func fieldDelete() async throws {
        try await Harness.with({ $0.instances = 5 }) { h in
            let token = try await h.feishuToken()
            let table = try h.mainTable()
            let fieldsPath = "\(h.tablesPath)/\(table)/fields"
            let path = h.recordsPath(table)
            let listed = try await h.feishu("GET", fieldsPath, query: [("page_size", "100")], token: token)
            let items = listed.json.at("data.items")?.arrayValue ?? []
            let titleId = try #require(
                items.first { $0["field_name"]?.stringValue == "title" }?["field_id"]?.stringValue)
            _ = try await h.feishu("POST", path, ["fields": ["instance_id": "r1", "title": "x"]], token: token)

            let deleted = try await h.feishu("DELETE", "\(fieldsPath)/\(titleId)", token: token)
            #expect(deleted.status == 200)
            #expect(deleted.json["code"]?.int64Value == 0)
            #expect(deleted.json["data"] == ["field_id": .string(titleId), "deleted": true])
            let after = try await h.feishu("GET", fieldsPath, query: [("page_size", "100")], token: token)
            #expect(after.json.at("data.total")?.int64Value == Int64(items.count - 1))
            #expect(try await h.rows(table).first?.at("fields.title") == nil)
            // The name is gone for writes; deleting again is FieldIdNotFound; the primary field stays.
            #expect(
                try await h.feishu("POST", path, ["fields": ["title": "y"]], token: token).json["code"]?.int64Value
                    == 1_254_045)
            #expect(
                try await h.feishu("DELETE", "\(fieldsPath)/\(titleId)", token: token).json["code"]?.int64Value
                    == 1_254_044)
            let primaryId = try #require(items.first?["field_id"]?.stringValue)
            #expect(
                try await h.feishu("DELETE", "\(fieldsPath)/\(primaryId)", token: token).json["code"]?.int64Value
                    == 1_254_001)

            // Named endpoints: counters, faults, the schema rate class.
            let endpoints =
                try await h.client.admin("GET", "endpoints")["endpoints"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(endpoints.contains("feishu.fields.update") && endpoints.contains("feishu.fields.delete"))
            let counters = try await h.client.admin("GET", "counters")
            #expect(counters["endpoints"]?["feishu.fields.delete"]?["calls"]?.int64Value == 3)
            try await h.client.inject("feishu.fields.update", "server_error")
            let failed = try await h.feishu(
                "PUT", "\(fieldsPath)/\(primaryId)", ["field_name": "instance_id", "type": 1], token: token)
            #expect(failed.json["code"]?.int64Value == 1_255_001)
            // Other methods on a field path are still unknown.
            #expect(try await h.feishu("PATCH", "\(fieldsPath)/\(primaryId)", [:], token: token).status == 404)
        }
    }
}
