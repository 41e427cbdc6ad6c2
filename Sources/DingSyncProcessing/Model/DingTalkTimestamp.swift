import DingSyncBasics
import Foundation

/// The fields of a DingTalk time text, read digit by digit (no `DateFormatter`).
///
/// Shape: `yyyy-MM-dd[( |T)HH:mm[:ss[.f…]]][Z|±HH[:]mm|±HH]`, surrounding whitespace ignored.
struct DingTalkTimestamp: Equatable, Sendable {
    /// The offset written in the text.
    enum Offset: Equatable, Sendable {
        /// No designator: a wall-clock time.
        case none
        /// `Z`.
        case utc
        /// A numeric offset east of UTC, in seconds.
        case seconds(Int)
    }

    var year: Int64
    var month: Int64
    var day: Int64
    var hour: Int64 = 0
    var minute: Int64 = 0
    var second: Int64 = 0
    /// Fractional seconds, 0 ≤ fraction < 1.
    var fraction: Double = 0
    var offset: Offset = .none

    init?(_ text: String) {
        var scanner = DigitScanner(text.trimmingCharacters(in: .whitespaces))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
        guard (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }

        if scanner.skip("T") || scanner.skip(" ") {
            guard let hour = scanner.number(digits: 2), scanner.skip(":"),
                let minute = scanner.number(digits: 2), hour < 24, minute < 60
            else { return nil }
            self.hour = hour
            self.minute = minute
            if scanner.skip(":") {
                guard let second = scanner.number(digits: 2), second < 60 else { return nil }
                self.second = second
                if scanner.skip(".") || scanner.skip(",") {
                    guard let fraction = scanner.fraction() else { return nil }
                    self.fraction = fraction
                }
            }
        }

        if scanner.skip("Z") || scanner.skip("z") {
            offset = .utc
        } else if let sign: Int = scanner.skip("+") ? 1 : (scanner.skip("-") ? -1 : nil) {
            guard let hours = scanner.number(digits: 2), hours <= 18 else { return nil }
            var minutes: Int64 = 0
            if !scanner.atEnd {
                _ = scanner.skip(":")
                guard let value = scanner.number(digits: 2), value < 60 else { return nil }
                minutes = value
            }
            offset = .seconds(sign * Int(hours * 3600 + minutes * 60))
        }
        guard scanner.atEnd else { return nil }
    }

    /// Seconds since the epoch if the fields were a UTC time.
    var secondsAsUTC: Int64 {
        DingTalkTime.days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// The instant the fields name at a fixed offset east of UTC.
    func date(offsetSeconds: Int) -> Date {
        Date(timeIntervalSince1970: Double(secondsAsUTC - Int64(offsetSeconds)) + fraction)
    }

    /// The instant the fields name as wall clock in `timeZone` (DST-aware).
    func date(in timeZone: TimeZone) -> Date {
        let wall = secondsAsUTC
        let firstOffset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wall))))
        let candidate = wall - firstOffset
        let secondOffset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(candidate))))
        let seconds = firstOffset == secondOffset ? candidate : wall - secondOffset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }
}

/// Reads ASCII digits and separators from the UTF-8 bytes of a string.
private struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var atEnd: Bool { index == bytes.count }

    /// Consumes `character` if it is next.
    mutating func skip(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue, index < bytes.count, bytes[index] == ascii else {
            return false
        }
        index += 1
        return true
    }

    /// Consumes exactly `digits` decimal digits.
    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for offset in 0..<digits {
            let byte = bytes[index + offset]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        index += digits
        return value
    }

    /// Consumes one or more digits after a decimal point, as a fraction below 1.
    mutating func fraction() -> Double? {
        var value = 0.0
        var scale = 0.1
        let start = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value += Double(bytes[index] - 0x30) * scale
            scale /= 10
            index += 1
        }
        return index > start ? value : nil
    }
}
