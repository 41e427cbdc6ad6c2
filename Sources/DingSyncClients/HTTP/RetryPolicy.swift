import DingSyncBasics
import DingSyncProcessing
import Foundation

/// How a failed call should be treated, as classified by the client that made it.
public enum FailureKind: Sendable, Equatable {
    /// Transport error, 5xx, system busy, internal errors: retry with backoff.
    case transient
    /// Rate limited; `hint` is the server's wait in seconds when it gave one.
    case throttled(hint: TimeInterval?)
    /// Feishu 1254291 / 1254607: another call on the table; retry after a pause.
    case conflict
    /// The token was rejected: refresh it and retry, once.
    case invalidToken
    /// Not retryable: the operator must fix something (credentials, permission, table, value).
    case fatal
}

/// What to do next after a failed attempt.
public enum RetryDecision: Sendable, Equatable {
    case retry(after: TimeInterval)
    case refreshTokenAndRetry
    case giveUp
}

/// Exponential backoff with full jitter and a cap, honouring server hints. Pure.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries after the first attempt (`sync.max_retries`).
    public var maxRetries: Int
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval
    /// Minimum wait after a throttling answer (DingTalk asks for at least 1 s).
    public var throttleFloor: TimeInterval

    public init(
        maxRetries: Int = 3, baseDelay: TimeInterval = 0.5, maxDelay: TimeInterval = 16, throttleFloor: TimeInterval = 1
    ) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.throttleFloor = throttleFloor
    }

    /// The decision after attempt number `attempt` (1 = the first call) failed with `kind`.
    /// `tokenRefreshed` says whether this call already refreshed its token once.
    /// `random` in 0..<1 drives the jitter (injected for tests).
    public func decide(_ kind: FailureKind, attempt: Int, tokenRefreshed: Bool, random: Double) -> RetryDecision {
        switch kind {
        case .fatal:
            return .giveUp
        case .invalidToken:
            return tokenRefreshed ? .giveUp : .refreshTokenAndRetry
        case .transient, .conflict, .throttled:
            guard attempt <= maxRetries else { return .giveUp }
            let exponential = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
            // Half fixed, half jitter: never zero, never synchronised with other callers.
            var delay = exponential / 2 + exponential / 2 * min(max(random, 0), 1)
            if case .throttled(let hint) = kind {
                delay = max(delay, throttleFloor)
                if let hint { delay = max(delay, min(hint, 60)) }
            }
            return .retry(after: delay)
        }
    }
}
