import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite("Amount (SPEC 4.5)")
struct AmountExtractorTests {
    @Test(
        "cleaning and parsing",
        arguments: [
            ("1,280.50", "1280.5"),
            ("¥2,000", "2000"),
            ("￥ 2 000.00", "2000"),
            ("3000元", "3000"),
            ("CNY 88.8", "88.8"),
            ("RMB1,000,000", "1000000"),
            ("$ 12.34", "12.34"),
            ("-50", "-50"),
            (".5", "0.5"),
            ("1，280.5", "1280.5"),
            ("\u{3000}100\u{00A0}", "100"),
            // European separators are read, not mangled (1.234,56 was 1.23456)
            ("1.234,56", "1234.56"),
            ("€1.234.567,8", nil),
            ("1.234.567", "1234567"),
            ("12,5", "12.5"),
            ("1234,56", "1234.56"),
            ("1,280", "1280"),
            ("1,234,567", "1234567"),
            ("1,234.5", "1234.5"),
            ("¥1.234,56元", "1234.56")
        ] as [(String, String?)])
    func parses(raw: String, expected: String?) {
        #expect(AmountExtractor.parse(raw).map(FieldValue.canonicalDecimal) == expected)
    }

    @Test("unparseable amounts", arguments: ["null", "", "abc", "12abc", "1e3", "-", ".", "¥", "1,2,3,4.5.6", "1.2.3"])
    func rejects(raw: String) {
        #expect(AmountExtractor.parse(raw) == nil)
    }

    private func field(_ name: String, _ type: String, _ value: String) -> InstanceDetail.FormValue {
        InstanceDetail.FormValue(name: name, componentType: type, value: value)
    }

    @Test("the first listed field in form order wins, then the first MoneyField")
    func fieldChoice() {
        let amounts = ProcessorOptions.defaultAmountFields
        let form = [
            field("单价", "MoneyField", "10"),
            field("总金额", "NumberField", "300"),
            field("金额", "MoneyField", "200")
        ]
        // Form order, not list order: 总金额 comes before 金额 in the form.
        #expect(AmountExtractor.extract(from: form, amountFields: amounts) == .amount(300, fieldName: "总金额"))
        #expect(AmountExtractor.extract(from: [form[0]], amountFields: amounts) == .amount(10, fieldName: "单价"))
        #expect(AmountExtractor.extract(from: [field("数量", "NumberField", "3")], amountFields: amounts) == .noField)
        #expect(AmountExtractor.extract(from: [], amountFields: amounts) == .noField)
        #expect(
            AmountExtractor.extract(from: [field(" 金额 ", "TextField", "null")], amountFields: amounts)
                == .unreadable(fieldName: " 金额 ", rawValue: "null"))
        #expect(AmountExtractor.extract(from: form, amountFields: ["单价"]) == .amount(10, fieldName: "单价"))
    }
}
