import NIOConcurrencyHelpers

/// The monthly call counts per platform and the sliding rate windows per (app, API).
///
/// Months are calendar months, Beijing time, of the sandbox clock. Behind its own lock.
final class QuotaCounter: @unchecked Sendable {
    /// What the quota and the rate windows say about a call.
    enum Verdict: Sendable {
        case admitted
        /// The platform's monthly quota is used up.
        case quotaExhausted
        /// A rate window is full: its limit and the seconds until a slot frees.
        case throttled(limit: Int, resetSeconds: Int)
    }

    private let lock = NIOLock()
    private var monthKey = ""
    private var monthlyDingTalk = 0
    private var monthlyFeishu = 0
    private var windows: [String: SlidingWindow] = [:]

    /// Starts new monthly counts when the sandbox clock (`now`, epoch ms) is in another month.
    func roll(now: Int64) {
        let p = TimeFormat.parts(ms: now, offsetSeconds: TimeFormat.beijingOffset)
        let key = "\(p.year)-\(TimeFormat.pad(p.month))"
        lock.withLock {
            if key != monthKey {
                monthKey = key
                monthlyDingTalk = 0
                monthlyFeishu = 0
            }
        }
    }

    /// Checks the monthly quota, then the rate windows, then counts the call, in one step.
    ///
    /// Refuses a counted call once `monthlyQuota` (0 = none) is used up, admits it into each
    /// window `(length ns, limit)` of `app` in turn, then counts it for the month. Calls
    /// exempt from the quota (`Endpoint.quotaExempt`) are neither checked nor counted.
    func admit(
        _ endpoint: Endpoint, arrivalNs: UInt64, app: String, windows limits: [(UInt64, Int)],
        monthlyQuota: Int
    ) -> Verdict {
        lock.withLock {
            let counted = !endpoint.quotaExempt
            if counted, monthlyQuota > 0, (endpoint.isDingTalk ? monthlyDingTalk : monthlyFeishu) >= monthlyQuota {
                return .quotaExhausted
            }
            for (index, (window, limit)) in limits.enumerated() {
                let key = "\(app)|\(endpoint.rawValue)|\(index)"
                if let wait = windows[key, default: SlidingWindow()].admit(at: arrivalNs, window: window, limit: limit)
                {
                    // The earlier (shorter) windows keep their admissions: the call was still
                    // made, which is how platform counters behave.
                    return .throttled(limit: limit, resetSeconds: max(1, Int((wait + 999_999_999) / 1_000_000_000)))
                }
            }
            if counted {
                if endpoint.isDingTalk { monthlyDingTalk += 1 } else { monthlyFeishu += 1 }
            }
            return .admitted
        }
    }

    /// `POST /__admin/counters/reset`: monthly counts and rate windows start again.
    func resetCounts() {
        lock.withLock {
            monthlyDingTalk = 0
            monthlyFeishu = 0
            windows = [:]
        }
    }

    /// Everything forgotten, the month too (admin reset).
    func reset() {
        lock.withLock {
            monthKey = ""
            monthlyDingTalk = 0
            monthlyFeishu = 0
            windows = [:]
        }
    }

    /// `counters.monthly`: `{month, dingtalk, feishu}`.
    func monthlyJSON() -> JSONValue {
        lock.withLock {
            .object([("month", .string(monthKey)), ("dingtalk", .int(monthlyDingTalk)), ("feishu", .int(monthlyFeishu))]
            )
        }
    }
}
