import CXlsxWriter
import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Lays titled tables out on one sheet so that it reads right on screen and on paper: a title
/// row and the period (repeated at the top of every printed page), then each table (its title,
/// its note wrapped across the table, its header — right-aligned over numbers — and its rows).
///
/// Printing is laid out here rather than left to the viewer: A4 landscape at a print scale that
/// fits the widest table (and the charts beside it) to the page width, page numbers in the
/// footer, and manual page breaks so that a table that runs on to the next page starts that page
/// with its header row again; a table never starts in the last rows of a page. A sheet with one
/// table freezes its header; a sheet with several freezes only the title rows (a frozen header
/// would sit over the wrong table).
enum SheetLayout {
    /// Where a table landed (0-based rows), for charts and conditional formats.
    struct Placed {
        var id: String
        var headerRow: Int
        var rows: Int
        var columns: Int
        /// Every row that holds the table's data (a page break repeats the header between them).
        var dataRows: [Int]
        /// The index of the first row with data (rows before it say "no data").
        var firstDataIndex = 0
        /// The sheet's first column free of tables (charts go one column after it).
        var freeColumn = 0
    }

    /// Page geometry in points: A4 landscape, margins in inches as set below.
    static let pageWidth = 842.0 - (0.4 + 0.4) * 72
    static let pageHeight = 595.0 - (0.7 + 0.6) * 72
    static let rowHeight = 16.0
    static let titleHeight = 24.0
    /// Room kept free on every page, for fonts that render taller or wider than planned (LibreOffice
    /// sizes columns a little wider than Excel).
    static let safety = 0.92
    static let widthSafety = 1.15
    /// A column without a width of its own (Excel's 8.43 characters), in points.
    static let defaultColumn = 48.0
    /// The widest a column gets (characters): long texts are cut on screen rather than shrinking
    /// every page to an unreadable scale.
    static let maximumWidth = 40

    /// Column width in characters → points, as Excel sizes a column (7 px per character + 5 px).
    static func points(_ width: Double) -> Double { (width * 7 + 5) * 0.75 }

    static func write(
        _ tables: [StatsTable], title: String, period: String, banner: String?, generated: String,
        footer: String, chartWidth: Double = 0, on sheet: UnsafeMutablePointer<lxw_worksheet>, book: XlsxWorkbook
    ) -> [Placed] {
        // widths first: they decide the print scale, which decides how many rows fit on a page
        var widths: [Int: Int] = [:]
        for table in tables {
            for (column, header) in table.columns.enumerated() {
                widths[column] = max(widths[column] ?? 0, StatsFormatter.displayWidth(header))
            }
            for cells in table.rows {
                for (column, cell) in cells.enumerated() {
                    // a time shows with seconds (yyyy-mm-dd hh:mm:ss); numbers get room for separators
                    let shown = cell.text(timeZone: book.timeZone)
                    let width: Int
                    if case .datetime(.some) = cell {
                        width = 19
                    } else {
                        width = StatsFormatter.displayWidth(shown) + (cell.isNumeric ? 2 : 0)
                    }
                    widths[column] = max(widths[column] ?? 0, width)
                }
            }
        }
        let columnCount = max(1, (widths.keys.max() ?? 0) + 1)
        // the cells' font (Microsoft YaHei, or the CJK font a viewer puts in its place) is about 15 %
        // wider than the digit of the workbook's default font that column widths are counted in
        let finalWidths = (0..<columnCount).map {
            Double(min(max(Int((Double(widths[$0] ?? 0) * 1.15).rounded(.up)) + 2, 8), maximumWidth))
        }
        let tableWidth = finalWidths.reduce(0) { $0 + points($1) }
        // a chart sits one empty column after the tables (``ReportWriter``)
        let needed = (tableWidth + (chartWidth > 0 ? defaultColumn + chartWidth : 0)) * widthSafety
        let scale = max(30, min(100, Int((pageWidth / needed * 100).rounded(.down))))
        let capacity = pageHeight / (Double(scale) / 100) * safety
        let periodLine = period + " · 生成于 " + generated

        /// The height of a text wrapped across the first `columns` columns (a Chinese character
        /// is a little wider than two digits; `size` is the font size relative to 11 pt).
        // the sheet-wide rows (title, period, banner) may use the page's whole width: empty columns
        // of the default width after the tables, up to the page's edge (charts sit there)
        let spare = pageWidth / (Double(scale) / 100) / widthSafety - tableWidth
        let extraColumns = max(0, Int(spare / defaultColumn))
        let sheetSpan = columnCount + extraColumns
        func room(_ columns: Int) -> Double {
            finalWidths.prefix(max(columns, 1)).reduce(0, +) + Double(max(0, columns - columnCount)) * 8.43
        }

        func textHeight(_ text: String, across columns: Int, size: Double = 1, line: Double = rowHeight) -> Double {
            let room = room(columns)
            let needed = Double(StatsFormatter.displayWidth(text)) * 1.15 * size
            let lines = max(1, Int((needed / max(room - 1, 8)).rounded(.up)))
            return Double(lines) * line
        }

        let periodHeight = textHeight(periodLine, across: sheetSpan)
        let titleRowHeight = textHeight(title, across: sheetSpan, size: 16.0 / 11, line: titleHeight)
        let repeated = titleRowHeight + periodHeight  // title and period, on every page
        var row = 0
        var used = 0.0
        var breaks: [lxw_row_t] = []
        // every row gets its height set: a viewer must not grow rows (its fonts differ) and so move
        // the page breaks planned here
        func fixed(_ row: Int) { worksheet_set_row(sheet, lxw_row_t(row), rowHeight, nil) }
        func newPage() {
            guard breaks.count < 1000 else { return }  // Excel's limit is 1,023 breaks per sheet
            breaks.append(lxw_row_t(row))
            used = repeated
        }

        // merged across the tables' width: a title overflowing to the right would add a page of
        // empty columns to the print
        merged(title, row: row, columns: sheetSpan, style: .title, height: titleRowHeight, sheet, book)
        row += 1
        merged(periodLine, row: row, columns: sheetSpan, style: .subtitle, height: periodHeight, sheet, book)
        row += 1
        used = repeated
        if let banner {
            let height = textHeight(banner, across: sheetSpan)
            merged(banner, row: row, columns: sheetSpan, style: .wrappedBanner, height: height, sheet, book)
            row += 1
            used += height
        }
        fixed(row)
        row += 1
        used += rowHeight

        var placed: [Placed] = []
        for table in tables {
            let span = max(table.columns.count, 1)
            let noteSpan = max(span, sheetSpan)
            let noteHeight = table.note.map { textHeight($0, across: noteSpan) } ?? 0
            // a table starts on a new page rather than with fewer than three of its rows
            let opening = rowHeight + noteHeight + rowHeight * Double(1 + min(max(table.rows.count, 1), 3))
            if used + opening > capacity, used > repeated + rowHeight { newPage() }
            book.write(sheet, row, 0, text: table.title, style: .sectionTitle)
            fixed(row)
            row += 1
            used += rowHeight
            if let note = table.note {
                merged(note, row: row, columns: noteSpan, style: .wrappedNote, height: noteHeight, sheet, book)
                row += 1
                used += noteHeight
            }
            let numeric = table.columns.indices.map { column in
                !table.rows.isEmpty && table.rows.allSatisfy { column < $0.count && isNumber($0[column]) }
            }
            func header() {
                for (column, name) in table.columns.enumerated() {
                    book.write(sheet, row, column, text: name, style: numeric[column] ? .headerRight : .header)
                }
                fixed(row)
                row += 1
                used += rowHeight
            }
            let headerRow = row
            header()
            var dataRows: [Int] = []
            if table.rows.isEmpty {
                book.write(sheet, row, 0, text: "（无）", style: .note)
                fixed(row)
                row += 1
                used += rowHeight
            }
            for cells in table.rows {
                if used + rowHeight > capacity {
                    newPage()
                    header()
                }
                for (column, cell) in cells.enumerated() {
                    if cell == .text(StatsTables.noData) {
                        book.write(sheet, row, column, text: StatsTables.noData, style: .missing)
                    } else {
                        book.write(sheet, row, column, cell: cell)
                    }
                }
                dataRows.append(row)
                fixed(row)
                row += 1
                used += rowHeight
            }
            placed.append(
                Placed(
                    id: table.id, headerRow: headerRow, rows: table.rows.count, columns: table.columns.count,
                    dataRows: dataRows,
                    firstDataIndex: table.rows.firstIndex { $0.dropFirst().first != .text(StatsTables.noData) } ?? 0,
                    freeColumn: columnCount))
            fixed(row)
            row += 1
            used += rowHeight
        }

        if tables.count == 1, let only = placed.first {
            worksheet_freeze_panes(sheet, lxw_row_t(only.headerRow + 1), 0)
        } else {
            worksheet_freeze_panes(sheet, 2, 0)
        }
        worksheet_set_default_row(sheet, rowHeight, 0)
        worksheet_set_landscape(sheet)
        worksheet_set_paper(sheet, 9)
        worksheet_set_margins(sheet, 0.4, 0.4, 0.7, 0.6)
        worksheet_set_print_scale(sheet, UInt16(scale))
        book.record(worksheet_repeat_rows(sheet, 0, 1))
        book.record(worksheet_set_footer(sheet, footer))
        if !breaks.isEmpty {
            var terminated = breaks + [0]
            book.record(worksheet_set_h_pagebreaks(sheet, &terminated))
        }
        for (column, width) in finalWidths.enumerated() {
            book.record(worksheet_set_column(sheet, lxw_col_t(column), lxw_col_t(column), width, nil))
        }
        for table in placed { conditionalFormats(table, tables.first { $0.id == table.id }, sheet, book) }
        return placed
    }

    /// A number the header should align with: every numeric cell, and the placeholders of
    /// figures that do not exist.
    static func isNumber(_ cell: StatsCell) -> Bool {
        if case .datetime = cell { return true }  // Excel right-aligns dates like numbers
        return cell.isNumeric || cell == .text(StatsTables.noData)
    }

    /// Text merged across `columns` cells of a row, `height` points tall.
    static func merged(
        _ text: String, row: Int, columns: Int, style: XlsxStyle, height: Double,
        _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ book: XlsxWorkbook
    ) {
        if columns > 1 {
            book.record(
                worksheet_merge_range(
                    sheet, lxw_row_t(row), 0, lxw_row_t(row), lxw_col_t(columns - 1), text, book.format(style)))
        } else {
            book.write(sheet, row, 0, text: text, style: style)
        }
        worksheet_set_row(sheet, lxw_row_t(row), height, nil)
    }

    /// Rates read at a glance (red below 80 %, green at 100 %) and overdue figures in red.
    static func conditionalFormats(
        _ placed: Placed, _ table: StatsTable?, _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ book: XlsxWorkbook
    ) {
        guard let table else { return }
        // contiguous runs of data rows: a repeated header between them must not be formatted
        var runs: [(Int, Int)] = []
        for row in placed.dataRows {
            if let last = runs.last, last.1 + 1 == row { runs[runs.count - 1].1 = row } else { runs.append((row, row)) }
        }
        for (first, last) in runs { conditionalFormats(table, first, last, sheet, book) }
    }

    static func conditionalFormats(
        _ table: StatsTable, _ first: Int, _ last: Int, _ sheet: UnsafeMutablePointer<lxw_worksheet>,
        _ book: XlsxWorkbook
    ) {
        for (column, name) in table.columns.enumerated() {
            if name.contains("通过率") || name.contains("达成率") || name.contains("同意率") {
                var rule = lxw_conditional_format()
                rule.type = UInt8(LXW_CONDITIONAL_3_COLOR_SCALE.rawValue)
                rule.min_rule_type = UInt8(LXW_CONDITIONAL_RULE_TYPE_NUMBER.rawValue)
                rule.min_value = 0.5
                rule.min_color = 0xF8696B
                rule.mid_rule_type = UInt8(LXW_CONDITIONAL_RULE_TYPE_NUMBER.rawValue)
                rule.mid_value = 0.8
                rule.mid_color = 0xFFEB84
                rule.max_rule_type = UInt8(LXW_CONDITIONAL_RULE_TYPE_NUMBER.rawValue)
                rule.max_value = 1
                rule.max_color = 0x63BE7B
                book.record(
                    worksheet_conditional_format_range(
                        sheet, lxw_row_t(first), lxw_col_t(column), lxw_row_t(last), lxw_col_t(column), &rule))
            } else if name.hasPrefix("超期") || name == "超期待办" || name.hasPrefix("审批中·已超时")
                || name == "超时完结" || name.hasPrefix("最长超期")
            {
                var rule = lxw_conditional_format()
                rule.type = UInt8(LXW_CONDITIONAL_TYPE_CELL.rawValue)
                rule.criteria = UInt8(LXW_CONDITIONAL_CRITERIA_GREATER_THAN.rawValue)
                rule.value = 0
                rule.format = book.format(.alert)
                book.record(
                    worksheet_conditional_format_range(
                        sheet, lxw_row_t(first), lxw_col_t(column), lxw_row_t(last), lxw_col_t(column), &rule))
            }
        }
    }
}
