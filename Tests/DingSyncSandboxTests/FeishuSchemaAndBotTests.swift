import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("Feishu token, tables, fields, bot webhook")
struct FeishuSchemaAndBotTests {
    @Test func tenantTokenReuseAndExpiry() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let url = "/open-apis/auth/v3/tenant_access_token/internal"
            let creds: JSONValue = [
                "app_id": .string(h.sandbox.feishuAppId), "app_secret": .string(h.sandbox.feishuAppSecret)
            ]
            let first = try await h.client.post(url, creds)
            #expect(first.json["code"]?.int64Value == 0)
            #expect(first.json["expire"]?.int64Value == 7200)
            #expect(first.json["data"] == nil)
            let t1 = try #require(first.json["tenant_access_token"]?.stringValue)
            #expect(t1.hasPrefix("t-"))
            _ = try await h.client.admin("POST", "clock/advance", ["seconds": 3000])
            let same = try await h.client.post(url, creds)
            #expect(same.json["tenant_access_token"]?.stringValue == t1)
            // 7200 − 3000 s advanced − the real seconds the test took (a loaded machine may take a few)
            #expect((4140...4200).contains(same.json["expire"]?.int64Value ?? 0))
            _ = try await h.client.admin("POST", "clock/advance", ["seconds": 3000])  // 1200 s left < 30 min
            let fresh = try await h.client.post(url, creds)
            let t2 = try #require(fresh.json["tenant_access_token"]?.stringValue)
            #expect(t2 != t1)
            #expect(fresh.json["expire"]?.int64Value == 7200)
            // Both valid until the old one runs out.
            for t in [t1, t2] {
                #expect(try await h.feishu("GET", h.tablesPath, token: t).json["code"]?.int64Value == 0)
            }
            _ = try await h.client.admin("POST", "clock/advance", ["seconds": 1300])
            let old = try await h.feishu("GET", h.tablesPath, token: t1)
            #expect(old.status == 400)
            #expect(old.json["code"]?.int64Value == 99_991_663)
            #expect(try await h.feishu("GET", h.tablesPath, token: t2).json["code"]?.int64Value == 0)

            let missing = try await h.client.get(h.tablesPath)
            #expect(missing.status == 400)
            #expect(missing.json["code"]?.int64Value == 99_991_661)
            let wrongSecret = try await h.client.post(
                url, ["app_id": .string(h.sandbox.feishuAppId), "app_secret": "x"])
            #expect(wrongSecret.json["code"]?.int64Value == 10014)
        }
    }

    @Test func tablesAndFields() async throws {
        try await Harness.with({
            $0.instances = 10
            $0.createTables = false
        }) { h in
            #expect(h.sandbox.mainTableId == nil)
            let token = try await h.feishuToken()
            let empty = try await h.feishu("GET", h.tablesPath, token: token)
            #expect(empty.json.at("data.total")?.int64Value == 0)
            let created = try await h.feishu(
                "POST", h.tablesPath,
                [
                    "table": [
                        "name": " 审批记录 ", "default_view_name": "全部",
                        "fields": [
                            ["field_name": "编号", "type": 1],
                            ["field_name": "状态", "type": 3, "property": ["options": [["name": "审批中"]]]],
                            ["field_name": "金额", "type": 2, "property": ["formatter": "0.00"]],
                            ["field_name": "时间", "type": 5]
                        ]
                    ]
                ], token: token)
            #expect(created.json["code"]?.int64Value == 0)
            let tableId = try #require(created.json.at("data.table_id")?.stringValue)
            #expect(created.json.at("data.field_id_list")?.arrayValue?.count == 4)
            #expect(created.json.at("data.default_view_id")?.stringValue?.hasPrefix("vew") == true)
            let dup = try await h.feishu("POST", h.tablesPath, ["table": ["name": "审批记录"]], token: token)
            #expect(dup.json["code"]?.int64Value == 1_254_013)
            let badName = try await h.feishu("POST", h.tablesPath, ["table": ["name": "a/b"]], token: token)
            #expect(badName.json["code"]?.int64Value == 1_254_001)

            let fields = try await h.feishu("GET", "\(h.tablesPath)/\(tableId)/fields", token: token)
            let items = try #require(fields.json.at("data.items")?.arrayValue)
            #expect(items.map { $0["field_name"]?.stringValue ?? "" } == ["编号", "状态", "金额", "时间"])
            #expect(items[0]["is_primary"]?.boolValue == true)
            #expect(items[0]["property"] == .null)
            #expect(items[1].at("property.options.0.id")?.stringValue?.hasPrefix("opt") == true)
            #expect(items[3]["ui_type"]?.stringValue == "DateTime")

            let field = try await h.feishu(
                "POST", "\(h.tablesPath)/\(tableId)/fields", ["field_name": "备注", "type": 1],
                query: [("client_token", "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f")], token: token)
            #expect(field.json.at("data.field.field_name")?.stringValue == "备注")
            let replay = try await h.feishu(
                "POST", "\(h.tablesPath)/\(tableId)/fields", ["field_name": "备注", "type": 1],
                query: [("client_token", "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f")], token: token)
            #expect(replay.json.at("data.field.field_id") == field.json.at("data.field.field_id"))
            let dupField = try await h.feishu(
                "POST", "\(h.tablesPath)/\(tableId)/fields", ["field_name": "备注", "type": 1], token: token)
            #expect(dupField.json["code"]?.int64Value == 1_254_014)
            // A new select option is created by writing it.
            let w = try await h.feishu(
                "POST", "\(h.recordsPath(tableId))/batch_create", ["records": [["fields": ["编号": "1", "状态": "已归档"]]]],
                token: token)
            #expect(w.json["code"]?.int64Value == 0)
            let after = try await h.feishu("GET", "\(h.tablesPath)/\(tableId)/fields", token: token)
            #expect(after.json.at("data.items.1.property.options")?.arrayValue?.count == 2)
        }
    }

    @Test func specTablesExistAtStart() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let token = try await h.feishuToken()
            let main = try h.mainTable()
            let fields = try await h.feishu(
                "GET", "\(h.tablesPath)/\(main)/fields", query: [("page_size", "100")], token: token)
            let byName = Dictionary(
                uniqueKeysWithValues: (fields.json.at("data.items")?.arrayValue ?? []).map {
                    ($0["field_name"]?.stringValue ?? "", $0["type"]?.int64Value ?? 0)
                })
            #expect(byName.count == 20)
            #expect(
                byName["instance_id"] == 1 && byName["amount"] == 2 && byName["synced_at"] == 5
                    && byName["duration_hours"] == 2)
            // as `setup` makes a new table: status and template_name single selects, the SLA dates datetimes
            #expect(
                byName["status"] == 3 && byName["template_name"] == 3 && byName["node_since"] == 5
                    && byName["sla_due"] == 5)
            let action = try #require(h.sandbox.actionTableId)
            let actionFields = try await h.feishu(
                "GET", "\(h.tablesPath)/\(action)/fields", query: [("page_size", "100")], token: token)
            #expect(
                actionFields.json.at("data.items")?.arrayValue?.map { $0["field_name"]?.stringValue ?? "" }
                    == ["action_key", "instance_id", "seq", "node_name", "approver", "action", "action_time", "comment"]
            )
            let paged = try await h.feishu("GET", "\(h.tablesPath)/\(main)/fields", token: token)
            #expect(paged.json.at("data.has_more")?.boolValue == false)
            #expect(paged.json.at("data.items")?.arrayValue?.count == 20)
        }
    }

    @Test func webhookSignature() async throws {
        try await Harness.with({
            $0.instances = 10
            $0.webhookPerSecond = 100
        }) { h in
            let path = String(h.sandbox.webhookURL.dropFirst(h.sandbox.baseURL.count))
            let ts = String(Int(Date().timeIntervalSince1970))
            let sign = FeishuBotSignature.sign(timestamp: ts, secret: h.sandbox.webhookSecret)
            let good = try await h.client.post(
                path, ["timestamp": .string(ts), "sign": .string(sign), "msg_type": "text", "content": ["text": "同步完成"]]
            )
            #expect(good.status == 200)
            #expect(good.json["code"]?.int64Value == 0)
            #expect(good.json["StatusCode"]?.int64Value == 0)
            let bad = try await h.client.post(
                path, ["timestamp": .string(ts), "sign": "AAAA", "msg_type": "text", "content": ["text": "x"]])
            #expect(bad.json["code"]?.int64Value == 19021)
            let old = String(Int(Date().timeIntervalSince1970) - 7200)
            let stale = try await h.client.post(
                path,
                [
                    "timestamp": .string(old),
                    "sign": .string(FeishuBotSignature.sign(timestamp: old, secret: h.sandbox.webhookSecret)),
                    "msg_type": "text", "content": ["text": "x"]
                ])
            #expect(stale.json["code"]?.int64Value == 19021)
            let unsigned = try await h.client.post(path, ["msg_type": "text", "content": ["text": "x"]])
            #expect(unsigned.json["code"]?.int64Value == 19021)
            let card = try await h.client.post(
                path,
                [
                    "timestamp": .string(ts), "sign": .string(sign), "msg_type": "interactive",
                    "card": ["header": ["title": ["tag": "plain_text", "content": "失败"]], "elements": []]
                ])
            #expect(card.json["code"]?.int64Value == 0)
            let cardInContent = try await h.client.post(
                path,
                [
                    "timestamp": .string(ts), "sign": .string(sign), "msg_type": "interactive",
                    "content": ["card": [:]]
                ])
            #expect(cardInContent.json["code"]?.int64Value == 9499)
            let wrongHook = try await h.client.post(
                "/open-apis/bot/v2/hook/00000000-0000-4000-8000-000000000000",
                ["msg_type": "text", "content": ["text": "x"]])
            #expect(wrongHook.json["code"]?.int64Value == 19001)
            let messages = try await h.client.admin("GET", "webhook/messages")["messages"]?.arrayValue ?? []
            #expect(messages.count == 6)
            #expect(messages.first?.at("body.content.text")?.stringValue == "同步完成")
            #expect(messages.first?["signature_valid"]?.boolValue == true)
            #expect(messages[1]["signature_valid"]?.boolValue == false)
        }
    }

    @Test func webhookWithoutSecret() async throws {
        try await Harness.with({
            $0.instances = 10
            $0.webhookSecret = ""
        }) { h in
            let path = String(h.sandbox.webhookURL.dropFirst(h.sandbox.baseURL.count))
            let answer = try await h.client.post(path, ["msg_type": "text", "content": ["text": "x"]])
            #expect(answer.json["code"]?.int64Value == 0)
            #expect(h.sandbox.configYAML().contains("secret: \"\""))
        }
    }
}
