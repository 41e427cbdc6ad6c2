import CXlsxWriter
import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Lays titled tables out on one sheet: a title row, the period, the generation time, then each
/// table (its title, note, bold header, rows, a blank row); freezes the rows above the first
/// table's data and sizes the columns to their contents.
enum SheetLayout {
    /// Where a table landed (0-based rows), for charts.
    struct Placed {
        var id: String
        var headerRow: Int
        var rows: Int
        var columns: Int
    }

    static func write(
        _ tables: [StatsTable], title: String, period: String, banner: String?, generated: String,
        on sheet: UnsafeMutablePointer<lxw_worksheet>, book: XlsxWorkbook
    ) -> [Placed] {
        book.write(sheet, 0, 0, text: title, style: .title)
        worksheet_set_row(sheet, 0, 24, nil)
        book.write(sheet, 1, 0, text: period + " · 生成于 " + generated, style: .subtitle)
        var row = 2
        if let banner {
            book.write(sheet, row, 0, text: banner, style: .sectionTitle)
            row += 1
        }
        row += 1
        var widths: [Int: Int] = [:]
        var placed: [Placed] = []
        for table in tables {
            book.write(sheet, row, 0, text: table.title, style: .sectionTitle)
            row += 1
            if let note = table.note {
                book.write(sheet, row, 0, text: note, style: .note)
                row += 1
            }
            for (column, header) in table.columns.enumerated() {
                book.write(sheet, row, column, text: header, style: .header)
                widths[column] = max(widths[column] ?? 0, StatsFormatter.displayWidth(header))
            }
            if placed.isEmpty { worksheet_freeze_panes(sheet, lxw_row_t(row + 1), 0) }
            placed.append(Placed(id: table.id, headerRow: row, rows: table.rows.count, columns: table.columns.count))
            row += 1
            if table.rows.isEmpty {
                book.write(sheet, row, 0, text: "（无）", style: .note)
                row += 1
            }
            for cells in table.rows {
                for (column, cell) in cells.enumerated() {
                    book.write(sheet, row, column, cell: cell)
                    let shown = cell.text(timeZone: book.timeZone)
                    widths[column] = max(
                        widths[column] ?? 0, StatsFormatter.displayWidth(shown) + (cell.isNumeric ? 2 : 0))
                }
                row += 1
            }
            row += 1
        }
        // print: A4 landscape, one page wide
        worksheet_set_landscape(sheet)
        worksheet_set_paper(sheet, 9)
        worksheet_fit_to_pages(sheet, 1, 0)
        for (column, width) in widths {
            let clamped = Double(min(max(width + 2, 8), 48))
            book.record(worksheet_set_column(sheet, lxw_col_t(column), lxw_col_t(column), clamped, nil))
        }
        return placed
    }
}
