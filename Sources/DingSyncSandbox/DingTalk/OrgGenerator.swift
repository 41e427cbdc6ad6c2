/// Generates the organisation (departments, users) and the approval templates from a seed.
struct OrgGenerator {
    var rng: SplitMix64

    static let surnames =
        Array("王李张刘陈杨黄赵周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛段雷龙史陶贺毛郝顾龚邵万钱戴严").map(
            String.init)
        + ["欧阳", "司马", "诸葛"]
    static let givenNames = [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞",
        "平", "刚", "小明", "建华", "志强", "海燕", "晓东", "国庆", "春梅", "文博", "俊杰", "晨曦", "宇航", "浩然",
        "婷婷", "雪梅", "琳", "欣怡", "子涵", "梓萱", "一鸣", "思远", "嘉豪", "诗雨", "雨桐", "佳琪", "子轩", "博文",
        "晓燕", "志伟", "丽娟", "建国", "秀兰", "玉兰", "德华", "振宇", "梦琪", "若曦", "天佑", "立新", "红霞", "凯"
    ]

    struct DeptSpec {
        var name: String
        var parent: String?
        var titles: [String]
        var size: Int
        /// Admin-chosen (non-numeric) userids for the first members, if any.
        var fixedIds: [String]
    }

    static let orgName = "星河云创科技有限公司"

    static let deptSpecs: [DeptSpec] = [
        DeptSpec(name: orgName, parent: nil, titles: ["总经理", "总经理助理"], size: 2, fixedIds: []),
        DeptSpec(name: "研发中心", parent: orgName, titles: ["技术总监", "架构师"], size: 2, fixedIds: ["manager8821"]),
        DeptSpec(name: "平台组", parent: "研发中心", titles: ["技术经理", "高级工程师", "工程师"], size: 6, fixedIds: []),
        DeptSpec(name: "移动端组", parent: "研发中心", titles: ["技术经理", "高级工程师", "工程师"], size: 5, fixedIds: []),
        DeptSpec(name: "测试组", parent: "研发中心", titles: ["测试经理", "测试工程师"], size: 4, fixedIds: []),
        DeptSpec(name: "产品部", parent: orgName, titles: ["产品总监", "产品经理", "交互设计师"], size: 4, fixedIds: []),
        DeptSpec(name: "市场部", parent: orgName, titles: ["市场总监", "市场专员"], size: 4, fixedIds: []),
        DeptSpec(name: "销售部", parent: orgName, titles: ["销售总监", "客户经理", "销售代表"], size: 6, fixedIds: []),
        DeptSpec(name: "财务部", parent: orgName, titles: ["财务总监", "会计", "出纳"], size: 4, fixedIds: ["", "", "caiwu01"]),
        DeptSpec(name: "人力资源部", parent: orgName, titles: ["人力资源经理", "HRBP", "招聘专员"], size: 3, fixedIds: ["hr_lily"]),
        DeptSpec(name: "行政部", parent: orgName, titles: ["行政主管", "行政专员"], size: 3, fixedIds: ["admin_wang"]),
        DeptSpec(name: "采购部", parent: orgName, titles: ["采购经理", "采购专员"], size: 3, fixedIds: [])
    ]

    static let workPlaces = ["杭州总部", "上海分公司", "北京研发中心", "深圳办事处"]

    mutating func makeOrg(nowMs: Int64) -> (
        depts: [Int64: Department], order: [Int64], users: [String: DTUser], userOrder: [String]
    ) {
        var depts: [Int64: Department] = [:]
        var order: [Int64] = []
        var byName: [String: Int64] = [:]
        var users: [String: DTUser] = [:]
        var userOrder: [String] = []
        var usedNames = Set<String>()
        var usedIds = Set<String>()

        for (index, spec) in Self.deptSpecs.enumerated() {
            let id: Int64 = spec.parent == nil ? DingTalkWorld.rootDeptId : rng.int64(100_000_000...999_999_999)
            let parentId = spec.parent.flatMap { byName[$0] }
            byName[spec.name] = id
            var memberIds: [String] = []
            for m in 0..<spec.size {
                var userid = m < spec.fixedIds.count ? spec.fixedIds[m] : ""
                if userid.isEmpty {
                    repeat {
                        let length = rng.int(15...20)
                        userid = String(rng.int(1...9)) + rng.digits(length - 1)
                    } while usedIds.contains(userid)
                }
                usedIds.insert(userid)
                var name = ""
                for _ in 0..<20 {
                    name = rng.pick(Self.surnames) + rng.pick(Self.givenNames)
                    if !usedNames.contains(name) { break }
                }
                usedNames.insert(name)
                let title =
                    m == 0
                    ? spec.titles[0]
                    : spec.titles[
                        min(
                            spec.titles.count - 1,
                            1 + rng.int(0...(spec.titles.count - 1)) % max(1, spec.titles.count - 1))]
                let hired = nowMs - rng.int64(30...3000) * TimeFormat.dayMs
                let user = DTUser(
                    userid: userid,
                    unionid: "iiPl" + rng.alnum(14) + "iE",
                    name: name,
                    title: title,
                    jobNumber: "E\(1000 + users.count * 7 + rng.int(0...6))",
                    deptIds: [id],
                    deptOrders: [String(rng.int64(100_000_000_000_000_000...176_294_576_354_598_450))],
                    managerUserid: nil,
                    hiredDate: rng.chance(0.85) ? TimeFormat.startOfDay(hired) : nil,
                    mobile: "1" + String(rng.pick([3, 5, 7, 8, 9])) + rng.digits(9),
                    email: rng.chance(0.7) ? "\(rng.lowerAlnum(6))@xinghe-cloud.example" : nil,
                    workPlace: rng.chance(0.8) ? rng.pick(Self.workPlaces) : nil,
                    admin: index == 0 || spec.name == "人力资源部" && m == 0,
                    boss: index == 0 && m == 0,
                    senior: m == 0 && index <= 1,
                    leaderDeptIds: m == 0 ? [id] : [])
                users[userid] = user
                userOrder.append(userid)
                memberIds.append(userid)
            }
            depts[id] = Department(
                id: id, name: spec.name, parentId: parentId, order: index * 10,
                managerUserIds: memberIds.isEmpty ? [] : [memberIds[0]])
            order.append(id)
        }
        // manager_userid: the department manager, or the parent's for managers themselves.
        for userid in userOrder {
            guard var user = users[userid], let deptId = user.deptIds.first, let dept = depts[deptId] else { continue }
            if dept.managerUserIds.first == userid {
                user.managerUserid = dept.parentId.flatMap { depts[$0]?.managerUserIds.first }
            } else {
                user.managerUserid = dept.managerUserIds.first
            }
            users[userid] = user
        }
        // A couple of people belong to two departments.
        if let tester = depts.values.first(where: { $0.name == "测试组" }),
            let platform = depts.values.first(where: { $0.name == "平台组" }),
            let member = userOrder.first(where: {
                users[$0]?.deptIds.first == tester.id && tester.managerUserIds.first != $0
            }),
            var user = users[member]
        {
            user.deptIds.append(platform.id)
            user.deptOrders.append(String(rng.int64(100_000_000_000_000_000...176_294_576_354_598_450)))
            users[member] = user
        }
        return (depts, order, users, userOrder)
    }

    mutating func processCode() -> String {
        "PROC-\(rng.hex(8, upper: true))-\(rng.hex(4, upper: true))-\(rng.hex(4, upper: true))-\(rng.hex(4, upper: true))-\(rng.hex(12, upper: true))"
    }

    mutating func activityId() -> String { "\(rng.hex(4))_\(rng.hex(4))" }

    /// The templates, with approval chains drawn from the organisation.
    mutating func makeTemplates(depts: [Int64: Department], users: [String: DTUser], nowMs: Int64) -> [ProcessTemplate]
    {
        func manager(of deptName: String) -> String? {
            depts.values.first(where: { $0.name == deptName })?.managerUserIds.first
        }
        func member(of deptName: String, index: Int) -> String? {
            guard let dept = depts.values.first(where: { $0.name == deptName }) else { return nil }
            let ids = users.values.filter { $0.deptIds.first == dept.id }.map(\.userid).sorted()
            let nonManager = ids.filter { $0 != dept.managerUserIds.first }
            return nonManager.isEmpty ? ids.first : nonManager[index % nonManager.count]
        }
        let boss = manager(of: Self.orgName) ?? ""
        let hr = manager(of: "人力资源部") ?? boss
        let finance = manager(of: "财务部") ?? boss
        let cashier = "caiwu01"
        let purchasing = manager(of: "采购部") ?? boss
        let admin = manager(of: "行政部") ?? boss
        let hrbp = member(of: "人力资源部", index: 0) ?? hr
        let adminClerk = member(of: "行政部", index: 0) ?? admin

        func template(
            _ kind: TemplateKind, _ name: String, _ suffix: String, dir: (String, String),
            nodes: [(String, ApproverRule)], cc: [String]
        ) -> ProcessTemplate {
            let code = processCode()
            return ProcessTemplate(
                code: code, name: name, titleSuffix: suffix, kind: kind,
                iconUrl: "https://gw.alicdn.com/tfs/TB1\(rng.alnum(12))-102-102.png",
                url: "https://aflow.dingtalk.com/dingtalk/mobile/homepage.htm?processCode=\(code)",
                dirId: dir.0, dirName: dir.1,
                gmtModified: nowMs - rng.int64(40...400) * TimeFormat.dayMs - rng.int64(0...86_399) * 1000,
                nodes: nodes.map { FlowNode(activityId: activityId(), name: $0.0, approver: $0.1) },
                ccUserIds: cc)
        }
        return [
            template(
                .leave, "请假", "请假申请", dir: ("dir_001", "人事"),
                nodes: [("部门主管", .deptManager), ("人事审批", .user(hr))], cc: [hrbp]),
            template(
                .expense, "报销", "报销申请", dir: ("dir_002", "财务"),
                nodes: [("部门主管", .deptManager), ("财务审批", .user(finance)), ("出纳付款", .user(cashier))], cc: []),
            template(
                .purchase, "采购", "采购申请", dir: ("dir_002", "财务"),
                nodes: [
                    ("部门主管", .deptManager), ("采购经理", .user(purchasing)), ("财务总监", .user(finance)),
                    ("总经理", .user(boss))
                ], cc: [adminClerk]),
            template(
                .trip, "出差", "出差申请", dir: ("dir_001", "人事"),
                nodes: [("部门主管", .deptManager)], cc: [admin, hrbp]),
            template(
                .general, "通用审批", "通用审批", dir: ("dir_003", "行政"),
                nodes: [("部门主管", .deptManager), ("总经理", .user(boss))], cc: [])
        ]
    }
}
