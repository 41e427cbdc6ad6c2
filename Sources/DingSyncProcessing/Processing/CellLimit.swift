import DingSyncBasics
import Foundation

/// Feishu's limit on one text cell (reference §5.1: 100,000 characters) and how a longer text
/// is cut to fit, with a visible marker. The full text stays in the state database's mirror.
///
/// Characters are counted as UTF-16 code units, the largest of the usual counts (a code unit
/// count is never below the scalar or the grapheme count), so a capped cell fits whichever
/// count Feishu applies; the cut never splits a character.
public enum CellLimit {
    public static let maxTextLength = 100_000

    /// The marker appended to a cut text; `%d` is the original length.
    static func marker(originalLength: Int) -> String {
        "\n…［已截断：原文 \(originalLength) 字，超过飞书单元格上限 \(maxTextLength) 字；全文见 dingsync 状态数据库］"
    }

    /// The text, cut to fit with the marker when it is too long; nil when it fits as it is.
    public static func capped(_ text: String) -> String? {
        let length = text.utf16.count
        guard length > maxTextLength else { return nil }
        let marker = marker(originalLength: length)
        let budget = maxTextLength - marker.utf16.count
        var used = 0
        var end = text.startIndex
        for character in text {
            let size = character.utf16.count
            guard used + size <= budget else { break }
            used += size
            end = text.index(after: end)
        }
        return String(text[..<end]) + marker
    }

    /// The row with every text cell capped; a warning per capped cell names instance and column.
    public static func cap(_ row: BitableRow, warnings: inout [String]) -> BitableRow {
        var row = row
        for index in row.fields.indices {
            guard case .text(let text) = row.fields[index].value, let short = capped(text) else { continue }
            row.fields[index].value = .text(short)
            warnings.append(
                "\(row.key): \(row.fields[index].name) has \(text.utf16.count) characters, more than a Bitable "
                    + "cell holds (\(maxTextLength)); written cut with a marker, the full text is kept in the state database"
            )
        }
        return row
    }
}
