import DingSyncBasics
import Foundation

/// Parsing of the time texts DingTalk returns (reference §3.4), without `DateFormatter`.
///
/// Digits are read by hand, so parsing is fast and thread-safe. Accepted shapes:
/// `yyyy-MM-dd`, `yyyy-MM-dd HH:mm`, `yyyy-MM-dd HH:mm:ss`, with `T` or a space between date
/// and time, optional fractional seconds, and an optional `Z`, `±HH:mm`, `±HHmm` or `±HH`.
/// An explicit numeric offset is always honoured; `Z` and a missing offset are read as the
/// API family's convention says.
public enum DingTalkTime {
    /// Asia/Shanghai (UTC+8), DingTalk's wall-clock zone and `sync.timezone`'s default.
    public static let defaultTimeZone: TimeZone =
        TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? TimeZone.current

    /// The UTC zone.
    public static let utc: TimeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? TimeZone.current

    /// Reads a legacy time: `yyyy-MM-dd HH:mm:ss` as wall clock in `timeZone`.
    ///
    /// Also accepts epoch-millisecond strings (12–13 digits, legacy task times), epoch seconds
    /// (10 digits), and the other shapes listed on the type. `Z` means UTC.
    /// Returns nil for text that is none of these.
    public static func parseLegacy(_ text: String, timeZone: TimeZone = defaultTimeZone) -> Date? {
        if let epoch = parseEpochDigits(text) {
            return epoch
        }
        guard let stamp = DingTalkTimestamp(text) else { return nil }
        switch stamp.offset {
        case .none: return stamp.date(in: timeZone)
        case .utc: return stamp.date(offsetSeconds: 0)
        case .seconds(let seconds): return stamp.date(offsetSeconds: seconds)
        }
    }

    /// Reads a new-API time (`yyyy-MM-ddTHH:mmZ`, seconds and fractions tolerated).
    ///
    /// `Z` or no offset: `.utc` reads the fields as UTC, `.local` as wall clock in `timeZone`.
    /// A real offset (`+08:00`) is honoured whatever the reading. Returns nil for other text.
    public static func parseNewAPI(
        _ text: String, reading: NewAPITimeReading, timeZone: TimeZone = defaultTimeZone
    ) -> Date? {
        guard let stamp = DingTalkTimestamp(text) else { return parseEpochDigits(text) }
        switch stamp.offset {
        case .seconds(let seconds):
            return stamp.date(offsetSeconds: seconds)
        case .none, .utc:
            switch reading {
            case .utc: return stamp.date(offsetSeconds: 0)
            case .local: return stamp.date(in: timeZone)
            }
        }
    }

    /// Epoch milliseconds of `date`, rounded to the nearest millisecond.
    /// Never traps: a date beyond what Int64 milliseconds hold is clamped (it is refused as a
    /// checkpoint long before; see `CheckpointStore`).
    public static func epochMilliseconds(_ date: Date) -> Int64 {
        let ms = (date.timeIntervalSince1970 * 1000).rounded()
        guard ms.isFinite else { return ms.isNaN ? 0 : (ms > 0 ? .max : .min) }
        guard ms < 9.2e18, ms > -9.2e18 else { return ms > 0 ? .max : .min }
        return Int64(ms)
    }

    /// `yyyy-MM-dd HH:mm:ss` of `date` in `timeZone` (for log lines and messages).
    public static func format(_ date: Date, in timeZone: TimeZone = utc) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let local = seconds + Int64(timeZone.secondsFromGMT(for: date))
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3600)):"
            + "\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))"
    }

    /// A string of 10 digits (epoch seconds) or 12–13 digits (epoch ms) as a date.
    static func parseEpochDigits(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let value = Int64(trimmed)
        else { return nil }
        switch trimmed.utf8.count {
        case 10: return Date(timeIntervalSince1970: Double(value))
        case 12, 13: return Date(timeIntervalSince1970: Double(value) / 1000)
        default: return nil
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
