import Foundation
import Testing

/// SPEC 4.7 end to end: detail lines (明细) of TableFields land in the detail table one row
/// per line, follow edits of the form, are restored by `--full-check`, are exported, and two
/// templates with different `mapping.templates` fill their own columns only. Expectations come
/// from a reading of the sandbox's raw legacy rendering (reference §3.7), not from dingsync.
@Suite(.serialized) struct DetailLinesTests {
    static let amountFields = ["金额", "报销金额", "合计金额", "总金额", "费用金额"]

    /// One expected detail row.
    struct Line: Equatable, CustomStringConvertible {
        var key: String
        var table: String
        var row: Int
        var amount: Double?
        var cells: [(String, String)]
        static func == (l: Line, r: Line) -> Bool {
            l.key == r.key && l.table == r.table && l.row == r.row && l.amount == r.amount
                && l.cells.map(\.0) == r.cells.map(\.0) && l.cells.map(\.1) == r.cells.map(\.1)
        }
        var description: String { "\(key) \(amount.map { String($0) } ?? "-")" }
        func value(_ label: String) -> String? { cells.first { $0.0 == label }?.1 }
    }

    /// "1,299.00" / "¥30" / "88元" → 1299 / 30 / 88; nil for "null", empty or text.
    static func money(_ text: String) -> Double? {
        let cleaned = text.filter { !",¥￥元 ".contains($0) }
        return cleaned.isEmpty ? nil : Double(cleaned)
    }

    /// The detail lines of one instance from its legacy rendering (cells carry componentType there).
    static func expected(_ sandbox: SandboxProcess, _ id: String) throws -> [Line] {
        let legacy = try #require(try sandbox.admin("GET", "instances/\(id)")["legacy"] as? [String: Any])
        var lines: [Line] = []
        for field in legacy["form_component_values"] as? [[String: Any]] ?? []
        where field["component_type"] as? String == "TableField" {
            let tableId = field["id"] as? String ?? ""
            let text = field["value"] as? String ?? "[]"
            let rows = (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
            for (index, row) in rows.enumerated() {
                let cells = row["rowValue"] as? [[String: Any]] ?? []
                let named = cells.first { amountFields.contains($0["label"] as? String ?? "") }
                let money = cells.first { $0["componentType"] as? String == "MoneyField" }
                let amount = ((named ?? money)?["value"] as? String).flatMap(money(_:))
                let pairs = cells.map { cell -> (String, String) in
                    let label = cell["label"] as? String ?? ""
                    if let ext = cell["extendValue"] as? [String: Any], let shown = ext["label"] as? String {
                        return (label, shown)
                    }
                    let value = cell["value"] as? String ?? ""
                    if value == "null" { return (label, "") }
                    // attachments: JSON-array text of files, shown by their names
                    if value.hasPrefix("["),
                        let files = try? JSONSerialization.jsonObject(with: Data(value.utf8)) as? [[String: Any]]
                    {
                        return (label, files.compactMap { $0["fileName"] as? String }.joined(separator: "、"))
                    }
                    return (label, value)
                }
                lines.append(
                    Line(
                        key: "\(id)#\(tableId)#\(index + 1)", table: field["name"] as? String ?? "", row: index + 1,
                        amount: amount, cells: pairs))
            }
        }
        return lines
    }

    /// The detail table's rows of one instance, as the expected lines compare them.
    static func written(_ rows: [[String: Any]], _ id: String) -> [String: [String: Any]] {
        Dictionary(
            rows.filter { $0["instance_id"] as? String == id }.map { ($0["detail_key"] as? String ?? "", $0) },
            uniquingKeysWith: { a, _ in a })
    }

    /// Checks every detail row of `ids` against the independent reading; returns the lines.
    @discardableResult
    static func check(
        _ sandbox: SandboxProcess, detailTable: String, ids: [String], codes: [String: String]
    ) throws -> Int {
        let rows = try sandbox.rows(detailTable).map(\.fields)
        var total = 0
        for id in ids {
            let expected = try expected(sandbox, id)
            let got = written(rows, id)
            #expect(got.count == expected.count, "\(id): \(got.count) rows, \(expected.count) lines")
            total += expected.count
            for line in expected {
                guard let row = got[line.key] else {
                    Issue.record("\(id): no row for \(line.key)")
                    continue
                }
                #expect(row["table_field"] as? String == line.table)
                #expect((row["row"] as? NSNumber)?.intValue == line.row)
                #expect(row["template_code"] as? String == codes[id])
                let amount = (row["amount"] as? NSNumber)?.doubleValue
                if let want = line.amount {
                    #expect(abs((amount ?? -1) - want) < 0.005, "\(line.key) amount \(String(describing: amount))")
                } else {
                    #expect(amount == nil, "\(line.key) amount")
                }
                let data = line.cells.map { "\($0.0): \($0.1)" }.joined(separator: "\n")
                #expect(row["line_data"] as? String == data, "\(line.key) line_data")
                // mapping: global 费用类型, expense 交通工具, purchase 物品名称
                #expect(row["expense_type"] as? String == line.value("费用类型"), "\(line.key) expense_type")
                #expect(row["vehicle"] as? String == line.value("交通工具"), "\(line.key) vehicle")
                #expect(row["item_name"] as? String == line.value("物品名称"), "\(line.key) item_name")
            }
        }
        return total
    }

    @Test(arguments: ["new", "legacy"])
    func linesLandFollowEditsAreRepairedAndExported(family: String) throws {
        let sandbox = try SandboxProcess(["--instances", "40", "--days", "3", "--config-api", family])
        let templates = (try sandbox.admin("GET", "templates"))["templates"] as? [[String: Any]] ?? []
        func code(_ kind: String) -> String {
            templates.first { $0["kind"] as? String == kind }?["process_code"] as? String ?? ""
        }
        let expense = code("expense")
        let purchase = code("purchase")
        // one expense form with known lines (two tables), still running so that every run re-reads it
        let created = try sandbox.admin(
            "POST", "instances",
            [
                "template": expense, "status": "RUNNING",
                "tables": [
                    "费用明细": [
                        ["费用类型": "差旅费", "金额（元）": "1,200.50", "发生日期": "2025-04-01"],
                        ["费用类型": "餐饮费", "金额（元）": "88"],
                        ["费用类型": "交通费", "金额（元）": "30", "费用说明": "打车"]
                    ],
                    "交通明细": [
                        ["出发地": "上海", "目的地": "北京", "交通工具": "高铁", "金额": "553.5"],
                        ["出发地": "北京", "目的地": "上海", "交通工具": "飞机", "金额": "null"]
                    ]
                ]
            ])
        let edited = try #require((created["instances"] as? [[String: Any]])?.first?["id"] as? String)

        let setup = try sandbox.dingsync(["setup", "--details"])
        #expect(setup.status == 0, "\(setup.stderr)")
        #expect(setup.stdout.contains("created detail table 审批明细表"))
        let detailTable = try #require(
            setup.stdout.split(separator: "\n").first { $0.contains("detail: \"") }
                .map { String($0.split(separator: "\"")[1]) })
        var config = try String(contentsOfFile: sandbox.configPath, encoding: .utf8)
        let actionLine = try #require(config.split(separator: "\n").first { $0.hasPrefix("    action: ") })
        config = config.replacingOccurrences(of: actionLine, with: actionLine + "\n    detail: \"\(detailTable)\"")
        config += """

            mapping:
              detail_fields: {"费用类型": "expense_type"}
              templates:
                \(expense):
                  form_fields: {"报销类别": "expense_category"}
                  detail_fields: {"交通工具": "vehicle"}
                \(purchase):
                  form_fields: {"采购类型": "purchase_type"}
                  detail_fields: {"物品名称": "item_name"}

            """
        try config.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
        // setup adds the mapped columns to the table it created
        let again = try sandbox.dingsync(["setup"])
        #expect(again.status == 0, "\(again.stderr)")
        for column in ["expense_type", "vehicle", "item_name"] {
            #expect(again.stdout.contains("added field \"\(column)\" (text) to detail table"), "\(again.stdout)")
        }
        #expect(again.stdout.contains("added field \"expense_category\""))

        let run = try sandbox.dingsync(["--init"])
        #expect(run.status == 0, "\(run.stderr)")
        let summaries = try sandbox.instances()
        let codes = Dictionary(
            summaries.map { ($0["id"] as? String ?? "", $0["process_code"] as? String ?? "") },
            uniquingKeysWith: { a, _ in a })
        let withTables = summaries.filter { [expense, purchase].contains($0["process_code"] as? String) }
            .compactMap { $0["id"] as? String }
        #expect(withTables.count >= 5)
        let total = try Self.check(sandbox, detailTable: detailTable, ids: withTables, codes: codes)
        #expect(try sandbox.rows(detailTable).count == total, "no row for instances without tables")
        #expect(run.stdout.contains("details    created \(total)"), "\(run.stdout)")
        let doctor = try sandbox.dingsync(["doctor"])
        #expect(
            doctor.stdout.components(separatedBy: "\n").contains { $0.hasPrefix("ok    Feishu detail table") },
            "\(doctor.stdout)")

        // two templates, their own columns: expense and purchase main rows
        let main = try sandbox.rows(sandbox.mainTable).map(\.fields)
        for row in main {
            let id = row["instance_id"] as? String ?? ""
            let raw = try #require(try sandbox.admin("GET", "instances/\(id)")["legacy"] as? [String: Any])
            let form = raw["form_component_values"] as? [[String: Any]] ?? []
            func label(_ name: String) -> String? {
                guard let field = form.first(where: { $0["name"] as? String == name }) else { return nil }
                if let ext = field["ext_value"] as? String,
                    let parsed = try? JSONSerialization.jsonObject(with: Data(ext.utf8)) as? [String: Any]
                {
                    return parsed["label"] as? String
                }
                return field["value"] as? String
            }
            let code = row["template_code"] as? String
            #expect(row["expense_category"] as? String == (code == expense ? label("报销类别") : nil), "\(id)")
            #expect(row["purchase_type"] as? String == (code == purchase ? label("采购类型") : nil), "\(id)")
        }

        // an edit that removes and adds lines: 费用明细 3 → 4 lines (all changed), 交通明细 2 → 1
        _ = try sandbox.admin(
            "POST", "instances/\(edited)/form",
            [
                "tables": [
                    "费用明细": [
                        ["费用类型": "办公用品", "金额（元）": "10"], ["费用类型": "差旅费", "金额（元）": "1,200.50"],
                        ["费用类型": "通讯费", "金额（元）": "50"], ["费用类型": "招待费", "金额（元）": "300"]
                    ],
                    "交通明细": [["出发地": "上海", "目的地": "杭州", "交通工具": "大巴", "金额": "60"]]
                ]
            ])
        let incremental = try sandbox.dingsync([])
        #expect(incremental.status == 0, "\(incremental.stderr)")
        #expect(incremental.stdout.contains("details    created 1 · updated 4 · deleted 1"), "\(incremental.stdout)")
        #expect(try Self.check(sandbox, detailTable: detailTable, ids: [edited], codes: codes) == 5)
        #expect(try sandbox.rows(detailTable).count == total)

        // a detail row deleted by hand comes back with --full-check
        let victim = try #require(
            try sandbox.rows(detailTable).first { $0.fields["instance_id"] as? String != edited })
        let key = victim.fields["detail_key"] as? String ?? ""
        try sandbox.admin("DELETE", "tables/\(detailTable)/records/\(victim.id)")
        let repair = try sandbox.dingsync(["--full-check"])
        #expect(repair.status == 0, "\(repair.stderr)")
        #expect(repair.stdout.contains("detail \(key): recreated"), "\(repair.stdout)")
        let restored = try sandbox.rows(detailTable)
        #expect(restored.count == total)
        #expect(restored.filter { $0.fields["detail_key"] as? String == key }.count == 1)
        try Self.check(sandbox, detailTable: detailTable, ids: withTables, codes: codes)

        // export --details: one line per detail row, from the state database
        let out = sandbox.folder + "/export.csv"
        let export = try sandbox.dingsync(["export", "-o", out, "--details"])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("and \(total) detail lines"), "\(export.stdout)")
        let csv = try String(contentsOfFile: sandbox.folder + "/export-details.csv", encoding: .utf8)
        let lines = csv.split(separator: "\r\n", omittingEmptySubsequences: true)
        #expect(lines.first?.contains("detail_key,instance_id,template_code,table_field,row,amount,line_data") == true)
        #expect(lines.first?.hasSuffix("expense_type,item_name,vehicle") == true, "\(lines.first ?? "")")
        let keys = Set(restored.compactMap { $0.fields["detail_key"] as? String })
        let exported = Set(lines.dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) })
        #expect(keys.isSubset(of: exported), "every Bitable key is exported")

        // a lost state database: the detail rows are adopted by key, none duplicated or recreated
        let ids = Set(restored.map(\.id))
        try FileManager.default.removeItem(atPath: sandbox.folder + "/dingsync.sqlite")
        let rerun = try sandbox.dingsync(["--init"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let adopted = try sandbox.rows(detailTable)
        #expect(adopted.count == total)
        #expect(Set(adopted.map(\.id)) == ids, "the same records, adopted")
    }

    /// Detail amounts by 费用类型 in `stats` and the report, from the mirror (no detail table in
    /// Bitable needed), and `doctor` naming a mapped field that no instance of its template carries.
    @Test func detailAmountsInStatsAndReportAndDoctorOnMappedFields() throws {
        let sandbox = try SandboxProcess(["--instances", "40", "--days", "2"])
        let templates = (try sandbox.admin("GET", "templates"))["templates"] as? [[String: Any]] ?? []
        let expense = templates.first { $0["kind"] as? String == "expense" }?["process_code"] as? String ?? ""
        var config = try String(contentsOfFile: sandbox.configPath, encoding: .utf8)
        config += """

            mapping:
              templates:
                \(expense):
                  form_fields: {"报销类别": "expense_category", "报销科目": "ledger_account"}
            report:
              detail_category_field: "费用类型"

            """
        try config.write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
        #expect(try sandbox.dingsync(["setup"]).status == 0)
        let run = try sandbox.dingsync(["--init"])
        #expect(run.status == 0, "\(run.stderr)")

        // an independent grouping of every line by template and 费用类型
        var expected: [String: (lines: Int, amount: Double)] = [:]
        for summary in try sandbox.instances() {
            let id = summary["id"] as? String ?? ""
            let code = summary["process_code"] as? String ?? ""
            for line in try Self.expected(sandbox, id) {
                let category = line.value("费用类型").flatMap { $0.isEmpty ? nil : $0 } ?? "（未填写）"
                let key = "\(code)|\(category)"
                expected[key, default: (0, 0)].lines += 1
                expected[key, default: (0, 0)].amount += line.amount ?? 0
            }
        }
        #expect(expected.keys.contains { $0.hasPrefix(expense + "|") && !$0.hasSuffix("（未填写）") })
        let stats = try sandbox.dingsync(["stats", "--format", "json"])
        #expect(stats.status == 0, "\(stats.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        let amounts = try #require(root["detail_amounts"] as? [[String: Any]])
        #expect(amounts.count == expected.count)
        for entry in amounts {
            let key = "\(entry["process_code"] as? String ?? "")|\(entry["category"] as? String ?? "")"
            let want = try #require(expected[key], "unexpected group \(key)")
            #expect(entry["field"] as? String == "费用类型")
            #expect(entry["lines"] as? Int == want.lines, "\(key)")
            #expect(abs(((entry["amount"] as? NSNumber)?.doubleValue ?? -1) - want.amount) < 0.01, "\(key)")
        }
        let table = try sandbox.dingsync(["stats"])
        #expect(table.stdout.contains("== 明细金额（按分类） =="), "\(table.stdout)")
        let csv = try sandbox.dingsync(["stats", "--format", "csv"])
        #expect(csv.stdout.contains("明细金额（按分类）\r\n模板,分类字段,分类,明细行数,实例数,金额合计,占比"))

        let month = StatsCommandTests.month(Date())
        let reportPath = sandbox.folder + "/report.xlsx"
        let report = try sandbox.dingsync(["report", "--month", month, "-o", reportPath])
        #expect(report.status == 0, "\(report.stderr)")
        let book = try #require(
            try JSONSerialization.jsonObject(
                with: Data(try StatsCommandTests.python([StatsCommandTests.inspector, reportPath]).utf8))
                as? [String: Any])
        let sheets = book["sheets"] as? [[String: Any]] ?? []
        let sheet = try #require(sheets.first { $0["name"] as? String == "明细金额" }, "\(sheets.map { $0["name"] })")
        let cells = sheet["cells"] as? [String: Any] ?? [:]
        #expect(cells.values.contains { $0 as? String == "明细金额（按分类）" })
        #expect(cells.values.contains { $0 as? String == "费用类型" })
        #expect((book["charts"] as? Int ?? 0) >= 4, "the bar chart of the detail amounts")

        // 报科目 is not a field of the expense form: doctor names it and its template
        let doctor = try sandbox.dingsync(["doctor"])
        let warning = doctor.stdout.components(separatedBy: "\n").first { $0.contains("mapped fields") } ?? ""
        #expect(warning.hasPrefix("warn"), "\(doctor.stdout)")
        #expect(
            warning.contains(
                "mapping.templates.\(expense).form_fields: form field \"报销科目\" was never carried by an instance of \(expense)"
            ),
            "\(warning)")
        #expect(!warning.contains("报销类别"))
    }
}
