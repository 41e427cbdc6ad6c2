import DingSyncBasics
import DingSyncStore
import Foundation

/// How many open instances a batch run may read in full to keep their rows true (SPEC 5):
/// everything with `dingtalk.monthly_quota: 0`, else this run's share of what the month has left,
/// so that the month at the observed run cadence stays within the quota. Pure.
public struct RefreshBudget: Sendable, Equatable {
    /// Detail reads this run may spend on open instances; nil = no limit (quota off).
    public var reads: Int?
    /// How it was worked out, for the log.
    public var reason: String

    /// - Parameters:
    ///   - quota: `dingtalk.monthly_quota` (0 = off).
    ///   - used: calls counted against it this month, this run's so far included.
    ///   - reserved: calls this run spends anyway (new and failed instances, changed ones).
    ///   - runsPerDay: the observed cadence (runs of the last days), at least 1.
    public static func make(quota: Int, used: Int, reserved: Int, runsPerDay: Double, now: Date, timeZone: TimeZone)
        -> RefreshBudget
    {
        guard quota > 0 else {
            return RefreshBudget(reads: nil, reason: "dingtalk.monthly_quota is 0: every open instance is read")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let month = calendar.dateInterval(of: .month, for: now)
        let daysLeft = max(1.0 / 24, (month?.end ?? now.addingTimeInterval(86_400)).timeIntervalSince(now) / 86_400)
        let runsLeft = max(1, runsPerDay * daysLeft)
        let remaining = max(0, quota - used)
        let share = Int((Double(remaining) / runsLeft).rounded(.down))
        let reads = max(0, share - reserved)
        let text =
            "\(remaining) of \(quota) calls left this month over ~\(Int(runsLeft.rounded(.up))) run(s) "
            + "(\(String(format: "%.1f", runsPerDay)) a day): this run's share \(share), \(reserved) spent on new and changed instances"
        return RefreshBudget(reads: reads, reason: text)
    }

    /// Runs per day over the last week of history (incremental and init runs), 3 when unknown.
    public static func runsPerDay(history: [RunRecord], now: Date) -> Double {
        let week = history.filter { now.timeIntervalSince($0.startedAt) < 7 * 86_400 && $0.mode != "backfill" }
        guard let oldest = week.map(\.startedAt).min(), week.count >= 2 else { return 3 }
        let days = max(1, now.timeIntervalSince(oldest) / 86_400)
        return max(1, Double(week.count) / days)
    }

    /// The open instances to read, longest-unrefreshed first (never read before counts as oldest).
    public func pick(_ candidates: [KnownInstance]) -> [KnownInstance] {
        let ordered = candidates.sorted { ($0.lastRefreshed ?? .distantPast) < ($1.lastRefreshed ?? .distantPast) }
        guard let reads else { return ordered }
        return Array(ordered.prefix(reads))
    }
}
