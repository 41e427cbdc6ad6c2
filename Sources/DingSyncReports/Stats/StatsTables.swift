import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Lays ``Statistics`` out as titled tables, shared by the text, CSV and Excel writers so that
/// every output shows the same figures under the same headings.
public enum StatsTables {
    /// Every table, in the order `dingsync stats` prints them.
    public static func all(_ s: Statistics) -> [StatsTable] {
        [
            overview(s), statusMix(s), departments(s), categories(s), templates(s), monthly(s), topApplicants(s),
            efficiency(s), efficiencyByTemplate(s), approvers(s), waiting(s), slowNodes(s), revokers(s), duplicates(s),
            slowInstances(s), amounts(s), amountBuckets(s), slaCompliance(s), overdue(s), overdueByApprover(s)
        ] + (s.detailAmounts.map { [DetailAmounts.table($0)] } ?? [])
    }

    static let groupColumns = ["实例数", "已同意", "已拒绝", "已撤销", "审批中", "通过率", "申请人数", "金额合计"]

    static func groupCells(_ g: GroupStats) -> [StatsCell] {
        [
            .integer(g.counts.created), .integer(g.counts.approved), .integer(g.counts.refused),
            .integer(g.counts.revoked),
            .integer(g.counts.running), .percent(g.counts.passRate), .integer(g.applicants), .amount(g.totalAmount)
        ]
    }

    public static func overview(_ s: Statistics) -> StatsTable {
        let o = s.overview
        let c = o.counts
        let rows: [[StatsCell]] = [
            [.text("创建"), .integer(c.created)], [.text("已同意"), .integer(c.approved)],
            [.text("已拒绝"), .integer(c.refused)],
            [.text("已撤销"), .integer(c.revoked)], [.text("已取消"), .integer(c.cancelled)],
            [.text("审批中"), .integer(c.running)],
            [.text("其他状态"), .integer(c.other)], [.text("已完结"), .integer(c.finished)],
            [.text("通过率（已同意 ÷ 已完结）"), .percent(c.passRate)],
            [.text("申请人数"), .integer(o.applicants)], [.text("部门数"), .integer(o.departments)],
            [.text("模板数"), .integer(o.templates)],
            [.text("金额合计"), .amount(o.totalAmount)]
        ]
        if s.beforeFirstData {
            return StatsTable(
                id: "overview", title: "总体概览", columns: ["指标", "数值"],
                rows: rows.map { [$0[0], .text(noData)] }, note: "无数据：该期间早于状态库中的第一个实例。")
        }
        return StatsTable(
            id: "overview", title: "总体概览", columns: ["指标", "数值"], rows: rows,
            note: c.created == 0 ? "该期间没有审批实例。" : nil)
    }

    public static func statusMix(_ s: Statistics) -> StatsTable {
        let c = s.overview.counts
        let parts: [(String, Int)] = [
            ("已同意", c.approved), ("已拒绝", c.refused), ("已撤销", c.revoked),
            ("已取消", c.cancelled), ("审批中", c.running), ("其他", c.other)
        ]
        let rows = parts.filter { $0.1 > 0 }.map {
            [StatsCell.text($0.0), .integer($0.1), .percent(StatsMath.ratio($0.1, c.created))]
        }
        return StatsTable(id: "status_mix", title: "状态分布", columns: ["状态", "数量", "占比"], rows: rows)
    }

    public static func departments(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "departments", title: "部门统计", columns: ["排名", "部门"] + groupColumns,
            rows: s.departments.map { [.integer($0.rank), .text($0.name)] + groupCells($0) })
    }

    public static func categories(_ s: Statistics) -> StatsTable {
        let field = s.options.categoryField
        return StatsTable(
            id: "categories", title: field.isEmpty ? "类别统计" : "类别统计（\(field)）", columns: ["排名", "类别"] + groupColumns,
            rows: s.categories.map { [.integer($0.rank), .text($0.name)] + groupCells($0) },
            note: field.isEmpty ? "未设置 report.category_field：在 config.yaml 中填写作为类别的表单字段名（如 请假类型），即可按类别统计。" : nil)
    }

    public static func templates(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "templates", title: "模板统计", columns: ["排名", "模板", "模板编码"] + groupColumns,
            rows: s.templates.map { [.integer($0.rank), .text($0.name), .text($0.key)] + groupCells($0) })
    }

    public static func monthly(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "monthly", title: "月度趋势", columns: ["月份", "创建", "已同意", "已拒绝", "申请人数", "通过率"],
            rows: s.monthly.map { m in
                let label = m.toDate ? m.month + "（至今）" : m.month
                guard m.hasData else { return [.text(label)] + Array(repeating: .text(noData), count: 5) }
                return [
                    .text(label), .integer(m.counts.created), .integer(m.counts.approved), .integer(m.counts.refused),
                    .integer(m.applicants), .percent(m.counts.passRate)
                ]
            },
            note: "按创建时间所在月份（\(s.options.timeZone.identifier)）统计；“无数据”= 早于状态库中第一个实例的月份；“至今”= 尚未结束的月份。")
    }

    public static func topApplicants(_ s: Statistics) -> StatsTable {
        StatsTable(
            id: "top_applicants", title: "个人排行榜（前 \(s.options.topN) 名）",
            columns: ["排名", "申请人", "部门", "实例数", "已同意", "已拒绝", "已撤销", "通过率", "金额合计"],
            rows: s.topApplicants.map { a in
                [
                    .integer(a.rank), .text(a.name), .text(a.department), .integer(a.counts.created),
                    .integer(a.counts.approved),
                    .integer(a.counts.refused), .integer(a.counts.revoked), .percent(a.counts.passRate),
                    .amount(a.totalAmount)
                ]
            })
    }

    /// What a period before the first mirrored instance shows instead of 0.
    public static let noData = "无数据"

    /// An instance's 审批编号, else its id.
    static func reference(_ businessId: String, _ instanceId: String) -> String {
        businessId.isEmpty ? instanceId : businessId
    }
}
