import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore
import Foundation

/// DingTalk calls this calendar month against `dingtalk.monthly_quota`, and where the month
/// ends at the current rate. Pure.
///
/// The projection is linear: calls so far ÷ time elapsed × length of the month, with the
/// elapsed time counted as at least one day (so that the first run of a month does not
/// project a thousandfold). Token and contacts calls are exempt from the quota (reference
/// §7) and are not counted.
public struct QuotaProjection: Sendable, Equatable {
    /// DingTalk APIs the monthly quota does not count.
    public static let exemptAPIs: Set<String> = ["oauth2/accessToken", "gettoken", "user/get", "department/get"]

    /// Calls counted against the quota so far this month.
    public var used: Int
    /// `dingtalk.monthly_quota`; 0 = not tracked.
    public var quota: Int
    /// Calls expected by the end of the month at the current rate.
    public var projected: Int
    /// `yyyy-MM` in `sync.timezone`.
    public var month: String

    public init(calls: [String: Int], quota: Int, now: Date, timeZone: TimeZone) {
        used = Self.counted(calls)
        self.quota = quota
        month = Self.monthKey(now, timeZone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.dateInterval(of: .month, for: now)
        let length = start?.duration ?? 30 * 86_400
        let elapsed = max(86_400, now.timeIntervalSince(start?.start ?? now))
        projected = elapsed >= length ? used : Int((Double(used) * length / elapsed).rounded(.up))
    }

    /// Calls that count against the quota.
    public static func counted(_ calls: [String: Int]) -> Int {
        calls.filter { !exemptAPIs.contains($0.key) }.values.reduce(0, +)
    }

    /// The month bucket of the `api_calls` table.
    public static func monthKey(_ date: Date, _ timeZone: TimeZone) -> String {
        String(TimeText.format(date, timeZone).prefix(7))
    }

    public var tracked: Bool { quota > 0 }
    /// DingTalk refuses further calls this month (90020 / ApiCountLimitForOrg).
    public var exhausted: Bool { tracked && used >= quota }
    /// At this rate the quota runs out before the month does.
    public var overLimit: Bool { tracked && projected > quota }

    /// "1,234 of 5,000 calls used in 2025-04, 4,100 projected".
    public var text: String {
        guard tracked else { return "\(used) calls in \(month) (dingtalk.monthly_quota is 0: not tracked)" }
        return "\(used) of \(quota) calls used in \(month), \(projected) projected for the month"
    }
}
