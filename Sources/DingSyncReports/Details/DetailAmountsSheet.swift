import CXlsxWriter
import DingSyncBasics
import Foundation

/// The report's sheet 明细金额: detail-line amounts by category (``DetailAmounts``) with a bar
/// chart of the amounts per category.
enum DetailAmountsSheet {
    static let name = "明细金额"

    /// Adds the sheet to `book`; returns the number of charts written (0 without lines).
    static func write(
        _ amounts: [DetailCategoryAmount], statistics s: Statistics, period: ReportPeriod, book: XlsxWorkbook
    ) throws -> Int {
        let sheet = try book.addSheet(name)
        let table = DetailAmounts.table(amounts)
        let placed = SheetLayout.write(
            [table], title: "审批统计\(period.kind) · \(period.text) · \(name)", period: StatsTime.period(s.options),
            banner: nil, generated: StatsTime.text(s.options.now, timeZone: s.options.timeZone),
            footer: "&L审批统计\(period.kind) \(period.text)&C第 &P 页，共 &N 页&R\(name)",
            chartWidth: table.rows.isEmpty ? 0 : 360 * 1.3, on: sheet, book: book)
        guard let at = placed.first, at.rows > 0 else { return 0 }
        let first = lxw_row_t(at.dataRows.first ?? at.headerRow + 1)
        let last = lxw_row_t(at.dataRows.last ?? at.headerRow + at.rows)
        let chart = try book.addChart(.bar)
        chart_title_set_name(chart, "明细金额（按分类）")
        let series = chart_add_series(chart, nil, nil)
        // categories: the category column; values: the amount column
        chart_series_set_categories(series, name, first, 2, last, 2)
        chart_series_set_values(series, name, first, 5, last, 5)
        chart_series_set_name(series, "金额合计")
        chart_axis_set_reverse(chart.pointee.y_axis)
        chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_NONE.rawValue))
        var options = lxw_chart_options()
        options.x_scale = 1.3
        options.y_scale = min(6, max(1, Double(at.rows) / 12))
        book.record(
            worksheet_insert_chart_opt(sheet, lxw_row_t(at.headerRow), lxw_col_t(at.freeColumn + 1), chart, &options))
        return 1
    }
}
