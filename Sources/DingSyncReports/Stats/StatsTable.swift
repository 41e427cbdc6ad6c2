import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
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
        case .number(let value, let places):
            return StatsMath.rounded(value, places).map { String(format: "%.\(places)f", $0) } ?? Self.missing
        case .amount(let value): return StatsMath.rounded(value, 2).map { String(format: "%.2f", $0) } ?? Self.missing
        case .percent(let value):
            return StatsMath.rounded(value.map { $0 * 100 }, 1).map { String(format: "%.1f%%", $0) } ?? Self.missing
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
