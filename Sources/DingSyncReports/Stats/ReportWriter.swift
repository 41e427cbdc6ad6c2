import CXlsxWriter
import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Writes the Excel report of a month or ISO week (`dingsync report`): nine sheets, each with a
/// title and the period, bold headers aligned with their columns, number and percent formats,
/// conditional formats on rates and overdue figures, native charts (status mix as a pie,
/// departments as a bar chart, the monthly trend as a line chart), and print settings under
/// which every page has its header row and a page number (``SheetLayout``).
public enum ReportWriter {
    /// The sheet names, in order.
    public static let sheetNames = [
        "总体概览", "部门统计", "类别统计", "个人排行榜", "处理效率分析", "月度趋势", "审批人负载", "异常与瓶颈", "时效与超期"
    ]

    /// Writes `statistics` (of `month`; its `monthly` is the trend to show) to `path`.
    @discardableResult
    public static func write(_ statistics: Statistics, month: ReportMonth, to path: String) throws -> Int {
        try write(statistics, period: .month(month), to: path)
    }

    /// Writes `statistics` (of `period`; its `monthly` is the trend to show) to `path`.
    /// An empty period is a report that says so. Returns the number of charts written.
    @discardableResult
    public static func write(_ statistics: Statistics, period: ReportPeriod, to path: String) throws -> Int {
        let book = try XlsxWorkbook(path: path, timeZone: statistics.options.timeZone)
        let s = statistics
        let empty = s.overview.counts.created == 0
        var charts = 0
        let layouts: [(String, [StatsTable])] = [
            (sheetNames[0], [StatsTables.overview(s), StatsTables.statusMix(s)]),
            (sheetNames[1], [StatsTables.departments(s)]),
            (sheetNames[2], [StatsTables.categories(s), StatsTables.templates(s)]),
            (sheetNames[3], [StatsTables.topApplicants(s)]),
            (
                sheetNames[4],
                [
                    StatsTables.efficiency(s), StatsTables.efficiencyByTemplate(s), StatsTables.amounts(s),
                    StatsTables.amountBuckets(s)
                ]
            ),
            (sheetNames[5], [StatsTables.monthly(s)]),
            (sheetNames[6], [StatsTables.approvers(s)]),
            (
                sheetNames[7],
                [
                    StatsTables.waiting(s), StatsTables.slowNodes(s), StatsTables.revokers(s),
                    StatsTables.duplicates(s),
                    StatsTables.slowInstances(s)
                ]
            ),
            (
                sheetNames[8],
                [StatsTables.slaCompliance(s), StatsTables.overdue(s), StatsTables.overdueByApprover(s)]
            )
        ]
        let zone = s.options.timeZone
        let running = (s.options.from ?? Int64.min) <= s.options.now && s.options.now <= (s.options.to ?? Int64.max)
        let beforeData = s.options.firstMirrored.map { first in (s.options.to ?? Int64.max) < first } ?? false
        let generated = StatsTime.text(s.options.now, timeZone: zone)
        for (name, tables) in layouts {
            let sheet = try book.addSheet(name)
            let title = "审批统计\(period.kind) · \(period.text)\(running ? "（至今）" : "") · \(name)"
            var banner: String?
            if empty && name != sheetNames[5] && name != sheetNames[8] {
                banner =
                    beforeData
                    ? "无数据：\(period.text) 早于状态库中的第一个实例（\(StatsTime.text(s.options.firstMirrored ?? 0, timeZone: zone))），不是 0 个。"
                    : "\(period.this)（\(period.text)）没有审批实例：状态库中没有在此期间创建的实例。"
            } else if running {
                banner = "\(period.this)尚未结束：数字截至 \(generated)（至今）。"
            }
            let footer = "&L审批统计\(period.kind) \(period.text)&C第 &P 页，共 &N 页&R\(name)"
            let placed = SheetLayout.write(
                tables, title: title, period: StatsTime.period(s.options), banner: banner, generated: generated,
                footer: footer, chartWidth: chartWidth(name, tables: tables), on: sheet, book: book)
            charts += try addCharts(name: name, placed: placed, sheet: sheet, book: book)
        }
        if let detailAmounts = s.detailAmounts {
            charts += try DetailAmountsSheet.write(detailAmounts, statistics: s, period: period, book: book)
        }
        try book.close()
        return charts
    }

    /// The width in points of the chart beside a sheet's tables (0 without one).
    static func chartWidth(_ name: String, tables: [StatsTable]) -> Double {
        let base = 480.0 * 0.75
        switch tables.first(where: { ["status_mix", "departments", "monthly"].contains($0.id) && !$0.rows.isEmpty })?.id
        {
        case "status_mix": return base
        case "departments": return base * 1.3
        case "monthly": return base * 1.4
        default: return 0
        }
    }

    private static func addCharts(
        name: String, placed: [SheetLayout.Placed], sheet: UnsafeMutablePointer<lxw_worksheet>,
        book: XlsxWorkbook
    ) throws -> Int {
        var count = 0
        for table in placed where table.rows > 0 {
            let anchorColumn = lxw_col_t(table.freeColumn + 1)
            let anchorRow = lxw_row_t(table.headerRow)
            let first = lxw_row_t(table.dataRows.first ?? table.headerRow + 1)
            let last = lxw_row_t(table.dataRows.last ?? table.headerRow + table.rows)
            switch table.id {
            case "status_mix":
                let chart = try book.addChart(.pie)
                chart_title_set_name(chart, "状态分布")
                let series = chart_add_series(chart, nil, nil)
                chart_series_set_categories(series, name, first, 0, last, 0)
                chart_series_set_values(series, name, first, 1, last, 1)
                chart_series_set_name(series, "数量")
                chart_series_set_labels(series)
                chart_series_set_labels_percentage(series)
                chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_RIGHT.rawValue))
                // beside the overview at the top of the sheet: below it, the pie would run off the page
                book.record(worksheet_insert_chart(sheet, lxw_row_t(placed.first?.headerRow ?? 4), anchorColumn, chart))
            case "departments":
                let chart = try book.addChart(.bar)
                chart_title_set_name(chart, "各部门实例数")
                for (column, label) in [(2, "实例数"), (3, "已同意")] {
                    let series = chart_add_series(chart, nil, nil)
                    chart_series_set_categories(series, name, first, 1, last, 1)
                    chart_series_set_values(series, name, first, lxw_col_t(column), last, lxw_col_t(column))
                    chart_series_set_name(series, label)
                }
                // a bar chart's category axis runs upwards: reverse it so the largest department is on top
                chart_axis_set_reverse(chart.pointee.y_axis)
                chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue))
                var options = lxw_chart_options()
                options.x_scale = 1.3
                options.y_scale = min(6, max(1.2, Double(table.rows) / 8))
                book.record(worksheet_insert_chart_opt(sheet, anchorRow, anchorColumn, chart, &options))
            case "monthly":
                // months before the first mirrored instance have no data: the line starts after them
                let first = lxw_row_t(table.dataRows[min(table.firstDataIndex, table.dataRows.count - 1)])
                let chart = try book.addChart(.line)
                chart_title_set_name(chart, "月度趋势")
                for (column, label) in [(1, "创建"), (2, "已同意"), (4, "申请人数")] {
                    let series = chart_add_series(chart, nil, nil)
                    chart_series_set_categories(series, name, first, 0, last, 0)
                    chart_series_set_values(series, name, first, lxw_col_t(column), last, lxw_col_t(column))
                    chart_series_set_name(series, label)
                    chart_series_set_marker_type(series, UInt8(LXW_CHART_MARKER_AUTOMATIC.rawValue))
                }
                chart_axis_set_name(chart.pointee.y_axis, "实例 / 人")
                chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue))
                var options = lxw_chart_options()
                options.x_scale = 1.4
                options.y_scale = 1.2
                book.record(worksheet_insert_chart_opt(sheet, anchorRow, anchorColumn, chart, &options))
            default:
                continue
            }
            count += 1
        }
        return count
    }
}
