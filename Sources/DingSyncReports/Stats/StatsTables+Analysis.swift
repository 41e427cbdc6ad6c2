import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

extension StatsTables {
    public static func efficiency(_ s: Statistics) -> StatsTable {
        let e = s.efficiency
        let rows: [[StatsCell]] = [
            [.text("已完结实例（有起止时间）"), .integer(e.finished)], [.text("平均耗时（天）"), .number(e.meanDays, places: 2)],
            [.text("中位数（天）"), .number(e.medianDays, places: 2)], [.text("P90（天）"), .number(e.p90Days, places: 2)],
            [.text("最短（天）"), .number(e.minDays, places: 2)], [.text("最长（天）"), .number(e.maxDays, places: 2)],
            [
                .text("时限（小时）"),
                e.slaHours.map { .number($0, places: 0) }
                    ?? .text(e.slaFinished + e.openBreaches + e.openWithin > 0 ? "按模板" : "未设置")
            ],
            [.text("时限内完结"), .integer(e.withinSLA)], [.text("超时完结"), .integer(e.finishedLate)],
            [.text("审批中·已超时"), .integer(e.openBreaches)], [.text("审批中·未超时（不计入）"), .integer(e.openWithin)],
            [.text("时限达成率"), .percent(e.withinSLAShare)]
        ]
        return StatsTable(
            id: "efficiency", title: "处理效率", columns: ["指标", "数值"], rows: rows,
            note: "耗时 = 完成时间 − 创建时间；P90 按线性插值（同 Excel PERCENTILE.INC）。时限达成率 = 时限内完结 ÷（已完结 + 审批中已超时）：仍在审批中但已超时的实例计为未达成。")
    }

    public static func efficiencyByTemplate(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "efficiency_by_template", title: "各模板处理效率",
            columns: ["模板", "已完结", "平均（天）", "中位数（天）", "P90（天）", "最短（天）", "最长（天）", "时限达成率"],
            rows: s.efficiencyByTemplate.map { t in
                let e = t.efficiency
                return [
                    .text(t.name), .integer(e.finished), .number(e.meanDays, places: 2),
                    .number(e.medianDays, places: 2), .number(e.p90Days, places: 2), .number(e.minDays, places: 2),
                    .number(e.maxDays, places: 2), .percent(e.withinSLAShare)
                ]
            })
    }

    /// Service-level compliance per template: open breaches count against it.
    public static func slaCompliance(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "sla_compliance", title: "各模板时限达成",
            columns: ["模板", "时限（小时）", "时限内完结", "超时完结", "审批中·已超时", "审批中·未超时", "时限达成率"],
            rows: s.efficiencyByTemplate.map { t in
                let e = t.efficiency
                return [
                    .text(t.name), .number(e.slaHours, places: 0), .integer(e.withinSLA), .integer(e.finishedLate),
                    .integer(e.openBreaches), .integer(e.openWithin), .percent(e.withinSLAShare)
                ]
            },
            note: "时限达成率 = 时限内完结 ÷（时限内完结 + 超时完结 + 审批中·已超时）；本期创建的实例。")
    }

    /// Every open instance past its service level now (not capped).
    public static func overdue(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "overdue", title: "当前超期的审批中实例（全部，共 \(s.overdue.count) 个）",
            columns: ["审批编号", "模板", "申请人", "当前节点", "审批人", "创建时间", "时限（小时）", "已用（天）", "超期（天）"],
            rows: s.overdue.map { d in
                [
                    .text(reference(d.businessId, d.instanceId)), .text(d.templateName), .text(d.applicant),
                    .text(d.node), .text(d.approvers.joined(separator: "、")), .datetime(d.createTime),
                    .number(d.slaHours, places: 0), .number(d.ageDays, places: 1), .number(d.overdueDays, places: 1)
                ]
            },
            note: "状态库中所有仍在审批中、创建后已超过时限的实例（不限创建时间），超期最久的在前。")
    }

    /// Overdue instances by the approvers they wait on, with each approver's median and p90 time to act.
    public static func overdueByApprover(_ s: Statistics) -> StatsTable {
        var overdue: [String: (count: Int, longest: Double)] = [:]
        for d in s.overdue {
            for name in d.approvers.isEmpty ? ["（未知审批人）"] : d.approvers {
                let current = overdue[name] ?? (0, 0)
                overdue[name] = (current.count + 1, max(current.longest, d.overdueDays))
            }
        }
        var byName: [String: ApproverStats] = [:]
        for a in s.approvers where byName[a.name] == nil { byName[a.name] = a }
        let names = Set(overdue.keys).union(s.approvers.filter { $0.completedTasks > 0 }.map(\.name))
        let rows = names.sorted {
            (overdue[$0]?.count ?? 0, overdue[$0]?.longest ?? 0, $1) > (
                overdue[$1]?.count ?? 0, overdue[$1]?.longest ?? 0, $0
            )
        }.map { name -> [StatsCell] in
            let a = byName[name]
            return [
                .text(name), .integer(overdue[name]?.count ?? 0), .number(overdue[name]?.longest, places: 1),
                .integer(a?.pendingTasks ?? 0), .integer(a?.completedTasks ?? 0),
                .number(a?.medianHoursToAct, places: 1), .number(a?.p90HoursToAct, places: 1)
            ]
        }
        return StatsTable(
            id: "overdue_by_approver", title: "按审批人：超期待办与处理时长",
            columns: ["审批人", "超期待办", "最长超期（天）", "待处理", "已完成任务", "处理时长中位数（小时）", "处理时长 P90（小时）"],
            rows: rows, note: "超期待办 = 正等待该审批人的超期实例；处理时长 = 本期任务从创建到完成。")
    }

    public static func approvers(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "approvers", title: "审批人负载",
            columns: ["审批人", "审批动作", "同意", "拒绝", "已完成任务", "平均处理时长（小时）", "中位数（小时）", "P90（小时）", "待处理"],
            rows: s.approvers.map { a in
                [
                    .text(a.name), .integer(a.actions), .integer(a.agreed), .integer(a.refused),
                    .integer(a.completedTasks),
                    .number(a.meanHoursToAct, places: 1), .number(a.medianHoursToAct, places: 1),
                    .number(a.p90HoursToAct, places: 1), .integer(a.pendingTasks)
                ]
            },
            note: "审批动作 = 本人的同意/拒绝记录；处理时长 = 任务创建到完成。")
    }

    public static func waiting(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "waiting", title: "等待最久的审批中实例（前 \(s.options.topN) 个）",
            columns: ["审批编号", "模板", "申请人", "当前节点", "审批人", "等待起始", "已等待（天）"],
            rows: s.waiting.map { w in
                [
                    .text(reference(w.businessId, w.instanceId)), .text(s.templateName(w.processCode)),
                    .text(w.applicant),
                    .text(w.node), .text(w.approvers), .datetime(w.waitingSince), .number(w.waitingDays, places: 1)
                ]
            })
    }

    public static func slowNodes(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "slow_nodes", title: "耗时最长的节点",
            columns: ["模板", "节点", "已完结经过", "中位数（天）", "P90（天）", "正在等待", "其中最久（天）"],
            rows: s.slowNodes.map { n in
                [
                    .text(n.templateName), .text(n.node), .integer(n.finishedVisits),
                    .number(n.medianDays, places: 2), .number(n.p90Days, places: 2), .integer(n.waitingNow),
                    .number(n.longestWaitingDays, places: 1)
                ]
            },
            note: "中位数与 P90 只按已离开该节点的经过计算；仍卡在该节点的实例单独列出（正在等待、其中最久），不混入平均。")
    }

    public static func revokers(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "frequent_revokers", title: "频繁撤销的申请人（≥ \(s.options.revocationThreshold) 次）",
            columns: ["申请人", "部门", "撤销数", "实例数", "撤销占比"],
            rows: s.frequentRevokers.map { r in
                [.text(r.name), .text(r.department), .integer(r.revoked), .integer(r.created), .percent(r.share)]
            })
    }

    public static func duplicates(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "duplicates", title: "疑似重复提交",
            columns: ["申请人", "模板", "审批编号 1", "审批编号 2", "首次提交", "相隔（小时）", "依据", "金额", "日期"],
            rows: s.duplicates.map { d in
                [
                    .text(d.applicant), .text(s.templateName(d.processCode)),
                    .text(reference(d.firstBusinessId, d.firstId)),
                    .text(reference(d.secondBusinessId, d.secondId)), .datetime(d.firstCreateTime),
                    .number(d.hoursApart, places: 1),
                    .text(d.reason == .sameAmount ? "金额相同" : "日期重叠"), .amount(d.amount), .text(d.dates)
                ]
            },
            note:
                "同一申请人、同一模板、\(Int(s.options.duplicateWindowHours)) 小时内，表单内容相同：金额相同（都有金额时），或请假类表单的日期重叠；仅标题相同不算。撤销或取消后重提的不计。"
        )
    }

    public static func slowInstances(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "slow_instances", title: "耗时远超模板常态的实例",
            columns: ["审批编号", "模板", "申请人", "耗时（天）", "模板中位数（天）", "倍数"],
            rows: s.slowInstances.map { i in
                [
                    .text(reference(i.businessId, i.instanceId)), .text(s.templateName(i.processCode)),
                    .text(i.applicant),
                    .number(i.durationDays, places: 2), .number(i.templateMedianDays, places: 2),
                    .number(i.factor, places: 1)
                ]
            },
            note:
                "耗时超过模板中位数的 \(formatted(s.options.slowFactor)) 倍且至少多 \(formatted(s.options.slowMinimumExcessDays)) 天（模板至少 \(s.options.slowMinimumSample) 个已完结实例）。"
        )
    }

    public static func amounts(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "amounts", title: "金额分布与建议免审阈值",
            columns: [
                "模板", "有金额实例", "最小", "中位数", "P90", "最大", "平均", "合计",
                "建议阈值（低于此金额）", "阈值下已决定", "阈值下同意率"
            ],
            rows: s.amounts.map { a in
                [
                    .text(a.name), .integer(a.count), .amount(a.minimum), .amount(a.median),
                    .amount(a.p90),
                    .amount(a.maximum), .amount(a.mean), .amount(a.total), .amount(a.suggestedThreshold),
                    .integer(a.decidedBelow),
                    .percent(StatsMath.ratio(a.approvedBelow, a.decidedBelow))
                ]
            },
            note:
                "建议阈值：最大的区间上限 T，使金额低于 T 的已决定实例（同意 + 拒绝）至少 \(s.options.thresholdMinimumSample) 个且同意率 ≥ \(formatted(s.options.thresholdApprovalRate * 100))%；可考虑对其简化审批链。"
        )
    }

    public static func amountBuckets(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "amount_buckets", title: "金额区间",
            columns: ["模板", "区间", "下限", "上限", "实例数", "已同意", "已拒绝", "已决定中同意率"],
            rows: s.amounts.flatMap { a in
                a.buckets.map { b in
                    [
                        .text(a.name), .text("\(formatted(b.lower)) – \(formatted(b.upper))"), .amount(b.lower),
                        .amount(b.upper),
                        .integer(b.counts.created), .integer(b.counts.approved), .integer(b.counts.refused),
                        .percent(b.decidedApprovalRate)
                    ]
                }
            },
            note: "区间含下限、不含上限。")
    }

    /// A number without needless decimals: 3 → "3", 0.5 → "0.5", 2000 → "2000".
    static func formatted(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%g", value)
    }
}
