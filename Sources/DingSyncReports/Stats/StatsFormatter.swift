import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Renders ``Statistics`` for `dingsync stats --format table|json|csv`.
public enum StatsFormatter {
    public enum Format: String, Sendable, CaseIterable { case table, json, csv }

    public static func render(_ s: Statistics, format: Format) -> String {
        switch format {
        case .table: return table(s)
        case .json: return StatsJSON.encode(s).prettyText + "\n"
        case .csv: return csv(s)
        }
    }

    /// Aligned text sections for a terminal (Chinese characters count two columns).
    public static func table(_ s: Statistics) -> String {
        var out = "dingsync stats · \(StatsTime.period(s.options))\n"
        out += "生成于 \(StatsTime.text(s.options.now, timeZone: s.options.timeZone))\n"
        for table in StatsTables.all(s) {
            out += "\n== \(table.title) ==\n"
            if let note = table.note { out += note + "\n" }
            guard !table.rows.isEmpty else {
                out += "（无）\n"
                continue
            }
            out += aligned(table, timeZone: s.options.timeZone)
        }
        return out
    }

    /// Every table as a block: its title, its header row, its rows, an empty line; with a BOM.
    public static func csv(_ s: Statistics) -> String {
        var out = CSVText.byteOrderMark
        out += CSVText.line(["dingsync stats", StatsTime.period(s.options)])
        for table in StatsTables.all(s) {
            out += "\r\n" + CSVText.line([table.title])
            out += CSVText.line(table.columns)
            for row in table.rows { out += CSVText.line(row.map { $0.text(timeZone: s.options.timeZone) }) }
        }
        return out
    }

    static func aligned(_ table: StatsTable, timeZone: TimeZone) -> String {
        let texts = table.rows.map { $0.map { $0.text(timeZone: timeZone).replacingOccurrences(of: "\n", with: " ") } }
        var widths = table.columns.map(displayWidth)
        for row in texts {
            for (index, text) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], displayWidth(text))
            }
        }
        let numeric = table.columns.indices.map { column in
            table.rows.allSatisfy { column < $0.count && $0[column].isNumeric }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, text in
                let pad = String(repeating: " ", count: max(0, widths[index] - displayWidth(text)))
                return numeric[index] ? pad + text : text + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        var out = line(table.columns)
        out += line(widths.map { String(repeating: "-", count: $0) })
        for row in texts { out += line(row) }
        return out
    }

    /// Terminal columns a text takes: East Asian wide and fullwidth characters count two.
    public static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                return width + 2
            case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F:
                return width
            default:
                return width + 1
            }
        }
    }
}
