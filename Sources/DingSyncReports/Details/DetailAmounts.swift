import DingSyncBasics
import DingSyncStore
import Foundation

/// The amount of detail lines (明细) by a sub-field's value, per template: what
/// `report.detail_category_field` (or a template's `mapping.templates.*.category_field`) names,
/// e.g. 费用类型.
public struct DetailCategoryAmount: Sendable, Equatable {
    public var processCode: String
    /// The template's name (from titles), else its code.
    public var templateName: String
    /// The sub-field that groups (费用类型).
    public var field: String
    /// Its value; `（未填写）` for lines without one.
    public var category: String
    public var lines: Int
    public var instances: Int
    /// The sum of the lines' amounts; nil when none has one.
    public var amount: Double?
    /// Its share of the template's detail amount (0…1); nil without amounts.
    public var share: Double?
}

/// Computes and lays out ``DetailCategoryAmount``s for `stats` and `report`.
public enum DetailAmounts {
    /// The grouping sub-field per template (`mapping.templates.*.category_field`, else
    /// `report.detail_category_field`); nil when neither is set anywhere.
    public static func fields(_ config: Config) -> (global: String, perTemplate: [String: String])? {
        let global = config.report.detailCategoryField.trimmingCharacters(in: .whitespaces)
        let own = config.mapping.templates.compactMapValues { $0.categoryField?.trimmingCharacters(in: .whitespaces) }
        guard !global.isEmpty || own.values.contains(where: { !$0.isEmpty }) else { return nil }
        return (global, own)
    }

    /// Groups `rows` by template and the value of its grouping sub-field; templates without
    /// one are left out. Per template, the largest amount first.
    public static func compute(
        _ rows: [MirrorDetailRow], fields: (global: String, perTemplate: [String: String]), names: [String: String]
    ) -> [DetailCategoryAmount] {
        var result: [DetailCategoryAmount] = []
        for (code, lines) in Dictionary(grouping: rows, by: \.templateCode).sorted(by: { $0.key < $1.key }) {
            let field = fields.perTemplate[code] ?? fields.global
            guard !field.isEmpty else { continue }
            let total = StatsMath.total(lines.map(\.amount))
            let groups = Dictionary(grouping: lines) { line -> String in
                let value = line.value(of: field)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                return value.isEmpty ? "（未填写）" : value
            }
            result += groups.map { category, members in
                let amount = StatsMath.total(members.map(\.amount))
                return DetailCategoryAmount(
                    processCode: code, templateName: names[code] ?? code, field: field, category: category,
                    lines: members.count, instances: Set(members.map(\.instanceId)).count, amount: amount,
                    share: amount.flatMap { value in total.flatMap { $0 > 0 ? value / $0 : nil } })
            }.sorted { ($0.amount ?? -1, $1.category) > ($1.amount ?? -1, $0.category) }
        }
        return result
    }

    /// The table of `stats` and of the report's sheet.
    public static func table(_ amounts: [DetailCategoryAmount]) -> StatsTable {
        StatsTable(
            id: "detail_amounts", title: "明细金额（按分类）",
            columns: ["模板", "分类字段", "分类", "明细行数", "实例数", "金额合计", "占比"],
            rows: amounts.map { a in
                [
                    .text(a.templateName), .text(a.field), .text(a.category), .integer(a.lines), .integer(a.instances),
                    .amount(a.amount), .percent(a.share)
                ]
            },
            note: amounts.isEmpty
                ? "期间内没有明细行，或其模板未设置分类字段（report.detail_category_field / mapping.templates.*.category_field）"
                : "明细表（TableField）每行一条；期间内创建的全部实例；占比为该模板明细金额合计中的份额")
    }

    /// The JSON of `stats --format json`: one object per (template, category).
    public static func json(_ amounts: [DetailCategoryAmount]) -> JSON {
        .array(
            amounts.map { a in
                .object([
                    ("process_code", .string(a.processCode)), ("name", .string(a.templateName)),
                    ("field", .string(a.field)), ("category", .string(a.category)), ("lines", .number(a.lines)),
                    ("instances", .number(a.instances)),
                    ("amount", StatsMath.rounded(a.amount, 2).map { JSON.number($0) } ?? .null),
                    ("share", StatsMath.rounded(a.share, 4).map { JSON.number($0) } ?? .null)
                ])
            })
    }
}

extension StatsQuery {
    /// The detail amounts by category of instances created in the statistics' period (nil when
    /// no category field is configured).
    static func detailAmounts(store: StateStore, config: Config, statistics: Statistics) throws
        -> [DetailCategoryAmount]?
    {
        guard let fields = DetailAmounts.fields(config) else { return nil }
        let rows = try store.mirrorDetailRows(
            from: statistics.options.from, to: statistics.options.to, processCode: statistics.options.template)
        let names = Dictionary(statistics.templates.map { ($0.key, $0.name) }, uniquingKeysWith: { a, _ in a })
        return DetailAmounts.compute(rows, fields: fields, names: names)
    }
}
