/// The `TableField`s of the generated forms (reference §3.7): 采购明细 of 采购, and 费用明细 and
/// 交通明细 of 报销 (1–30 lines each, a select 费用类型 / 交通工具, a MoneyField amount, a date).
extension FormGenerator {
    static let vehicles = ["高铁", "飞机", "出租车", "网约车", "大巴"]
    static let costNotes = ["客户拜访", "项目现场", "培训", "null", "团队建设"]

    /// A `TableField` form value with stable component ids for the table and its columns.
    mutating func table(
        _ rng: inout SplitMix64, code: String, name: String, _ table: FormTable, style: Int = 0
    ) -> FormValue {
        let tableId = id(&rng, code: code, name: name, type: "TableField", style: style)
        return FormValue(
            componentType: "TableField", id: tableId, name: name, value: table.value(tableId: tableId, legacy: false),
            extValue: FormTable.extValue, bizAlias: nil, table: table)
    }

    /// The columns of one table: stable ids per template (style 0: `Type_XXXX`).
    mutating func columns(
        _ rng: inout SplitMix64, code: String, table: String, _ specs: [(String, String)], style: Int = 0
    ) -> [FormTable.Column] {
        specs.map { label, type in
            FormTable.Column(
                label: label, key: id(&rng, code: code, name: "\(table).\(label)", type: type, style: style),
                componentType: type)
        }
    }

    /// 1–4 lines mostly, sometimes up to 12 or 30.
    static func lineCount(_ rng: inout SplitMix64) -> Int {
        switch rng.weighted([70, 20, 10]) {
        case 0: return rng.int(1...4)
        case 1: return rng.int(5...12)
        default: return rng.int(13...30)
        }
    }

    /// A row key like DingTalk's (`T1LQ02RX38G0`).
    static func rowKey(_ rng: inout SplitMix64) -> String {
        rng.string(length: 12, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    }

    /// "553.5", "3000", "12.05": the plain way table cells carry money.
    static func plainMoney(cents: Int) -> String {
        let fraction = cents % 100
        if fraction == 0 { return String(cents / 100) }
        if fraction % 10 == 0 { return "\(cents / 100).\(fraction / 10)" }
        return "\(cents / 100).\(TimeFormat.pad(fraction))"
    }

    static func select(_ label: String, _ index: Int) -> FormTable.Cell {
        FormTable.Cell(
            label, extendValue: .object([("label", .string(label)), ("key", .string("option_\(index)"))]))
    }

    /// 费用明细: 费用类型, 金额（元） (MoneyField, found as the first MoneyField), 发生日期, 费用说明
    /// (blank ones omitted), 票据 (attachments, sometimes).
    mutating func expenseTable(_ rng: inout SplitMix64, code: String, createTime: Int64) -> (
        table: FormTable, cents: Int
    ) {
        let columns = columns(
            &rng, code: code, table: "费用明细",
            [
                ("费用类型", "DDSelectField"), ("金额（元）", "MoneyField"), ("发生日期", "DDDateField"),
                ("费用说明", "TextField"), ("票据", "DDAttachment")
            ])
        var rows: [FormTable.Row] = []
        var total = 0
        for _ in 0..<Self.lineCount(&rng) {
            let type = rng.int(0...(Self.expenseTypes.count - 1))
            let cents = rng.int(5...3_000) * 100 + (rng.chance(0.3) ? rng.int(1...99) : 0)
            total += cents
            var cells: [String: FormTable.Cell] = [
                "费用类型": Self.select(Self.expenseTypes[type], type),
                "金额（元）": FormTable.Cell(Self.plainMoney(cents: cents)),
                "发生日期": FormTable.Cell(TimeFormat.date(createTime - rng.int64(0...20) * TimeFormat.dayMs))
            ]
            let note = rng.pick(Self.costNotes)
            if note != "null" { cells["费用说明"] = FormTable.Cell(note) }
            if rng.chance(0.3) { cells["票据"] = FormTable.Cell("", list: Self.attachmentItems(&rng)) }
            rows.append(FormTable.Row(rowKey: Self.rowKey(&rng), cells: cells))
        }
        return (FormTable(columns: columns, rows: rows), total)
    }

    /// 交通明细: 出发地, 目的地, 交通工具 (select), 金额 (MoneyField, named in the amount fields), 日期.
    mutating func travelTable(_ rng: inout SplitMix64, code: String, createTime: Int64) -> (
        table: FormTable, cents: Int
    ) {
        let columns = columns(
            &rng, code: code, table: "交通明细",
            [
                ("出发地", "TextField"), ("目的地", "TextField"), ("交通工具", "DDSelectField"), ("金额", "MoneyField"),
                ("日期", "DDDateField")
            ])
        var rows: [FormTable.Row] = []
        var total = 0
        for _ in 0..<Self.lineCount(&rng) {
            let vehicle = rng.int(0...(Self.vehicles.count - 1))
            let cents = rng.int(10...2_000) * 100 + (rng.chance(0.5) ? rng.int(1...99) : 0)
            total += cents
            let from = rng.pick(Self.cities)
            let to = rng.pick(Self.cities.filter { $0 != from })
            rows.append(
                FormTable.Row(
                    rowKey: Self.rowKey(&rng),
                    cells: [
                        "出发地": FormTable.Cell(from), "目的地": FormTable.Cell(to),
                        "交通工具": Self.select(Self.vehicles[vehicle], vehicle),
                        "金额": FormTable.Cell(Self.plainMoney(cents: cents)),
                        "日期": FormTable.Cell(TimeFormat.date(createTime - rng.int64(0...20) * TimeFormat.dayMs))
                    ]))
        }
        return (FormTable(columns: columns, rows: rows), total)
    }

    /// 采购明细: 物品名称, 数量, 单价（元） with old-style ids (`TextField-K2AD4O5B`), 1–3 lines.
    mutating func purchaseTable(_ rng: inout SplitMix64) -> (table: FormTable, cents: Int) {
        let columns = [
            FormTable.Column(label: "物品名称", key: "TextField-K2AD4O5B", componentType: "TextField"),
            FormTable.Column(label: "数量", key: "NumberField-1M7WL0G6", componentType: "NumberField"),
            FormTable.Column(label: "单价（元）", key: "MoneyField-3PQ8ZC1D", componentType: "MoneyField")
        ]
        var rows: [FormTable.Row] = []
        var total = 0
        for _ in 0..<rng.int(1...3) {
            let item = rng.pick(Self.items)
            let qty = rng.int(1...5)
            total += item.1 * qty
            rows.append(
                FormTable.Row(
                    rowKey: Self.rowKey(&rng),
                    cells: [
                        "物品名称": FormTable.Cell(item.0), "数量": FormTable.Cell(String(qty)),
                        "单价（元）": FormTable.Cell(Self.money(cents: item.1))
                    ]))
        }
        return (FormTable(columns: columns, rows: rows), total)
    }
}
