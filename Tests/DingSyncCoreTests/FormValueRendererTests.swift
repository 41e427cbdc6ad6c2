import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite("form_data rendering")
struct FormValueRendererTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var type: String
        var name: String
        var value: String
        var ext: String?
        var lines: [String]
        var testDescription: String { "\(type) \(name)" }
    }

    static let cases: [Case] = [
        Case(type: "TextField", name: "标题", value: "服务器扩容", lines: ["标题: 服务器扩容"]),
        Case(type: "TextField", name: "备注", value: "null", lines: ["备注: "]),
        Case(type: "TextField", name: "原样", value: "[1,2]", lines: ["原样: [1,2]"]),
        Case(type: "TextareaField", name: "说明", value: "第一行\n第二行", lines: ["说明: 第一行\n第二行"]),
        Case(type: "NumberField", name: "数量", value: "5", lines: ["数量: 5"]),
        Case(type: "MoneyField", name: "金额", value: "1,280.50", ext: "{\"upper\":\"壹仟\"}", lines: ["金额: 1,280.50"]),
        Case(
            type: "DDSelectField", name: "类型", value: "硬件", ext: "{\"label\":\"硬件设备\",\"key\":\"option_2\"}",
            lines: ["类型: 硬件设备"]),
        Case(type: "DDSelectField", name: "类型", value: "硬件", ext: nil, lines: ["类型: 硬件"]),
        Case(type: "DDSelectField", name: "类型", value: "硬件", ext: "not json", lines: ["类型: 硬件"]),
        Case(
            type: "DDMultiSelectField", name: "用途", value: "[\"测试\",\"演示\"]",
            ext: "[{\"label\":\"测试环境\",\"key\":\"option_0\"},{\"label\":\"客户演示\",\"key\":\"option_3\"}]",
            lines: ["用途: 测试环境、客户演示"]),
        Case(type: "DDMultiSelectField", name: "用途", value: "[\"测试\",\"演示\"]", lines: ["用途: 测试、演示"]),
        Case(type: "DDMultiSelectField", name: "用途", value: "测试,演示", lines: ["用途: 测试,演示"]),
        Case(type: "DDDateField", name: "日期", value: "2025-04-20", lines: ["日期: 2025-04-20"]),
        Case(
            type: "DDDateRangeField", name: "租期", value: "[\"2025-04-20\",\"2025-05-20\"]",
            lines: ["租期: 2025-04-20 ~ 2025-05-20"]),
        Case(
            type: "DDDateRangeField", name: "[\"开始时间\",\"结束时间\"]", value: "[\"2025-04-20 09:00\",\"2025-05-20 18:00\"]",
            lines: ["开始时间: 2025-04-20 09:00", "结束时间: 2025-05-20 18:00"]),
        Case(
            type: "DDHolidayField", name: "[\"开始时间\",\"结束时间\"]",
            value: "[\"2025-04-14 上午\",\"2025-04-15 下午\",2,\"day\",\"年假\",null]",
            lines: ["开始时间: 2025-04-14 上午", "结束时间: 2025-04-15 下午", "开始时间、结束时间（其余）: 2、day、年假、"]),
        Case(
            type: "DDHolidayField", name: "[\"开始时间\",\"结束时间\",\"时长\"]", value: "[\"2025-04-14\"]",
            lines: ["开始时间: 2025-04-14", "结束时间: ", "时长: "]),
        Case(type: "DDHolidayField", name: "[\"开始时间\",\"结束时间\"]", value: "null", lines: ["开始时间、结束时间: "]),
        Case(
            type: "DDAttachment", name: "附件",
            value: "[{\"spaceId\":\"1\",\"fileName\":\"发票汇总.xlsx\",\"fileId\":\"2\"},{\"fileName\":\"行程单.pdf\"}]",
            lines: ["附件: 发票汇总.xlsx、行程单.pdf"]),
        Case(type: "DDAttachment", name: "附件", value: "null", lines: ["附件: "]),
        Case(
            type: "InnerContactField", name: "验收人", value: "[\"0123\"]",
            ext: "[{\"emplId\":\"0123\",\"name\":\"王小明\",\"avatar\":\"\"},{\"emplId\":\"0456\",\"name\":\"张伟\"}]",
            lines: ["验收人: 王小明、张伟"]),
        Case(type: "InnerContactField", name: "验收人", value: "王小明,张伟", lines: ["验收人: 王小明,张伟"]),
        Case(
            type: "DepartmentField", name: "部门", value: "市场部", ext: "[{\"id\":736251904,\"name\":\"市场部\"}]",
            lines: ["部门: 市场部"]),
        Case(type: "DepartmentField", name: "部门", value: "平台组", lines: ["部门: 平台组"]),
        Case(
            type: "TableField", name: "明细",
            value: "[{\"rowValue\":[{\"label\":\"物品\",\"value\":\"服务器\",\"componentType\":\"TextField\"},"
                + "{\"label\":\"数量\",\"value\":5,\"componentType\":\"NumberField\"}]},"
                + "{\"rowValue\":[{\"label\":\"物品\",\"value\":\"交换机\"},{\"key\":\"NumberField-B\",\"value\":\"null\"}]}]",
            lines: ["明细: 第1行 物品=服务器；数量=5", "明细: 第2行 物品=交换机；NumberField-B="]),
        Case(type: "TableField", name: "明细", value: "[]", lines: ["明细: "]),
        Case(type: "TableField", name: "明细", value: "null", lines: ["明细: "]),
        Case(type: "TableField", name: "明细", value: "旧模板的文本", lines: ["明细: 旧模板的文本"]),
        Case(
            type: "InvoiceField", name: "发票",
            value:
                "[{\"invoiceCode\":\"031002300111\",\"invoiceNo\":\"88231234\",\"amount\":1280.50,\"checked\":true}]",
            lines: ["发票: invoiceCode=031002300111, invoiceNo=88231234, amount=1280.50, checked=true"]),
        Case(type: "InvoiceField", name: "发票", value: "", ext: "{\"invoiceNo\":\"1\"}", lines: ["发票: invoiceNo=1"]),
        Case(
            type: "DDPhotoField", name: "照片", value: "[\"https://x/1.png\",\"https://x/2.png\"]",
            lines: ["照片: https://x/1.png、https://x/2.png"]),
        Case(type: "SomeFutureField", name: "新字段", value: "{\"a\":{\"b\":[1,{\"c\":2}]}}", lines: ["新字段: a=b=1 | c=2"])
    ]

    @Test("each component type", arguments: cases)
    func component(_ example: Case) {
        let value = InstanceDetail.FormValue(
            name: example.name, componentType: example.type, value: example.value, extValue: example.ext)
        #expect(FormValueRenderer.lines(for: value).map(\.text) == example.lines)
    }

    @Test("a table cell of another component type is rendered by its own rules")
    func nestedCells() throws {
        let detail = try Fixture.legacy("legacy_expense_refused", id: "X")
        let table = try #require(detail.formValues.first { $0.componentType == "TableField" })
        #expect(
            FormValueRenderer.lines(for: table).map(\.text) == [
                "费用明细: 第1行 费用类型=交通费；金额（元）=880.50；票据=高铁票.pdf",
                "费用明细: 第2行 费用类型=住宿费；金额（元）=400；票据="
            ])
        #expect(
            FormValueRenderer.columnValue(table) == "第1行 费用类型=交通费；金额（元）=880.50；票据=高铁票.pdf\n"
                + "第2行 费用类型=住宿费；金额（元）=400；票据=")
    }

    @Test("column values of single-line and compound fields")
    func columnValues() {
        #expect(
            FormValueRenderer.columnValue(
                .init(name: "类型", componentType: "DDSelectField", value: "a", extValue: "{\"label\":\"A\"}")) == "A")
        let compound = InstanceDetail.FormValue(
            name: "[\"开始\",\"结束\"]", componentType: "DDDateRangeField", value: "[\"1\",\"2\"]")
        #expect(FormValueRenderer.columnValue(compound) == "开始: 1\n结束: 2")
    }

    @Test("JSON text with escapes and surrogate pairs parses")
    func jsonEscapes() {
        let node = JSON.parse("{\"a\":\"x\\n\\\"y\\\" \\u4e2d \\ud83d\\ude00\",\"b\":[true,false,null,-1.5e2]}")
        #expect(node?["a"] == .string("x\n\"y\" 中 😀"))
        #expect(node?["b"] == .array([.bool(true), .bool(false), .null, .number("-1.5e2")]))
        #expect(node?.compactText == "{\"a\":\"x\\n\\\"y\\\" 中 😀\",\"b\":[true,false,null,-1.5e2]}")
        #expect(JSON.parse("[1,]") == nil)
        #expect(JSON.parse("{\"a\":1} x") == nil)
        #expect(JSON.parse("") == nil)
    }
}
