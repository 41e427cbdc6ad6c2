import Foundation

/// A `--start-time` / `--end-time` value that could not be read.
public struct TimeArgumentError: Error, Sendable, Equatable, LocalizedError {
    public var flag: String
    public var value: String

    public var errorDescription: String? {
        "\(flag) \"\(value)\" is not a time I understand. Use yyyy-MM-dd HH:mm:ss, yyyy-MM-dd HH:mm, yyyy-MM-dd, or ISO 8601 with an offset (2025-04-01T09:15:00+08:00)."
    }
}

/// Parses the time formats of SPEC section 2 for the command line.
public enum TimeArgument {
    /// Whether a date-only value means the start or the end of that day.
    public enum Role: Sendable { case start, end }

    /// Parses `text`; a time without offset is read in `timeZone`. A bare date is the
    /// start of the day for `.start` and its last millisecond for `.end`.
    public static func parse(_ text: String, role: Role, timeZone: TimeZone, flag: String) throws(TimeArgumentError)
        -> Date
    {
        let value = text.trimmingCharacters(in: .whitespaces)
        let failure = TimeArgumentError(flag: flag, value: text)
        guard let parts = split(value) else { throw failure }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = parts.offsetSeconds.flatMap { TimeZone(secondsFromGMT: $0) } ?? timeZone
        var components = DateComponents(
            year: parts.year, month: parts.month, day: parts.day,
            hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0)
        components.nanosecond = parts.millisecond.map { $0 * 1_000_000 }
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { throw failure }
        if parts.hour == nil, role == .end {
            guard let next = calendar.date(byAdding: .day, value: 1, to: date) else { throw failure }
            return next.addingTimeInterval(-0.001)
        }
        return date
    }

    private struct Parts {
        var year: Int, month: Int, day: Int
        var hour: Int?, minute: Int?, second: Int?, millisecond: Int?
        var offsetSeconds: Int?
    }

    /// `yyyy-MM-dd[( |T)HH:mm[:ss[.SSS]]][Z|±HH:mm|±HHmm]`, strictly.
    private static func split(_ s: String) -> Parts? {
        let c = Array(s.utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= c.count else { return nil }
            var v = 0
            for i in from..<(from + len) {
                guard c[i] >= 48, c[i] <= 57 else { return nil }
                v = v * 10 + Int(c[i] - 48)
            }
            return v
        }
        guard c.count >= 10, let y = num(0, 4), c[4] == UInt8(ascii: "-"), let mo = num(5, 2),
            c[7] == UInt8(ascii: "-"), let d = num(8, 2)
        else { return nil }
        var p = Parts(year: y, month: mo, day: d)
        var i = 10
        if i == c.count { return p }
        guard c[i] == UInt8(ascii: " ") || c[i] == UInt8(ascii: "T"), let h = num(i + 1, 2),
            i + 3 < c.count, c[i + 3] == UInt8(ascii: ":"), let mi = num(i + 4, 2)
        else { return nil }
        p.hour = h
        p.minute = mi
        i += 6
        if i < c.count, c[i] == UInt8(ascii: ":") {
            guard let sec = num(i + 1, 2) else { return nil }
            p.second = sec
            i += 3
            if i < c.count, c[i] == UInt8(ascii: ".") {
                var j = i + 1
                var digits = 0
                var ms = 0
                while j < c.count, c[j] >= 48, c[j] <= 57 {
                    if digits < 3 { ms = ms * 10 + Int(c[j] - 48) }
                    digits += 1
                    j += 1
                }
                guard digits > 0 else { return nil }
                if digits < 3 { for _ in digits..<3 { ms *= 10 } }
                p.millisecond = ms
                i = j
            }
        }
        if i == c.count { return p }
        if c[i] == UInt8(ascii: "Z"), i + 1 == c.count {
            p.offsetSeconds = 0
            return p
        }
        guard c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-"), let oh = num(i + 1, 2) else { return nil }
        var om = 0
        if i + 3 == c.count {
            om = 0
        } else if c.count == i + 6, c[i + 3] == UInt8(ascii: ":"), let m = num(i + 4, 2) {
            om = m
        } else if c.count == i + 5, let m = num(i + 3, 2) {
            om = m
        } else {
            return nil
        }
        guard oh <= 14, om < 60 else { return nil }
        p.offsetSeconds = (c[i] == UInt8(ascii: "-") ? -1 : 1) * (oh * 3600 + om * 60)
        return p
    }
}
