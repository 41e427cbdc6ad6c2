import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Times as the tables show them.
public enum StatsTime {
    /// `yyyy-MM-dd HH:mm` in `timeZone`.
    public static func text(_ milliseconds: Int64, timeZone: TimeZone, seconds: Bool = false) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let base = String(
            format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
        return seconds ? base + String(format: ":%02d", c.second ?? 0) : base
    }

    /// The period line: "创建时间 2025-04-01 00:00 至 2025-04-30 23:59（Asia/Shanghai）· 模板 PROC-X";
    /// a period still running says so ("至今", to date).
    public static func period(_ options: StatsOptions) -> String {
        let from = options.from.map { text($0, timeZone: options.timeZone) } ?? "最早"
        let to = options.to.map { text($0, timeZone: options.timeZone) } ?? "最新"
        var line = "创建时间 \(from) 至 \(to)（\(options.timeZone.identifier)）"
        if let end = options.to, end > options.now, (options.from ?? Int64.min) <= options.now {
            line += " · 至今（截至 \(text(options.now, timeZone: options.timeZone))，本期尚未结束）"
        }
        line += options.template.map { " · 模板 \($0)" } ?? " · 全部模板"
        return line
    }

    /// Seconds since 1970 → Excel's serial day number in `timeZone` (1900 date system).
    static func excelSerial(_ milliseconds: Int64, timeZone: TimeZone) -> Double {
        let seconds = Double(milliseconds) / 1000
        let offset = Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds)))
        return (seconds + offset) / 86_400 + 25_569
    }
}
