import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// CSV as Excel reads it: UTF-8 with a byte-order mark (without it Excel shows Chinese text as
/// mojibake), RFC 4180 quoting, CRLF line ends.
public enum CSVText {
    /// The UTF-8 byte-order mark.
    public static let byteOrderMark = "\u{FEFF}"

    /// One field, quoted when it holds a comma, quote, CR or LF (quotes doubled), or starts or
    /// ends with a space.
    public static func field(_ text: String) -> String {
        let needsQuotes =
            text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || text.hasPrefix(" ") || text.hasSuffix(" ")
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// One record with its CRLF.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }
}
