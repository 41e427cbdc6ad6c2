import Foundation

/// One cell of a statistics table: what it holds, so that each writer formats it its own way
/// (aligned text, CSV, an Excel number with a number format).
public enum StatsCell: Sendable, Equatable {
    case text(String)
    case integer(Int)
    /// A quantity shown with `places` decimals (days, hours, a factor); nil = "—".
    case number(Double?, places: Int)
    /// Money, 2 decimals; nil = "—".
    case amount(Double?)
    /// A fraction shown as a percentage with one decimal; nil = "—".
    case percent(Double?)
    /// An epoch-millisecond time shown in `sync.timezone`; nil = "—".
    case datetime(Int64?)

    /// The placeholder for a figure that does not exist (a rate of nothing, a mean of no values).
    public static let missing = "—"

    /// Plain text in `timeZone`: numbers without thousands separators, percentages like `75.0%`.
    public func text(timeZone: TimeZone) -> String {
        switch self {
        case .text(let text): return text
        case .integer(let value): return String(value)
        case .number(let value, let places): return StatsMath.rounded(value, places).map { String(format: "%.\(places)f", $0) } ?? Self.missing
        case .amount(let value): return StatsMath.rounded(value, 2).map { String(format: "%.2f", $0) } ?? Self.missing
        case .percent(let value): return StatsMath.rounded(value.map { $0 * 100 }, 1).map { String(format: "%.1f%%", $0) } ?? Self.missing
        case .datetime(let value): return value.map { StatsTime.text($0, timeZone: timeZone) } ?? Self.missing
        }
    }

    /// Whether the cell is a number (right-aligned in text tables).
    var isNumeric: Bool {
        if case .text = self { return false }
        if case .datetime = self { return false }
        return true
    }
}

/// A titled table of cells: one section of `stats` output and one block of a report sheet.
public struct StatsTable: Sendable, Equatable {
    /// A stable identifier (`overview`, `departments`, …), also the CSV section key.
    public var id: String
    public var title: String
    public var columns: [String]
    public var rows: [[StatsCell]]
    /// A line under the title: a definition, or why the table is empty.
    public var note: String?

    public init(id: String, title: String, columns: [String], rows: [[StatsCell]], note: String? = nil) {
        self.id = id
        self.title = title
        self.columns = columns
        self.rows = rows
        self.note = note
    }
}

/// Times as the tables show them.
public enum StatsTime {
    /// `yyyy-MM-dd HH:mm` in `timeZone`.
    public static func text(_ milliseconds: Int64, timeZone: TimeZone, seconds: Bool = false) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let base = String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
        return seconds ? base + String(format: ":%02d", c.second ?? 0) : base
    }

    /// The period line: "创建时间 2025-04-01 00:00 至 2025-04-30 23:59（Asia/Shanghai）· 模板 PROC-X".
    public static func period(_ options: StatsOptions) -> String {
        let from = options.from.map { text($0, timeZone: options.timeZone) } ?? "最早"
        let to = options.to.map { text($0, timeZone: options.timeZone) } ?? "最新"
        var line = "创建时间 \(from) 至 \(to)（\(options.timeZone.identifier)）"
        line += options.template.map { " · 模板 \($0)" } ?? " · 全部模板"
        return line
    }

    /// Seconds since 1970 → Excel's serial day number in `timeZone` (1900 date system).
    static func excelSerial(_ milliseconds: Int64, timeZone: TimeZone) -> Double {
        let seconds = Double(milliseconds) / 1000
        let offset = Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds)))
        return (seconds + offset) / 86_400 + 25_569
    }
}
