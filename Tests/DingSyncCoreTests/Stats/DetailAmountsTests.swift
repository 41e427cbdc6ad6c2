import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncReports

/// Detail-line amounts by a sub-field's value (report.detail_category_field and
/// mapping.templates.*.category_field).
@Suite struct DetailAmountsTests {
    func line(_ id: String, _ code: String, _ amount: Double?, _ cells: [(String, String)]) -> MirrorDetailRow {
        MirrorDetailRow(
            key: "\(id)#T#1", instanceId: id, templateCode: code, tableField: "明细", row: 1, amount: amount,
            lineData: "", cells: cells.map { MirrorDetailRow.Cell(name: $0.0, value: $0.1) }, status: "已同意")
    }

    @Test func linesAreGroupedPerTemplateByItsOwnFieldLargestAmountFirst() {
        var config = Config()
        config.report.detailCategoryField = "费用类型"
        config.mapping.templates = ["P-TRIP": TemplateMapping(categoryField: "交通工具")]
        let fields = DetailAmounts.fields(config)
        #expect(fields?.global == "费用类型")
        let rows = [
            line("a", "P-EXP", 100, [("费用类型", "差旅费")]), line("a", "P-EXP", 50.5, [("费用类型", "餐饮费")]),
            line("b", "P-EXP", 20, [("费用类型", "差旅费")]), line("b", "P-EXP", nil, [("说明", "x")]),
            line("c", "P-TRIP", 300, [("交通工具", "飞机"), ("费用类型", "差旅费")])
        ]
        let result = DetailAmounts.compute(rows, fields: fields ?? ("", [:]), names: ["P-EXP": "报销"])
        #expect(
            result.map { "\($0.templateName) \($0.field) \($0.category) \($0.lines) \($0.instances)" } == [
                "报销 费用类型 差旅费 2 2", "报销 费用类型 餐饮费 1 1", "报销 费用类型 （未填写） 1 1", "P-TRIP 交通工具 飞机 1 1"
            ])
        #expect(result.map(\.amount) == [120, 50.5, nil, 300])
        #expect(abs((result[0].share ?? 0) - 120 / 170.5) < 1e-9)
        #expect(DetailAmounts.table(result).rows.count == 4)
    }

    @Test func nothingConfiguredIsNoSection() {
        #expect(DetailAmounts.fields(Config()) == nil)
    }
}
