import DingSyncBasics
import DingSyncProcessing
import Foundation

/// Grants at most `limit` calls in any sliding `window`, in arrival order, whatever the
/// concurrency of its callers.
///
/// Each caller reserves the earliest slot that keeps every window within the limit and
/// sleeps until it; reservations are FIFO, so there is no thundering herd. The window is a
/// little longer than a second by default so that jitter between our grant and the server's
/// count (scheduling, connection reuse) cannot push a window over the platform's limit. Each
/// throttling answer widens it by 25 ms (up to 1.25 s); every 10 s without one it narrows by
/// 25 ms back towards the base, so a burst of jitter does not slow the rest of a long run.
public actor RateLimiter {
    public let limit: Int
    public private(set) var window: Duration
    private let baseWindow: Duration
    private let maxWindow: Duration = .milliseconds(1250)
    private let step: Duration = .milliseconds(25)
    private var lastChange: ContinuousClock.Instant?
    private var grants: [ContinuousClock.Instant] = []
    private var head = 0
    /// When calls actually left (ascending): a caller that wakes late is checked against these.
    private var released: [ContinuousClock.Instant] = []
    private var releasedHead = 0
    private let clock = ContinuousClock()

    public init(limit: Int, window: Duration = .milliseconds(1050)) {
        self.limit = max(1, limit)
        self.window = window
        self.baseWindow = window
    }

    /// The server throttled us anyway: leave more room between windows from now on.
    public func slowDown() {
        window = min(maxWindow, window + step)
        lastChange = clock.now
    }

    /// Narrows a widened window again after a quiet spell.
    private func recover(at now: ContinuousClock.Instant) {
        guard window > baseWindow, let last = lastChange, now - last >= .seconds(10) else { return }
        window = max(baseWindow, window - step)
        lastChange = now
    }

    /// Waits for a slot. Throws `CancellationError` if the task is cancelled while waiting.
    ///
    /// A sleeper can wake late (a busy thread pool) while later ones wake on time; so the
    /// call is released only if fewer than `limit` calls were actually released in the window
    /// ending now, else it waits again until one leaves that window.
    public func acquire() async throws {
        var now = clock.now
        var next = reserve(at: now)
        while true {
            if next > now { try await Task.sleep(until: next, clock: clock) }
            now = clock.now
            guard let later = release(at: now) else { return }
            next = later
        }
    }

    /// Records a release at `now` if the window ending there has room; otherwise returns when it will.
    func release(at now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        while releasedHead < released.count, released[releasedHead] + window <= now { releasedHead += 1 }
        if releasedHead > 1024 {
            released.removeFirst(releasedHead)
            releasedHead = 0
        }
        if released.count - releasedHead >= limit {
            return released[released.count - limit] + window
        }
        released.append(max(now, released.last ?? now))
        return nil
    }

    /// Reserves the earliest slot at or after `now` that keeps every window within the limit.
    func reserve(at now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        recover(at: now)
        while head < grants.count, grants[head] + window <= now { head += 1 }
        if head > 1024 {
            grants.removeFirst(head)
            head = 0
        }
        var slot = now
        let active = grants.count - head
        if active >= limit {
            slot = max(now, grants[grants.count - limit] + window)
        }
        if let last = grants.last, slot < last { slot = last }
        grants.append(slot)
        return slot
    }
}

/// One limiter per API name, created on first use.
public actor RateLimiterSet {
    private let limit: Int
    private var limiters: [String: RateLimiter] = [:]

    public init(limit: Int) { self.limit = limit }

    public func limiter(for api: String) -> RateLimiter {
        if let existing = limiters[api] { return existing }
        let created = RateLimiter(limit: limit)
        limiters[api] = created
        return created
    }

    public func acquire(_ api: String) async throws {
        try await limiter(for: api).acquire()
    }

    public func slowDown(_ api: String) async {
        await limiter(for: api).slowDown()
    }
}
