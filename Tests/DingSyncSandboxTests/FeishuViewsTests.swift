import Foundation
import Testing

@testable import DingSyncSandbox

/// The Bitable views API (feishu reference §9) and single-select writes (§4.1), strictly.
@Suite("Feishu views API and select writes")
struct FeishuViewsTests {
    @Test func createListGetPatchDelete() async throws {
        try await Harness.with({
            $0.instances = 10
            $0.feishuSchemaQPS = 10_000
            $0.feishuReadQPS = 10_000
        }) { h in
            let token = try await h.feishuToken()
            let main = try h.mainTable()
            let views = "\(h.tablesPath)/\(main)/views"
            func code(_ answer: HTTPAnswer) -> Int64? { answer.json["code"]?.int64Value }

            // a new table has one grid view
            let initial = try await h.feishu("GET", views, token: token)
            #expect(initial.json.at("data.total")?.int64Value == 1)
            #expect(initial.json.at("data.items.0.view_type")?.stringValue == "grid")
            #expect(initial.json.at("data.items.0.property") == nil)

            // create: grid by default, every type, name rules
            let grid = try await h.feishu("POST", views, ["view_name": "审批中"], token: token)
            #expect(code(grid) == 0)
            let gridId = try #require(grid.json.at("data.view.view_id")?.stringValue)
            #expect(gridId.hasPrefix("vew") && gridId.count == 10)
            #expect(grid.json.at("data.view.view_type")?.stringValue == "grid")
            for type in ["kanban", "gallery", "gantt", "form"] {
                let made = try await h.feishu(
                    "POST", views, ["view_name": .string("v-\(type)"), "view_type": .string(type)], token: token)
                #expect(made.json.at("data.view.view_type")?.stringValue == type)
            }
            #expect(code(try await h.feishu("POST", views, ["view_name": "审批中"], token: token)) == 1_254_020)
            #expect(code(try await h.feishu("POST", views, ["view_name": "  "], token: token)) == 1_254_021)
            #expect(code(try await h.feishu("POST", views, [:], token: token)) == 1_254_021)
            #expect(code(try await h.feishu("POST", views, ["view_name": "a[1]"], token: token)) == 1_254_022)
            let long = String(repeating: "长", count: 101)
            #expect(code(try await h.feishu("POST", views, ["view_name": .string(long)], token: token)) == 1_254_022)
            #expect(
                code(try await h.feishu("POST", views, ["view_name": "x", "view_type": "calendar"], token: token))
                    == 1_254_019)
            // property cannot be sent on create (§9.2)
            let withProperty = try await h.feishu(
                "POST", views, ["view_name": "y", "property": ["hidden_fields": []]], token: token)
            #expect(code(withProperty) == 1_254_001)

            // list pages (page_size ≤ 100), in creation order
            let page1 = try await h.feishu("GET", views, query: [("page_size", "2")], token: token)
            #expect(page1.json.at("data.has_more")?.boolValue == true && page1.json.at("data.total")?.int64Value == 6)
            let next = try #require(page1.json.at("data.page_token")?.stringValue)
            let page2 = try await h.feishu(
                "GET", views, query: [("page_size", "2"), ("page_token", next)], token: token)
            #expect(page2.json.at("data.items.0.view_name")?.stringValue == "v-kanban")
            #expect(code(try await h.feishu("GET", views, query: [("page_size", "101")], token: token)) == 1_254_011)

            // patch a filter by field id; the value is the JSON text of a string array
            let fields = try await h.feishu(
                "GET", "\(h.tablesPath)/\(main)/fields", query: [("page_size", "100")], token: token)
            var fieldIds: [String: String] = [:]
            for item in fields.json.at("data.items")?.arrayValue ?? [] {
                fieldIds[item["field_name"]?.stringValue ?? ""] = item["field_id"]?.stringValue
            }
            let status = try #require(fieldIds["status"])
            let due = try #require(fieldIds["sla_due"])
            let filter: JSONValue = [
                "conjunction": "and",
                "conditions": [
                    ["field_id": .string(status), "operator": "is", "value": "[\"审批中\"]"],
                    ["field_id": .string(due), "operator": "isLess", "value": "[\"Today\"]"]
                ]
            ]
            let patched = try await h.feishu(
                "PATCH", "\(views)/\(gridId)", ["property": ["filter_info": filter]], token: token)
            #expect(code(patched) == 0)
            #expect(patched.json.at("data.view.view_name")?.stringValue == "审批中")
            let got = try await h.feishu("GET", "\(views)/\(gridId)", token: token)
            let conditions = try #require(got.json.at("data.view.property.filter_info.conditions")?.arrayValue)
            #expect(conditions.count == 2)
            #expect(conditions[0]["condition_id"]?.stringValue?.hasPrefix("con") == true)
            #expect(conditions[0]["field_type"]?.int64Value == 3)
            #expect(conditions[0]["value"]?.stringValue == "[\"审批中\"]")
            // a partial patch (the name) keeps the filter
            _ = try await h.feishu("PATCH", "\(views)/\(gridId)", ["view_name": "审批中2"], token: token)
            let renamed = try await h.feishu("GET", "\(views)/\(gridId)", token: token)
            #expect(renamed.json.at("data.view.view_name")?.stringValue == "审批中2")
            #expect(renamed.json.at("data.view.property.filter_info.conditions")?.arrayValue?.count == 2)

            // what v1 cannot express or set is refused
            func patch(_ property: JSONValue) async throws -> Int64? {
                code(try await h.feishu("PATCH", "\(views)/\(gridId)", ["property": property], token: token))
            }
            let byName: JSONValue = ["conjunction": "and", "conditions": [["field_name": "status", "value": "[\"a\"]"]]]
            #expect(try await patch(["filter_info": byName]) == 1_254_018)
            let unknownField: JSONValue = [
                "conjunction": "and", "conditions": [["field_id": "fldNope123", "value": "[\"a\"]"]]
            ]
            #expect(try await patch(["filter_info": unknownField]) == 1_254_044)
            let arrayValue: JSONValue = [
                "conjunction": "and", "conditions": [["field_id": .string(status), "value": ["a"]]]
            ]
            #expect(try await patch(["filter_info": arrayValue]) == 1_254_018)
            let dateOp: JSONValue = [
                "conjunction": "and",
                "conditions": [["field_id": .string(due), "operator": "isLessEqual", "value": "[\"Today\"]"]]
            ]
            #expect(try await patch(["filter_info": dateOp]) == 1_254_018)
            let nested: JSONValue = ["conjunction": "and", "conditions": [], "children": []]
            #expect(try await patch(["filter_info": nested]) == 1_254_018)
            let noConjunction: JSONValue = ["conditions": []]
            #expect(try await patch(["filter_info": noConjunction]) == 1_254_018)
            #expect(try await patch(["group_config": [["field": "status"]]]) == 1_254_001)
            #expect(try await patch(["hidden_fields": ["fldNope123"]]) == 1_254_044)
            #expect(try await patch(["hidden_fields": [.string(due)]]) == 0)
            #expect(
                code(try await h.feishu("PATCH", "\(views)/\(gridId)", ["view_name": "v-kanban"], token: token))
                    == 1_254_020)

            // unknown and malformed view ids
            #expect(code(try await h.feishu("GET", "\(views)/vewAAAAAAA", token: token)) == 1_254_042)
            #expect(code(try await h.feishu("GET", "\(views)/nope", token: token)) == 1_254_005)

            // delete; the last view cannot go
            #expect(code(try await h.feishu("DELETE", "\(views)/\(gridId)", token: token)) == 0)
            #expect(code(try await h.feishu("GET", "\(views)/\(gridId)", token: token)) == 1_254_042)
            let remaining = try await h.feishu("GET", views, token: token)
            let ids = (remaining.json.at("data.items")?.arrayValue ?? []).compactMap { $0["view_id"]?.stringValue }
            for id in ids.dropLast() {
                #expect(code(try await h.feishu("DELETE", "\(views)/\(id)", token: token)) == 0)
            }
            let last = try #require(ids.last)
            #expect(code(try await h.feishu("DELETE", "\(views)/\(last)", token: token)) == 1_254_023)
        }
    }

    @Test func atMost200ViewsPerTable() async throws {
        try await Harness.with({
            $0.instances = 10
            $0.feishuSchemaQPS = 10_000
        }) { h in
            let token = try await h.feishuToken()
            let views = "\(h.tablesPath)/\(try h.mainTable())/views"
            for i in 1..<200 {
                let made = try await h.feishu("POST", views, ["view_name": .string("v\(i)")], token: token)
                #expect(made.json["code"]?.int64Value == 0)
            }
            let over = try await h.feishu("POST", views, ["view_name": "one too many"], token: token)
            #expect(over.json["code"]?.int64Value == 1_254_101)
        }
    }

    /// §4.1: writing a name that is not an option creates the option; a non-string is 1254062.
    @Test func singleSelectWrites() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let token = try await h.feishuToken()
            let main = try h.mainTable()
            let created = try await h.feishu(
                "POST", "\(h.recordsPath(main))/batch_create",
                ["records": [["fields": ["instance_id": "i1", "status": "审批中", "template_name": "请假申请"]]]],
                token: token)
            #expect(created.json["code"]?.int64Value == 0)
            let fields = try await h.feishu(
                "GET", "\(h.tablesPath)/\(main)/fields", query: [("page_size", "100")], token: token)
            let items = fields.json.at("data.items")?.arrayValue ?? []
            func options(_ name: String) -> [String] {
                (items.first { $0["field_name"]?.stringValue == name }?.at("property.options")?.arrayValue ?? [])
                    .compactMap { $0["name"]?.stringValue }
            }
            #expect(options("status") == ["审批中", "已同意", "已拒绝", "已撤销", "已取消"])
            #expect(options("template_name") == ["请假申请"])
            let wrong = try await h.feishu(
                "POST", "\(h.recordsPath(main))/batch_create",
                ["records": [["fields": ["instance_id": "i2", "status": 3]]]],
                token: token)
            #expect(wrong.json["code"]?.int64Value == 1_254_062)
        }
    }
}
