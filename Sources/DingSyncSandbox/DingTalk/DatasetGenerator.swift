/// Builds the whole DingTalk world from (seed, instances, days, now): the same inputs give
/// the same organisation, templates, instance ids, forms and histories.
struct DatasetGenerator {
    let seed: UInt64
    let nowMs: Int64

    func makeWorld(instances count: Int, days: Int) -> DingTalkWorld {
        var orgRng = SplitMix64(seed: seed ^ 0x0D17_6A1C_0000_0001)
        var org = OrgGenerator(rng: orgRng)
        let (depts, deptOrder, users, userOrder) = org.makeOrg(nowMs: nowMs)
        let templates = org.makeTemplates(depts: depts, users: users, nowMs: nowMs)
        orgRng = org.rng
        var world = DingTalkWorld(
            orgName: OrgGenerator.orgName, departments: depts, departmentOrder: deptOrder, users: users,
            userOrder: userOrder, templates: templates, instances: [:], idsByCode: [:])
        var factory = InstanceFactory(rng: SplitMix64(seed: seed ^ 0x1A57_A4CE_0000_0002), forms: FormGenerator())
        while world.instances.count < count {
            let created = factory.randomCreateTime(nowMs: nowMs, days: days)
            let template = factory.pickTemplate(world.templates)
            let planned = factory.randomOutcome(createTime: created, nowMs: nowMs, nodes: template.nodes.count)
            let inst = factory.make(
                world: world, template: template, createTime: created, planned: planned, nowMs: nowMs)
            world.instances[inst.id] = inst
            // Sometimes a withdrawn instance is resubmitted (biz_action REVOKE), and the original
            // lists the new one among its attached instances.
            if world.instances.count < count, inst.status == "TERMINATED", let end = inst.finishTime,
                end + 600_000 < nowMs - 60_000, factory.rng.chance(0.25)
            {
                let again = end + factory.rng.int64(60_000...min(6 * 3_600_000, nowMs - 60_000 - end))
                var copy = factory.make(
                    world: world, template: template, createTime: again,
                    planned: factory.randomOutcome(createTime: again, nowMs: nowMs, nodes: template.nodes.count),
                    nowMs: nowMs, originator: inst.originatorUserId)
                copy.bizAction = "REVOKE"
                world.instances[copy.id] = copy
                world.instances[inst.id]?.attachedProcessInstanceIds.append(copy.id)
            }
        }
        for template in world.templates { world.reindex(code: template.code) }
        return world
    }
}

/// Makes single instances (generation and admin "create").
struct InstanceFactory {
    var rng: SplitMix64
    var forms: FormGenerator

    mutating func pickTemplate(_ templates: [ProcessTemplate]) -> ProcessTemplate {
        let weights: [TemplateKind: Double] = [.leave: 30, .expense: 30, .purchase: 15, .trip: 12, .general: 13]
        return templates[rng.weighted(templates.map { weights[$0.kind] ?? 10 })]
    }

    /// Mostly working hours on working days (Beijing time), never later than five minutes ago.
    mutating func randomCreateTime(nowMs: Int64, days: Int) -> Int64 {
        let earliest = nowMs - Int64(days) * TimeFormat.dayMs
        let latest = nowMs - 5 * 60_000
        for _ in 0..<20 {
            let day = TimeFormat.startOfDay(earliest + rng.int64(0...(Int64(days) * TimeFormat.dayMs)))
            let weekday = ((day + Int64(TimeFormat.beijingOffset) * 1000) / TimeFormat.dayMs + 4) % 7  // 0 = Sunday
            if weekday == 0 || weekday == 6, rng.chance(0.85) { continue }
            let seconds: Int64 = rng.chance(0.85) ? rng.int64(9 * 3600...(19 * 3600 - 1)) : rng.int64(0...86_399)
            let t = day + seconds * 1000 + rng.int64(0...999)
            if t >= earliest, t <= latest { return t }
        }
        return earliest + rng.int64(0...max(0, latest - earliest))
    }

    /// Recent instances are often still running; older ones mostly finished.
    mutating func randomOutcome(createTime: Int64, nowMs: Int64, nodes: Int) -> FlowEngine.Planned {
        let ageDays = Double(nowMs - createTime) / Double(TimeFormat.dayMs)
        let running = ageDays < 2 ? 0.45 : (ageDays < 7 ? 0.18 : 0.06)
        let weights = [running, 0.62, 0.14, 0.08, 0.006, 0.006]
        let node = rng.int(0...max(0, nodes - 1))
        switch rng.weighted(weights) {
        case 0: return .running(node: node)
        case 1: return .agreed
        case 2: return .refused(node: node)
        case 3: return .terminated(node: node)
        case 4: return .new
        default: return .canceled
        }
    }

    mutating func make(
        world: DingTalkWorld, template: ProcessTemplate, createTime: Int64, planned: FlowEngine.Planned,
        nowMs: Int64, originator fixedOriginator: String? = nil
    ) -> ApprovalInstance {
        let originatorId = fixedOriginator ?? rng.pick(world.userOrder)
        let originator = world.users[originatorId] ?? DTUser.placeholder(originatorId)
        let home = originator.deptIds.first ?? DingTalkWorld.rootDeptId
        let deptId = home == DingTalkWorld.rootDeptId ? "-1" : String(home)
        let deptName: String = {
            guard let dept = world.departments[home] else { return world.orgName }
            if let parent = dept.parentId, let p = world.departments[parent], p.id != DingTalkWorld.rootDeptId {
                return "\(p.name)-\(dept.name)"
            }
            return dept.name
        }()
        let id = rng.alnum(26) + String(createTime / 1000)
        let businessId = TimeFormat.compactMinute(createTime) + rng.digits(9)
        let colleagues = world.userOrder.compactMap { world.users[$0] }.filter {
            $0.deptIds.contains(home) && $0.userid != originatorId
        }
        let form = forms.form(
            &rng, template: template, createTime: createTime, originator: originator, colleagues: colleagues)
        var engine = FlowEngine(rng: SplitMix64(seed: rng.next()), world: world)
        let inst = engine.generate(
            template: template, originator: originator, deptId: deptId, deptName: deptName,
            createTime: createTime, planned: planned, limit: max(createTime, nowMs - 30_000), id: id,
            businessId: businessId, form: form, legacyTaskTimesAsMs: rng.chance(0.08))
        return inst
    }
}
