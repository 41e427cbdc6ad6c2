import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxRetries: 3, baseDelay: 0.5, maxDelay: 4, throttleFloor: 1)

    @Test func fatalGivesUpAtOnce() {
        #expect(policy.decide(.fatal, attempt: 1, tokenRefreshed: false, random: 0.5) == .giveUp)
    }

    @Test func invalidTokenRefreshesOnce() {
        #expect(policy.decide(.invalidToken, attempt: 1, tokenRefreshed: false, random: 0.5) == .refreshTokenAndRetry)
        #expect(policy.decide(.invalidToken, attempt: 2, tokenRefreshed: true, random: 0.5) == .giveUp)
    }

    @Test func exponentialBackoffWithJitterAndCap() {
        // attempt n: base·2^(n-1), capped, between half of it and all of it
        let expected: [(Int, ClosedRange<Double>)] = [(1, 0.25...0.5), (2, 0.5...1), (3, 1...2)]
        for (attempt, range) in expected {
            for random in [0.0, 0.3, 0.999] {
                guard
                    case .retry(let d) = policy.decide(
                        .transient, attempt: attempt, tokenRefreshed: false, random: random)
                else {
                    Issue.record("expected a retry")
                    continue
                }
                #expect(range.contains(d), "attempt \(attempt) random \(random): \(d)")
            }
        }
        let capped = RetryPolicy(maxRetries: 10, baseDelay: 0.5, maxDelay: 4)
        guard case .retry(let d) = capped.decide(.transient, attempt: 9, tokenRefreshed: false, random: 1) else {
            Issue.record("no retry")
            return
        }
        #expect(d == 4)
        // jitter spreads callers
        #expect(
            policy.decide(.transient, attempt: 2, tokenRefreshed: false, random: 0)
                != policy.decide(.transient, attempt: 2, tokenRefreshed: false, random: 0.9))
    }

    @Test func retriesStopAfterMaxRetries() {
        #expect(policy.decide(.transient, attempt: 3, tokenRefreshed: false, random: 0) != .giveUp)
        #expect(policy.decide(.transient, attempt: 4, tokenRefreshed: false, random: 0) == .giveUp)
        #expect(RetryPolicy(maxRetries: 0).decide(.conflict, attempt: 1, tokenRefreshed: false, random: 0) == .giveUp)
    }

    @Test func throttlingHonoursFloorAndServerHint() {
        guard
            case .retry(let floor) = policy.decide(.throttled(hint: nil), attempt: 1, tokenRefreshed: false, random: 0)
        else {
            Issue.record("no retry")
            return
        }
        #expect(floor == 1)
        guard case .retry(let hinted) = policy.decide(.throttled(hint: 3), attempt: 1, tokenRefreshed: false, random: 0)
        else {
            Issue.record("no retry")
            return
        }
        #expect(hinted == 3)
        guard
            case .retry(let capped) = policy.decide(
                .throttled(hint: 3600), attempt: 1, tokenRefreshed: false, random: 0)
        else {
            Issue.record("no retry")
            return
        }
        #expect(capped == 60)
    }
}

@Suite struct RateLimiterTests {
    /// The schedule itself: 35 callers arriving at once at 10 per window.
    /// A caller that wakes late does not make a burst with those that wake on time: the
    /// release is checked against the calls that actually left.
    @Test func lateWakerIsCheckedAgainstActualReleases() async {
        let limiter = RateLimiter(limit: 2, window: .milliseconds(1000))
        let t0 = ContinuousClock.now
        #expect(await limiter.release(at: t0) == nil)  // a, on time
        #expect(await limiter.release(at: t0 + .milliseconds(600)) == nil)  // b, slot t0 but woke 600 ms late
        #expect(await limiter.release(at: t0 + .milliseconds(1000)) == nil)  // c, on time (a left the window)
        // d's slot was t0 + 1 s too (computed from b's planned slot): b and c are in its window.
        #expect(await limiter.release(at: t0 + .milliseconds(1000)) == t0 + .milliseconds(1600))
        #expect(await limiter.release(at: t0 + .milliseconds(1600)) == nil)
    }

    @Test func noWindowExceedsTheLimit() async {
        let limiter = RateLimiter(limit: 10, window: .milliseconds(1000))
        let t0 = ContinuousClock().now
        var slots: [Duration] = []
        for _ in 0..<35 { slots.append(await limiter.reserve(at: t0) - t0) }
        #expect(slots.prefix(10).allSatisfy { $0 == .zero })  // no needless wait
        for i in 0..<(slots.count - 10) {
            #expect(slots[i + 10] - slots[i] >= .milliseconds(1000))  // any window holds ≤ 10
        }
        #expect(slots.last == .milliseconds(3000))  // and no more wait than needed
        #expect(zip(slots, slots.dropFirst()).allSatisfy { $0 <= $1 })  // FIFO
        // arrivals spread in time are not delayed
        let later = await limiter.reserve(at: t0 + .seconds(10))
        #expect(later == t0 + .seconds(10))
    }

    @Test func slowsDownOnThrottlingAndRecovers() async {
        let limiter = RateLimiter(limit: 10, window: .milliseconds(1000))
        for _ in 0..<20 { await limiter.slowDown() }
        #expect(await limiter.window == .milliseconds(1250))  // additive, capped
        let t0 = ContinuousClock().now
        _ = await limiter.reserve(at: t0 + .seconds(11))
        #expect(await limiter.window == .milliseconds(1225))  // narrows after a quiet spell
        _ = await limiter.reserve(at: t0 + .seconds(12))
        #expect(await limiter.window == .milliseconds(1225))  // not faster than one step per 10 s
    }

    /// The sleeping part, on the real clock: 25 concurrent callers at 10/s take ≥ 2 windows.
    @Test func acquireSleepsUntilItsSlot() async throws {
        let limiter = RateLimiter(limit: 10, window: .milliseconds(500))
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<25 { group.addTask { try await limiter.acquire() } }
            try await group.waitForAll()
        }
        #expect(clock.now - start >= .milliseconds(1000))
    }

    @Test func separateLimitersPerAPI() async throws {
        let set = RateLimiterSet(limit: 2)
        let clock = ContinuousClock()
        let start = clock.now
        for api in ["a", "b", "c"] {
            try await set.acquire(api)
            try await set.acquire(api)
        }
        #expect(clock.now - start < .milliseconds(300))
    }
}

@Suite struct TokenCacheTests {
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var value = Date(timeIntervalSince1970: 1_000_000)
        var now: Date {
            lock.lock()
            defer { lock.unlock() }
            return value
        }
        func advance(_ s: TimeInterval) {
            lock.lock()
            value += s
            lock.unlock()
        }
    }

    @Test func cachesRefreshesEarlyAndSharesOneFetch() async throws {
        let clock = Clock()
        let counter = Counter()
        let cache = TokenCache(margin: 300, now: { clock.now }) {
            let n = await counter.next()
            try await Task.sleep(nanoseconds: 20_000_000)
            return AccessToken(value: "t\(n)", expiresAt: clock.now.addingTimeInterval(7200))
        }
        // 20 concurrent callers, one fetch
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.token() } }
            var all: Set<String> = []
            for try await t in group { all.insert(t) }
            return all
        }
        #expect(tokens == ["t1"])
        #expect(await cache.fetchCount == 1)
        clock.advance(6800)  // 400 s left: still fine
        #expect(try await cache.token() == "t1")
        clock.advance(200)  // 200 s left: inside the 5-minute margin
        #expect(try await cache.token() == "t2")
        // a rejection of an old token does not refetch; of the current one does
        #expect(try await cache.refresh(rejected: "t1") == "t2")
        #expect(try await cache.refresh(rejected: "t2") == "t3")
        #expect(await cache.fetchCount == 3)
    }

    actor Counter {
        var n = 0
        func next() -> Int {
            n += 1
            return n
        }
    }
}
