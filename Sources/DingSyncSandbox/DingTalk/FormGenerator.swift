import Foundation

/// Form values per template kind, messy as real ones are: `"null"` for unfilled fields,
/// money with separators and currency signs, JSON text inside `value`, compound names.
struct FormGenerator {
    /// Component ids per template code, stable across instances of one template.
    private var componentIds: [String: [String: String]] = [:]

    static let leaveTypes = ["年假", "事假", "病假", "调休", "婚假", "产假"]
    static let leaveReasons = ["家中有事，需要回老家处理", "身体不适，去医院复查", "孩子开家长会", "搬家", "陪父母体检", "个人事务"]
    static let expenseTypes = ["差旅费", "交通费", "餐饮费", "办公用品", "招待费", "通讯费"]
    static let expenseReasons = ["客户拜访往返高铁票", "项目加班打车", "团队聚餐", "采购打印纸和文具", "接待供应商", "季度话费补贴"]
    static let purchaseTypes = ["办公用品", "IT设备", "原材料", "服务外包"]
    static let purchaseUses = ["日常办公", "项目研发", "市场活动", "客户交付"]
    static let items: [(String, Int)] = [
        ("笔记本电脑", 649_900), ("显示器", 129_900), ("机械键盘", 39_900), ("办公椅", 89_000),
        ("打印纸", 2_500), ("服务器内存条", 180_000), ("投影仪", 459_900)
    ]
    static let suppliers = ["杭州联创电子有限公司", "上海晨光文具", "京东企业购", "深圳华强电子", "null"]
    static let cities = ["上海", "北京", "深圳", "广州", "成都", "武汉", "西安", "南京"]
    static let tripReasons = ["客户现场实施", "参加行业展会", "供应商考察", "分公司培训"]
    static let generalItems = ["申请开通测试环境权限", "申请使用公司会议室举办分享会", "办公室门禁卡补办", "申请调整工位", "合同盖章"]
    static let fileNames: [(String, String)] = [
        ("发票.pdf", "pdf"), ("行程单.pdf", "pdf"), ("小票.jpg", "jpg"),
        ("报价单.xlsx", "xlsx"), ("合同扫描件.pdf", "pdf"), ("交接清单.xlsx", "xlsx")
    ]

    mutating func id(_ rng: inout SplitMix64, code: String, name: String, type: String, style: Int) -> String {
        if let existing = componentIds[code]?[name] { return existing }
        let id: String
        switch style {
        case 1: id = "\(type)-\(rng.string(length: 8, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))"
        case 2: id = name
        default: id = "\(type)_\(rng.string(length: 13, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))"
        }
        componentIds[code, default: [:]][name] = id
        return id
    }

    /// "1,280.50" from cents.
    static func money(cents: Int) -> String {
        let yuan = cents / 100
        let fraction = cents % 100
        var digits = String(yuan)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits = String(digits.dropLast(3))
        }
        groups.insert(digits, at: 0)
        return groups.joined(separator: ",") + "." + TimeFormat.pad(fraction)
    }

    static func selectExt(_ label: String, _ index: Int) -> String {
        JSONValue.object([("label", .string(label)), ("key", .string("option_\(index)"))]).serialized()
    }

    static func attachmentValue(_ rng: inout SplitMix64) -> String {
        JSONValue.array(attachmentItems(&rng)).serialized()
    }

    /// One or two attachments `{"spaceId","fileName","fileSize","fileType","fileId"}`.
    static func attachmentItems(_ rng: inout SplitMix64) -> [JSONValue] {
        let count = rng.int(1...2)
        var items: [JSONValue] = []
        for _ in 0..<count {
            let file = rng.pick(fileNames)
            items.append(
                .object([
                    ("spaceId", .string(String(rng.int64(100_000_000...999_999_999)))),
                    ("fileName", .string(file.0)),
                    ("fileSize", .string(String(rng.int(20_000...2_000_000)))),
                    ("fileType", .string(file.1)),
                    ("fileId", .string(String(rng.int64(10_000_000_000...99_999_999_999))))
                ]))
        }
        return items
    }

    /// Form values for one instance created at `createTime` by `originator`.
    mutating func form(
        _ rng: inout SplitMix64, template: ProcessTemplate, createTime: Int64, originator: DTUser,
        colleagues: [DTUser]
    ) -> [FormValue] {
        let code = template.code
        func v(
            _ type: String, _ name: String, _ value: String, ext: String? = nil, style: Int = 0, alias: String? = nil
        ) -> FormValue {
            FormValue(
                componentType: type, id: id(&rng, code: code, name: name, type: type, style: style), name: name,
                value: value, extValue: ext, bizAlias: alias)
        }
        switch template.kind {
        case .leave:
            let typeIndex = rng.weighted([4, 3, 2, 2, 0.3, 0.2])
            let start = createTime + rng.int64(0...20) * TimeFormat.dayMs
            let days = rng.int(1...5)
            return [
                v(
                    "DDSelectField", "请假类型", Self.leaveTypes[typeIndex],
                    ext: Self.selectExt(Self.leaveTypes[typeIndex], typeIndex)),
                v("DDDateField", "开始日期", TimeFormat.date(start)),
                v("DDDateField", "结束日期", TimeFormat.date(start + Int64(days - 1) * TimeFormat.dayMs)),
                v("NumberField", "请假天数", String(days)),
                v("TextareaField", "请假事由", rng.pick(Self.leaveReasons)),
                v("TextField", "备注", rng.chance(0.7) ? "null" : "工作已交接给同组同事")
            ]
        case .expense:
            let typeIndex = rng.int(0...(Self.expenseTypes.count - 1))
            let costs = expenseTable(&rng, code: code, createTime: createTime)
            let travel = travelTable(&rng, code: code, createTime: createTime)
            let cents = costs.cents + travel.cents
            let amount: String
            switch rng.weighted([85, 6, 6, 3]) {
            case 0: amount = Self.money(cents: cents)
            case 1: amount = "null"
            case 2: amount = "¥" + Self.money(cents: cents / 100 * 100).replacingOccurrences(of: ".00", with: "")
            default: amount = "\(cents / 100)元"
            }
            return [
                v(
                    "DDSelectField", "报销类别", Self.expenseTypes[typeIndex],
                    ext: Self.selectExt(Self.expenseTypes[typeIndex], typeIndex)),
                table(&rng, code: code, name: "费用明细", costs.table),
                table(&rng, code: code, name: "交通明细", travel.table),
                v("MoneyField", "报销金额", amount, alias: rng.chance(0.3) ? "amount" : nil),
                v("DDDateField", "发生日期", TimeFormat.date(createTime - rng.int64(0...10) * TimeFormat.dayMs)),
                v("TextareaField", "报销事由", rng.pick(Self.expenseReasons)),
                v("DDAttachment", "附件", rng.chance(0.8) ? Self.attachmentValue(&rng) : "null")
            ]
        case .purchase:
            let typeIndex = rng.int(0...(Self.purchaseTypes.count - 1))
            let purchase = purchaseTable(&rng)
            let total = purchase.cents
            let uses = Self.purchaseUses.enumerated().filter { _ in rng.chance(0.45) }
            let chosen = uses.isEmpty ? [(0, Self.purchaseUses[0])] : uses.map { ($0.offset, $0.element) }
            let receiver = colleagues.isEmpty ? originator : rng.pick(colleagues)
            return [
                v(
                    "DDSelectField", "采购类型", Self.purchaseTypes[typeIndex],
                    ext: Self.selectExt(Self.purchaseTypes[typeIndex], typeIndex), style: 1),
                v(
                    "DDMultiSelectField", "采购用途", JSONValue.strings(chosen.map(\.1)).serialized(),
                    ext: JSONValue.array(
                        chosen.map { .object([("label", .string($0.1)), ("key", .string("option_\($0.0)"))]) }
                    ).serialized(), style: 1),
                table(&rng, code: code, name: "采购明细", purchase.table, style: 1),
                v("MoneyField", "合计金额", Self.money(cents: total), style: 1),
                v(
                    "InnerContactField", "收货人", receiver.name,
                    ext: JSONValue.array([
                        .object([("emplId", .string(receiver.userid)), ("name", .string(receiver.name)), ("avatar", "")]
                        )
                    ]).serialized(),
                    style: 1),
                v("TextField", "供应商", rng.pick(Self.suppliers), style: 1)
            ]
        case .trip:
            let start = createTime + rng.int64(1...14) * TimeFormat.dayMs
            let days = rng.int(1...6)
            let range = JSONValue.array([
                .string(TimeFormat.date(start)),
                .string(TimeFormat.date(start + Int64(days - 1) * TimeFormat.dayMs)), .int(days)
            ])
            return [
                v("TextField", "出差地点", rng.pick(Self.cities)),
                v("DDDateRangeField", "[\"开始时间\",\"结束时间\"]", range.serialized()),
                v("NumberField", "出差天数", String(days)),
                v("TextareaField", "出差事由", rng.pick(Self.tripReasons)),
                v("TextField", "同行人", rng.chance(0.6) ? "null" : (colleagues.first?.name ?? "null"))
            ]
        case .general:
            return [
                v("TextField", "申请事项", rng.pick(Self.generalItems), style: 2),
                v("TextareaField", "详细说明", rng.chance(0.8) ? "请领导审批，谢谢！" : "null", style: 2),
                v("DDAttachment", "附件", rng.chance(0.3) ? Self.attachmentValue(&rng) : "null", style: 2)
            ]
        }
    }
}
