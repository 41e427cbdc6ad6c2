import CXlsxWriter
import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// A cell style of the reports and exports.
enum XlsxStyle: Hashable {
    case title, subtitle, note, sectionTitle, header, text, missing, integer, amount, percent, datetime
    /// A header over a column of numbers (right-aligned like them).
    case headerRight
    /// A note or banner merged across a table's width, wrapped.
    case wrappedNote, wrappedBanner
    /// A conditional format's highlight (overdue).
    case alert
    case decimal(Int)
}

/// A chart kind the reports use.
enum XlsxChartKind {
    case line, bar, pie

    var raw: UInt8 {
        switch self {
        case .line: return UInt8(LXW_CHART_LINE.rawValue)
        case .bar: return UInt8(LXW_CHART_BAR.rawValue)
        case .pie: return UInt8(LXW_CHART_PIE.rawValue)
        }
    }
}

/// A thin owner of one libxlsxwriter workbook: sheets, cached formats, typed cell writes and
/// charts. It writes to a temporary file next to `path` and renames it into place on
/// ``close()``, so a failed write never leaves a torn file behind.
final class XlsxWorkbook {
    /// Excel's longest cell text.
    static let maximumCellCharacters = 32_767
    /// Excel's last row index (0-based).
    static let maximumRow = 1_048_575

    let path: String
    private let temporaryPath: String
    private var workbook: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [XlsxStyle: UnsafeMutablePointer<lxw_format>] = [:]
    private var firstError: lxw_error?
    let timeZone: TimeZone

    init(path: String, timeZone: TimeZone) throws {
        self.path = path
        self.timeZone = timeZone
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw StatsError.cannotWrite(path: path, reason: "the folder \(folder) does not exist")
        }
        temporaryPath = folder + "/." + url.lastPathComponent + ".\(UUID().uuidString.prefix(8)).tmp"
        guard let workbook = workbook_new(temporaryPath) else {
            throw StatsError.cannotWrite(path: path, reason: "libxlsxwriter could not start a workbook")
        }
        self.workbook = workbook
    }

    deinit {
        if let workbook {
            workbook_close(workbook)
            try? FileManager.default.removeItem(atPath: temporaryPath)
        }
    }

    /// A new sheet (names are at most 31 characters, unique).
    func addSheet(_ name: String) throws -> UnsafeMutablePointer<lxw_worksheet> {
        guard let workbook, let sheet = workbook_add_worksheet(workbook, name) else {
            throw StatsError.cannotWrite(path: path, reason: "cannot add a sheet named \"\(name)\"")
        }
        return sheet
    }

    /// A chart to insert into a sheet.
    func addChart(_ kind: XlsxChartKind) throws -> UnsafeMutablePointer<lxw_chart> {
        guard let workbook, let chart = workbook_add_chart(workbook, kind.raw) else {
            throw StatsError.cannotWrite(path: path, reason: "cannot add a chart")
        }
        return chart
    }

    /// The format of a style, created once.
    func format(_ style: XlsxStyle) -> UnsafeMutablePointer<lxw_format>? {
        if let cached = formats[style] { return cached }
        guard let workbook, let format = workbook_add_format(workbook) else { return nil }
        if style != .alert { format_set_font_name(format, "Microsoft YaHei") }
        switch style {
        case .title:
            format_set_bold(format)
            format_set_font_size(format, 16)
            format_set_text_wrap(format)
            format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        case .subtitle:
            format_set_font_color(format, 0x595959)
            format_set_text_wrap(format)
            format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        case .note:
            format_set_italic(format)
            format_set_font_color(format, 0x7F7F7F)
        case .sectionTitle:
            format_set_bold(format)
            format_set_font_size(format, 12)
        case .header:
            format_set_bold(format)
            format_set_bg_color(format, 0xDDEBF7)
            format_set_bottom(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_text_wrap(format)
            format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue))
        case .headerRight:
            format_set_bold(format)
            format_set_bg_color(format, 0xDDEBF7)
            format_set_bottom(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_text_wrap(format)
            format_set_align(format, UInt8(LXW_ALIGN_RIGHT.rawValue))
            format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue))
        case .wrappedNote:
            format_set_italic(format)
            format_set_font_color(format, 0x7F7F7F)
            format_set_text_wrap(format)
            format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        case .wrappedBanner:
            format_set_bold(format)
            format_set_font_size(format, 12)
            format_set_text_wrap(format)
            format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        case .alert:
            format_set_bg_color(format, 0xFFC7CE)
            format_set_font_color(format, 0x9C0006)
        case .text:
            break
        case .missing:
            format_set_align(format, UInt8(LXW_ALIGN_RIGHT.rawValue))
            format_set_font_color(format, 0x7F7F7F)
        case .integer:
            format_set_num_format(format, "0")
        case .amount:
            format_set_num_format(format, "#,##0.00")
        case .percent:
            format_set_num_format(format, "0.0%")
        case .datetime:
            format_set_num_format(format, "yyyy-mm-dd hh:mm:ss")
        case .decimal(let places):
            format_set_num_format(format, places <= 0 ? "0" : "0." + String(repeating: "0", count: places))
        }
        formats[style] = format
        return format
    }

    /// Writes text, cut to Excel's cell limit.
    func write(
        _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ row: Int, _ column: Int, text: String, style: XlsxStyle = .text
    ) {
        var value = text
        if value.unicodeScalars.count > Self.maximumCellCharacters {
            value = String(String.UnicodeScalarView(value.unicodeScalars.prefix(Self.maximumCellCharacters - 1))) + "…"
        }
        record(worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), value, format(style)))
    }

    func write(
        _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ row: Int, _ column: Int, number: Double, style: XlsxStyle
    ) {
        record(worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column), number, format(style)))
    }

    /// Writes a statistics cell as a number with its format; nil figures as "—", empty ones
    /// blank when `blankMissing`.
    func write(
        _ sheet: UnsafeMutablePointer<lxw_worksheet>, _ row: Int, _ column: Int, cell: StatsCell,
        blankMissing: Bool = false
    ) {
        func missing() {
            if !blankMissing { write(sheet, row, column, text: StatsCell.missing, style: .missing) }
        }
        switch cell {
        case .text(let text): write(sheet, row, column, text: text)
        case .integer(let value): write(sheet, row, column, number: Double(value), style: .integer)
        case .number(let value, let places):
            if let value = StatsMath.rounded(value, places) {
                write(sheet, row, column, number: value, style: .decimal(places))
            } else {
                missing()
            }
        case .amount(let value):
            if let value = StatsMath.rounded(value, 2) {
                write(sheet, row, column, number: value, style: .amount)
            } else {
                missing()
            }
        case .percent(let value):
            if let value = StatsMath.rounded(value, 6) {
                write(sheet, row, column, number: value, style: .percent)
            } else {
                missing()
            }
        case .datetime(let value):
            if let value {
                write(sheet, row, column, number: StatsTime.excelSerial(value, timeZone: timeZone), style: .datetime)
            } else {
                missing()
            }
        }
    }

    /// Remembers the first failed write, reported by ``close()``.
    func record(_ error: lxw_error) {
        if error != LXW_NO_ERROR, firstError == nil { firstError = error }
    }

    /// Writes the file and moves it into place.
    func close() throws {
        guard let workbook else { return }
        self.workbook = nil
        let closed = workbook_close(workbook)
        let failure = firstError ?? (closed == LXW_NO_ERROR ? nil : closed)
        if let failure {
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw StatsError.cannotWrite(path: path, reason: String(cString: lxw_strerror(failure)))
        }
        chmod(temporaryPath, 0o600)  // names and form contents: owner only
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw StatsError.cannotWrite(path: path, reason: reason)
        }
    }
}
