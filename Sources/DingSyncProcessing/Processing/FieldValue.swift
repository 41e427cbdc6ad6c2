import DingSyncBasics
import Foundation

/// One cell value of a Bitable row, in the types the tables use (SPEC 4.1, 4.2).
///
/// Encoded as `{"text": "…"}`, `{"number": "1280.5"}` (decimal text, no binary rounding),
/// `{"datetime": 1743470123000}` or `{"empty": true}`.
public enum FieldValue: Sendable, Equatable, Hashable, Codable {
    /// A text cell.
    case text(String)
    /// A number cell (amount, duration, seq).
    case number(Decimal)
    /// A datetime cell, epoch milliseconds.
    case datetime(Int64)
    /// No value: the cell is cleared / left blank.
    case empty

    /// `.text`, or `.empty` for an empty string (rows never carry empty text).
    public static func textOrEmpty(_ text: String) -> FieldValue {
        text.isEmpty ? .empty : .text(text)
    }

    /// `.datetime` of a date in epoch milliseconds, or `.empty` for nil.
    public static func date(_ date: Date?) -> FieldValue {
        guard let date else { return .empty }
        return .datetime(DingTalkTime.epochMilliseconds(date))
    }

    /// A one-letter type tag for the canonical serialisation: `t`, `n`, `d`, `e`.
    public var typeTag: String {
        switch self {
        case .text: return "t"
        case .number: return "n"
        case .datetime: return "d"
        case .empty: return "e"
        }
    }

    /// The value as canonical text: text as is, decimals without trailing zeros
    /// (`1280.50` → `1280.5`, `-0` → `0`), datetimes as decimal epoch ms, empty as `""`.
    public var canonicalString: String {
        switch self {
        case .text(let text): return text
        case .number(let number): return Self.canonicalDecimal(number)
        case .datetime(let milliseconds): return String(milliseconds)
        case .empty: return ""
        }
    }

    /// Canonical decimal text: plain digits, `.` separator, no trailing fractional zeros.
    public static func canonicalDecimal(_ number: Decimal) -> String {
        var text = "\(number)"
        if text.contains("."), !text.contains("e"), !text.contains("E") {
            while text.hasSuffix("0") {
                text.removeLast()
            }
            if text.hasSuffix(".") {
                text.removeLast()
            }
        }
        return text == "-0" ? "0" : text
    }

    private enum CodingKeys: String, CodingKey {
        case text, number, datetime, empty
    }

    /// Decodes the single-key form written by ``encode(to:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try container.decodeIfPresent(String.self, forKey: .text) {
            self = .text(text)
        } else if let number = try container.decodeIfPresent(String.self, forKey: .number) {
            guard let decimal = Decimal(string: number, locale: Locale(identifier: "en_US_POSIX")) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .number, in: container, debugDescription: "\"\(number)\" is not a decimal number")
            }
            self = .number(decimal)
        } else if let milliseconds = try container.decodeIfPresent(Int64.self, forKey: .datetime) {
            self = .datetime(milliseconds)
        } else if container.contains(.empty) {
            self = .empty
        } else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath, debugDescription: "expected one of text, number, datetime, empty"))
        }
    }

    /// Encodes as a single-key object; numbers as canonical decimal text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text): try container.encode(text, forKey: .text)
        case .number(let number): try container.encode(Self.canonicalDecimal(number), forKey: .number)
        case .datetime(let milliseconds): try container.encode(milliseconds, forKey: .datetime)
        case .empty: try container.encode(true, forKey: .empty)
        }
    }
}
