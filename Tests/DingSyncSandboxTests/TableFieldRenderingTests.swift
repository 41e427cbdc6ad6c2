import Foundation
import Testing

@testable import DingSyncSandbox

/// TableField (明细) values as dingtalk reference §3.7 gives them, per API family, and the
/// admin API's edits of table lines.
@Suite("TableField values of both families")
struct TableFieldRenderingTests {
    /// The form value named `name` of a rendering.
    static func field(_ values: [JSONValue]?, _ name: String) -> JSONValue? {
        values?.first { $0["name"]?.stringValue == name }
    }

    static func rows(_ field: JSONValue?) throws -> [JSONValue] {
        let text = try #require(field?["value"]?.stringValue, "a table value is JSON text")
        return try #require(try JSONValue.parse(text).arrayValue)
    }

    @Test func expenseFormsHaveTwoTablesOfOneToThirtyLinesRenderedPerFamily() async throws {
        try await Harness.with { h in
            let expenses = try await h.instances().filter { $0["template"]?.stringValue == "报销" }
            #expect(expenses.count >= 10)
            var lineCounts: [Int] = []
            for summary in expenses.prefix(12) {
                let id = try #require(summary["id"]?.stringValue)
                let both = try await h.client.admin("GET", "instances/\(id)")
                let legacy = both["legacy"]?["form_component_values"]?.arrayValue
                let new = both["new"]?["formComponentValues"]?.arrayValue
                for name in ["费用明细", "交通明细"] {
                    let l = try #require(Self.field(legacy, name))
                    let n = try #require(Self.field(new, name))
                    #expect(l["component_type"]?.stringValue == "TableField")
                    #expect(n["componentType"]?.stringValue == "TableField")
                    #expect(l["id"]?.stringValue == n["id"]?.stringValue)
                    let tableId = try #require(n["id"]?.stringValue)
                    #expect(tableId.hasPrefix("TableField_"))
                    for ext in [l["ext_value"], n["extValue"]] {
                        let parsed = try JSONValue.parse(try #require(ext?.stringValue))
                        #expect(parsed["componentName"]?.stringValue == "TableField")
                        #expect(parsed["statValue"]?.arrayValue?.isEmpty == true)
                    }
                    let legacyRows = try Self.rows(l)
                    let newRows = try Self.rows(n)
                    #expect(legacyRows.count == newRows.count)
                    #expect((1...30).contains(newRows.count))
                    lineCounts.append(newRows.count)
                    for (lr, nr) in zip(legacyRows, newRows) {
                        // new: rowNumber "<table id>_<row key>", cells without componentType
                        #expect(nr["rowNumber"]?.stringValue?.hasPrefix(tableId + "_") == true)
                        #expect(lr["rowNumber"] == nil)
                        let lc = try #require(lr["rowValue"]?.arrayValue)
                        let nc = try #require(nr["rowValue"]?.arrayValue)
                        #expect(lc.map { $0["label"]?.stringValue } == nc.map { $0["label"]?.stringValue })
                        #expect(nc.allSatisfy { $0["componentType"] == nil && $0["key"]?.stringValue != nil })
                        #expect(lc.allSatisfy { $0["componentType"]?.stringValue != nil })
                        let select = try #require(nc.first { $0["extendValue"] != nil })
                        // extendValue is native JSON, not text
                        #expect(select["extendValue"]?["label"]?.stringValue == select["value"]?.stringValue)
                        // an attachment cell: a native array (new), JSON-array text (legacy)
                        if let files = nc.first(where: { $0["label"]?.stringValue == "票据" }) {
                            #expect(files["value"]?.arrayValue?.isEmpty == false)
                            let same = try #require(lc.first { $0["label"]?.stringValue == "票据" })
                            let text = try #require(same["value"]?.stringValue)
                            #expect(try JSONValue.parse(text).arrayValue?.count == files["value"]?.arrayValue?.count)
                        }
                        // the amount column is a MoneyField in the legacy rendering
                        #expect(lc.contains { $0["componentType"]?.stringValue == "MoneyField" })
                    }
                }
            }
            #expect(lineCounts.contains { $0 > 4 }, "some tables have more than a few lines: \(lineCounts)")
        }
    }

    @Test func theAdminAPIReplacesTableLinesAndRefusesUnknownColumns() async throws {
        try await Harness.with { h in
            let created = try await h.client.admin(
                "POST", "instances",
                [
                    "template": "报销",
                    "tables": [
                        "费用明细": [
                            ["费用类型": "差旅费", "金额（元）": "120.5", "发生日期": "2025-04-01"],
                            ["费用类型": "餐饮费", "金额（元）": "88"]
                        ]
                    ]
                ])
            let id = try #require(created["instances"]?.arrayValue?.first?["id"]?.stringValue)
            var both = try await h.client.admin("GET", "instances/\(id)")
            var rows = try Self.rows(Self.field(both["legacy"]?["form_component_values"]?.arrayValue, "费用明细"))
            #expect(rows.count == 2)
            let second = try #require(rows.last?["rowValue"]?.arrayValue)
            #expect(second.map { $0["label"]?.stringValue } == ["费用类型", "金额（元）"], "a blank child is omitted")
            #expect(second.first?["extendValue"]?["label"]?.stringValue == "餐饮费")

            _ = try await h.client.admin(
                "POST", "instances/\(id)/form",
                ["tables": ["费用明细": [["费用类型": "交通费", "金额（元）": "30"]]], "form": ["报销事由": "改"]])
            both = try await h.client.admin("GET", "instances/\(id)")
            rows = try Self.rows(Self.field(both["new"]?["formComponentValues"]?.arrayValue, "费用明细"))
            #expect(rows.count == 1)
            #expect(rows.first?["rowValue"]?.arrayValue?[1]["value"]?.stringValue == "30")
            #expect(
                Self.field(both["new"]?["formComponentValues"]?.arrayValue, "报销事由")?["value"]?.stringValue == "改")

            let bad = try await h.client.call(
                "POST", "/__admin/instances/\(id)/form", json: ["tables": ["费用明细": [["颜色": "红"]]]])
            #expect(bad.status == 400)
            #expect(bad.text.contains("no column 颜色"))
        }
    }
}
