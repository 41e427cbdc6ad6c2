import DingSyncBasics
import DingSyncProcessing
import Foundation

/// The API server's clock as its answers tell it (the HTTP `Date` header), against ours.
///
/// DingTalk lists instances by creation time on *its* clock: a local clock that runs ahead
/// would move the checkpoint past instances not yet created there, and lose them. The run
/// therefore plans its windows on the server's time when the two differ.
public struct ServerClock: Sendable, Equatable {
    /// Server time minus local time when the answer arrived, in seconds (a `Date` header has
    /// whole seconds: ±1 s).
    public var offset: TimeInterval
    public var observedAt: Date

    public init(offset: TimeInterval, observedAt: Date) {
        self.offset = offset
        self.observedAt = observedAt
    }

    /// Offsets below this are the header's rounding and network time, not a wrong clock.
    public static let tolerance: TimeInterval = 60

    /// Whether the clocks differ by more than ``tolerance``.
    public var isSkewed: Bool { abs(offset) > Self.tolerance }

    /// "ahead of DingTalk by 1 d 0 h" / "behind …".
    public func describe(platform: String) -> String {
        "the local clock is \(offset < 0 ? "ahead of" : "behind") \(platform)'s by \(TimeText.age(abs(offset)))"
    }

    /// Reads an RFC 7231 `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`; the obsolete RFC 850
    /// and asctime forms too).
    public static func parseHTTPDate(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let fixed = parseIMFFixdate(trimmed) { return fixed }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date }
        }
        return nil
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT`, the form every current server sends, without a formatter
    /// (this runs on every answer).
    static func parseIMFFixdate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]),
            let month = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]),
            (0...60).contains(clock[2])
        else { return nil }
        // days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil)
        let y = month < 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = month + 1
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2]))
    }
}
