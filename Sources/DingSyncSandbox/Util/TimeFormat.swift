import Foundation

/// Calendar arithmetic and the time formats of both platforms, without DateFormatter
/// (fast, thread-safe, and the same on every machine).
enum TimeFormat {
    static let beijingOffset = 8 * 3600
    static let dayMs: Int64 = 86_400_000

    struct Parts: Equatable, Sendable {
        var year, month, day, hour, minute, second, millisecond: Int
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(days z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    static func parts(ms: Int64, offsetSeconds: Int) -> Parts {
        let local = ms + Int64(offsetSeconds) * 1000
        var days = local / dayMs
        var rest = local % dayMs
        if rest < 0 {
            rest += dayMs
            days -= 1
        }
        let (y, mo, d) = civil(days: days)
        let secs = Int(rest / 1000)
        return Parts(
            year: y, month: mo, day: d, hour: secs / 3600, minute: secs / 60 % 60, second: secs % 60,
            millisecond: Int(rest % 1000))
    }

    static func ms(_ p: Parts, offsetSeconds: Int) -> Int64 {
        let d = days(year: p.year, month: p.month, day: p.day)
        return (d * 86_400 + Int64(p.hour * 3600 + p.minute * 60 + p.second) - Int64(offsetSeconds)) * 1000
            + Int64(p.millisecond)
    }

    /// Midnight (Beijing time) of the day containing `ms`.
    static func startOfDay(_ ms: Int64) -> Int64 {
        var p = parts(ms: ms, offsetSeconds: beijingOffset)
        p.hour = 0
        p.minute = 0
        p.second = 0
        p.millisecond = 0
        return self.ms(p, offsetSeconds: beijingOffset)
    }

    static func pad(_ v: Int, _ width: Int = 2) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Legacy API: `yyyy-MM-dd HH:mm:ss`, Beijing wall time.
    static func legacy(_ ms: Int64) -> String {
        let p = parts(ms: ms, offsetSeconds: beijingOffset)
        return "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day)) \(pad(p.hour)):\(pad(p.minute)):\(pad(p.second))"
    }

    /// New API: `yyyy-MM-ddTHH:mmZ`, Beijing wall time with a `Z` (as captured) or true UTC.
    static func newAPI(_ ms: Int64, beijing: Bool) -> String {
        let p = parts(ms: ms, offsetSeconds: beijing ? beijingOffset : 0)
        return "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day))T\(pad(p.hour)):\(pad(p.minute))Z"
    }

    /// `yyyy-MM-dd` in Beijing time.
    static func date(_ ms: Int64) -> String {
        let p = parts(ms: ms, offsetSeconds: beijingOffset)
        return "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day))"
    }

    /// `yyyyMMddHHmm` in Beijing time (the head of a businessId).
    static func compactMinute(_ ms: Int64) -> String {
        let p = parts(ms: ms, offsetSeconds: beijingOffset)
        return "\(pad(p.year, 4))\(pad(p.month))\(pad(p.day))\(pad(p.hour))\(pad(p.minute))"
    }

    /// ISO 8601 in UTC with milliseconds, for admin output.
    static func iso(_ ms: Int64) -> String {
        let p = parts(ms: ms, offsetSeconds: 0)
        return
            "\(pad(p.year, 4))-\(pad(p.month))-\(pad(p.day))T\(pad(p.hour)):\(pad(p.minute)):\(pad(p.second)).\(pad(p.millisecond, 3))Z"
    }

    /// RFC 7231 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT` (the HTTP `Date` header).
    static func httpDate(_ ms: Int64) -> String {
        let p = parts(ms: ms, offsetSeconds: 0)
        let day = days(year: p.year, month: p.month, day: p.day)
        let weekday = Int(((day + 4) % 7 + 7) % 7)  // 1970-01-01 was a Thursday
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[weekday]), \(pad(p.day)) \(months[p.month - 1]) \(pad(p.year, 4)) "
            + "\(pad(p.hour)):\(pad(p.minute)):\(pad(p.second)) GMT"
    }

    /// The machine's wall clock in epoch milliseconds.
    static func wallNowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// Parses a point in time: ISO 8601 (`2025-04-01T09:15:00Z`, `…+08:00`, fractional seconds
    /// allowed), `yyyy-MM-dd HH:mm[:ss]` and `yyyy-MM-dd` (Beijing time when no offset), or
    /// an epoch number (13 digits = ms, 10 digits = s).
    static func parse(_ input: String) -> Int64? {
        let s = input.trimmingSpaces
        if !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int64(s) {
            return s.count <= 10 ? n * 1000 : n
        }
        let chars = Array(s)
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= chars.count else { return nil }
            var v = 0
            for c in chars[i..<(i + count)] {
                guard let d = c.wholeNumberValue, c.isASCII else { return nil }
                v = v * 10 + d
            }
            i += count
            return v
        }
        func eat(_ c: Character) -> Bool {
            if i < chars.count, chars[i] == c {
                i += 1
                return true
            }
            return false
        }
        guard let year = number(4), eat("-"), let month = number(2), eat("-"), let day = number(2) else { return nil }
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        var p = Parts(year: year, month: month, day: day, hour: 0, minute: 0, second: 0, millisecond: 0)
        if i < chars.count, chars[i] == "T" || chars[i] == " " {
            i += 1
            guard let h = number(2), eat(":"), let mi = number(2) else { return nil }
            p.hour = h
            p.minute = mi
            if eat(":") {
                guard let sec = number(2) else { return nil }
                p.second = sec
                if eat(".") || eat(",") {
                    var frac = ""
                    while i < chars.count, chars[i].wholeNumberValue != nil, chars[i].isASCII {
                        frac.append(chars[i])
                        i += 1
                    }
                    let padded = (frac + "000").prefix(3)
                    p.millisecond = Int(padded) ?? 0
                }
            }
            guard p.hour < 24, p.minute < 60, p.second < 61 else { return nil }
        }
        var offset = beijingOffset
        if i < chars.count {
            if chars[i] == "Z" || chars[i] == "z" {
                offset = 0
                i += 1
            } else if chars[i] == "+" || chars[i] == "-" {
                let sign = chars[i] == "-" ? -1 : 1
                i += 1
                guard let oh = number(2) else { return nil }
                _ = eat(":")
                let om = number(2) ?? 0
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == chars.count else { return nil }
        return ms(p, offsetSeconds: offset)
    }
}
