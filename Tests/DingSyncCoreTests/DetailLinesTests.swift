import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncProcessing

/// TableField values (dingtalk reference §3.7) of both API families, and the detail-line rows
/// of SPEC 4.7 with `mapping.detail_fields` and `mapping.templates`.
@Suite struct DetailLinesTests {
    func lines(_ detail: InstanceDetail, _ options: ProcessorOptions = ProcessorOptions()) -> ProcessedInstance {
        DataProcessor(options: options).process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt)
    }

    @Test func newAPITablesWithNativeArraysAndOmittedCellsBecomeOneLinePerRow() throws {
        let detail = try Fixture.new("new_expense_tables", id: "N1")
        let output = lines(detail)
        #expect(
            output.detailLines.map(\.key) == [
                "N1#TableField_1YRZ7MUNX4JK0#1", "N1#TableField_1YRZ7MUNX4JK0#2", "N1#TableField_X#1",
                "N1#TableField_X#2"
            ])
        // 报销金额 is named in the amount fields (a NumberField here); 单价 is the first MoneyField
        #expect(output.detailLines.map(\.amount) == [3000, Decimal(string: "553.5"), 1299, nil])
        let first = try #require(output.details.first)
        #expect(first["table_field"] == .text("报销明细"))
        #expect(first["row"] == .number(1))
        #expect(first["template_code"] == .text("PROC-NEW-0001"))
        #expect(first["instance_id"] == .text("N1"))
        #expect(
            first["line_data"]
                == .text("报销项目: 客户招待\n报销金额: 3000\n日期: 2025-04-12\n费用类型: 差旅\n报销部门: 研发中心-平台组"))
        #expect(first.fieldNames == DetailTableColumn.allCases.map(\.rawValue))
        // a multi-select and a photo cell carry native arrays; a blank child is omitted
        #expect(output.detailLines[2].lineData == "物品: 键盘\n单价: 1,299.00\n标签: 选项3、选项2\n照片: a.png")
        #expect(output.detailLines[3].lineData == "物品: 鼠标\n单价: ")
        #expect(output.warnings.isEmpty, "\(output.warnings)")
    }

    @Test func legacyTablesWithComponentTypesAndJSONTextValuesAndTheEmptyTableQuirk() throws {
        let detail = try Fixture.legacy("legacy_expense_tables", id: "L1")
        let output = lines(detail)
        #expect(output.detailLines.map(\.key) == ["L1#TableField_Q#1", "L1#TableField_Q#2"])
        // 金额（元） is not an amount field name: the first MoneyField gives the amount
        #expect(output.detailLines.map(\.amount) == [Decimal(string: "880.5"), 400])
        #expect(
            output.detailLines[0].lineData == "费用类型: 交通费\n金额（元）: 880.50\n票据: https://static.dingtalk.com/a.png")
        #expect(output.detailLines[1].cells.map(\.name) == ["费用类型", "金额（元）"])
        // the template definition of an unfilled table and "null" are no rows
        #expect(TableFieldValue.parse(detail.formValues[1].value)?.rows.isEmpty == true)
        #expect(TableFieldValue.parse("null")?.rows.isEmpty == true)
        // reference §3.7: a first element that is an object without rowValue, whatever its keys, is no rows
        #expect(TableFieldValue.parse(#"[{"id":"TextField_1","label":"费用类型"}]"#)?.rows.isEmpty == true)
        #expect(TableFieldValue.parse("not json") == nil)
    }

    @Test func aTableIsRecognisedByItsIdWhenTheTypeIsMissing() {
        let premium = InstanceDetail.FormValue(
            id: "TableField-MINGXI", name: "明细",
            value: "[{\"rowValue\":[{\"label\":\"金额\",\"value\":\"12\",\"key\":\"MoneyField-1\"}]}]")
        #expect(TableFieldValue.isTable(premium))
        let detail = InstanceDetail(instanceId: "P1", processCode: "C", formValues: [premium])
        let output = lines(detail)
        #expect(output.detailLines.map(\.amount) == [12])
        #expect(output.main["form_data"] == .text("明细: 第1行 金额=12"))
    }

    @Test func anUnreadableLineAmountIsAWarningNotAFailure() {
        let field = InstanceDetail.FormValue(
            id: "TableField_A", name: "明细", componentType: "TableField",
            value: "[{\"rowValue\":[{\"label\":\"金额\",\"value\":\"约100\",\"key\":\"MoneyField_1\"}]}]")
        let output = lines(InstanceDetail(instanceId: "W1", processCode: "C", formValues: [field]))
        #expect(output.detailLines.first?.amount == nil)
        #expect(output.warnings.contains { $0.contains("W1") && $0.contains("明细 row 1") && $0.contains("约100") })
    }

    @Test func templatesFillTheirOwnColumnsAndLeaveTheOthersEmpty() throws {
        let options = ProcessorOptions(
            formFields: ["报销金额": "total_text"], detailFields: ["费用类型": "expense_type"],
            templates: [
                "PROC-A": TemplateMapping(
                    formFields: ["报销金额": "a_total"], detailFields: ["物品": "item"], amountFields: ["单价"])
            ])
        let processor = DataProcessor(options: options)
        #expect(processor.formColumns.columns == ["a_total", "total_text"])
        #expect(processor.detailColumns.columns == ["expense_type", "item"])
        #expect(processor.configurationWarnings.isEmpty)

        let a = lines(try Fixture.new("new_expense_tables", id: "A1", code: "PROC-A"), options)
        #expect(a.main["a_total"] == .text("3,553.50"))
        #expect(a.main["total_text"] == .empty)
        #expect(a.details.map { $0["expense_type"] } == [.text("差旅"), .text("差旅"), .empty, .empty])
        #expect(a.details.map { $0["item"] } == [.empty, .empty, .text("键盘"), .text("鼠标")])
        // the template's amount fields: 报销明细 has no 单价 and no MoneyField cell
        #expect(a.detailLines.map(\.amount) == [nil, nil, 1299, nil])

        let b = lines(try Fixture.new("new_expense_tables", id: "B1", code: "PROC-B"), options)
        #expect(b.main["a_total"] == .empty)
        #expect(b.main["total_text"] == .text("3,553.50"))
        #expect(b.details.map { $0["item"] } == [.empty, .empty, .empty, .empty])
        #expect(b.details.map { $0["expense_type"] } == [.text("差旅"), .text("差旅"), .empty, .empty])
        #expect(b.detailLines.map(\.amount) == [3000, Decimal(string: "553.5"), 1299, nil])
    }

    @Test func aMappedColumnClashingWithABuiltInIsDroppedWithAWarning() {
        let processor = DataProcessor(
            options: ProcessorOptions(
                detailFields: ["金额": "amount"], templates: ["P": TemplateMapping(formFields: ["x": "title"])]))
        #expect(processor.detailColumns.columns.isEmpty)
        #expect(processor.formColumns.columns.isEmpty)
        #expect(processor.configurationWarnings.count == 2)
        #expect(processor.configurationWarnings.contains { $0.hasPrefix("mapping.templates.P:") })
    }

    @Test func detailRowHashesChangeWithTheirLinesOnly() throws {
        let detail = try Fixture.new("new_expense_tables", id: "H1")
        var edited = detail
        let table = try #require(TableFieldValue.parse(detail.formValues[0].value))
        #expect(table.rows.count == 2)
        // drop the first line of 报销明细: the lines renumber, the other table is untouched
        edited.formValues[0].value = try #require(
            JSON.parse(detail.formValues[0].value)?.items.map { JSON.array(Array($0.dropFirst())).compactText })
        let before = lines(detail)
        let after = lines(edited)
        #expect(after.details.count == 3)
        #expect(after.details[0]["amount"] == .number(Decimal(string: "553.5") ?? 0))
        #expect(before.details[2].contentHash == after.details[1].contentHash)
    }
}
