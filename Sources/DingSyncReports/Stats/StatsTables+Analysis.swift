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
            [.text("时限（天，report.sla_days）"), .integer(e.slaDays)], [.text("时限内完结"), .integer(e.withinSLA)],
            [.text("时限内完结占比"), .percent(e.withinSLAShare)]
        ]
        return StatsTable(
            id: "efficiency", title: "处理效率", columns: ["指标", "数值"], rows: rows,
            note: "耗时 = 完成时间 − 创建时间；P90 按线性插值（同 Excel PERCENTILE.INC）。")
    }

    public static func efficiencyByTemplate(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "efficiency_by_template", title: "各模板处理效率",
            columns: ["模板编码", "模板", "已完结", "平均（天）", "中位数（天）", "P90（天）", "最短（天）", "最长（天）", "时限内占比"],
            rows: s.efficiencyByTemplate.map { t in
                let e = t.efficiency
                return [
                    .text(t.processCode), .text(t.name), .integer(e.finished), .number(e.meanDays, places: 2),
                    .number(e.medianDays, places: 2), .number(e.p90Days, places: 2), .number(e.minDays, places: 2),
                    .number(e.maxDays, places: 2), .percent(e.withinSLAShare)
                ]
            })
    }

    public static func approvers(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "approvers", title: "审批人负载",
            columns: ["审批人", "审批动作", "同意", "拒绝", "已完成任务", "平均处理时长（小时）", "待处理"],
            rows: s.approvers.map { a in
                [
                    .text(a.name), .integer(a.actions), .integer(a.agreed), .integer(a.refused),
                    .integer(a.completedTasks),
                    .number(a.meanHoursToAct, places: 1), .integer(a.pendingTasks)
                ]
            },
            note: "审批动作 = 本人的同意/拒绝记录；平均处理时长 = 任务创建到完成。")
    }

    public static func waiting(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "waiting", title: "等待最久的审批中实例",
            columns: ["审批编号", "标题", "模板编码", "申请人", "当前节点", "审批人", "等待起始", "已等待（天）"],
            rows: s.waiting.map { w in
                [
                    .text(reference(w.businessId, w.instanceId)), .text(w.title), .text(w.processCode),
                    .text(w.applicant),
                    .text(w.node), .text(w.approvers), .datetime(w.waitingSince), .number(w.waitingDays, places: 1)
                ]
            })
    }

    public static func slowNodes(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "slow_nodes", title: "平均等待最长的节点",
            columns: ["模板编码", "模板", "节点", "经过次数", "正在等待", "平均等待（天）", "最长等待（天）"],
            rows: s.slowNodes.map { n in
                [
                    .text(n.processCode), .text(n.templateName), .text(n.node), .integer(n.visits),
                    .integer(n.waitingNow),
                    .number(n.meanDays, places: 2), .number(n.maxDays, places: 2)
                ]
            })
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
            columns: ["申请人", "模板编码", "审批编号 1", "审批编号 2", "首次提交", "相隔（小时）", "依据", "金额", "标题"],
            rows: s.duplicates.map { d in
                [
                    .text(d.applicant), .text(d.processCode), .text(reference(d.firstBusinessId, d.firstId)),
                    .text(reference(d.secondBusinessId, d.secondId)), .datetime(d.firstCreateTime),
                    .number(d.hoursApart, places: 1),
                    .text(d.reason == .sameAmount ? "金额相同" : "标题相同"), .amount(d.amount), .text(d.title)
                ]
            },
            note: "同一申请人、同一模板、\(Int(s.options.duplicateWindowHours)) 小时内，金额相同（都有金额时）或标题相同；撤销或取消后重提的不计。")
    }

    public static func slowInstances(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "slow_instances", title: "耗时远超模板常态的实例",
            columns: ["审批编号", "模板编码", "申请人", "耗时（天）", "模板中位数（天）", "倍数"],
            rows: s.slowInstances.map { i in
                [
                    .text(reference(i.businessId, i.instanceId)), .text(i.processCode), .text(i.applicant),
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
                "模板编码", "模板", "有金额实例", "最小", "中位数", "P90", "最大", "平均", "合计",
                "建议阈值（低于此金额）", "阈值下已决定", "阈值下同意率"
            ],
            rows: s.amounts.map { a in
                [
                    .text(a.processCode), .text(a.name), .integer(a.count), .amount(a.minimum), .amount(a.median),
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
            columns: ["模板编码", "区间", "下限", "上限", "实例数", "已同意", "已拒绝", "已决定中同意率"],
            rows: s.amounts.flatMap { a in
                a.buckets.map { b in
                    [
                        .text(a.processCode), .text("\(formatted(b.lower)) – \(formatted(b.upper))"), .amount(b.lower),
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
