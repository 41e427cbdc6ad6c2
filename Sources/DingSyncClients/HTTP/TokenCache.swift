import DingSyncBasics
import DingSyncProcessing
import Foundation

/// An access token and how long it stays valid.
public struct AccessToken: Sendable, Equatable {
    public var value: String
    public var expiresAt: Date
    public init(value: String, expiresAt: Date) {
        self.value = value
        self.expiresAt = expiresAt
    }
}

/// Caches one app's access token; concurrent callers share one fetch.
///
/// The token is refreshed `margin` seconds before it expires, and on an invalid-token
/// answer: `refresh(rejected:)` fetches again only if the rejected token is still the
/// cached one, so a burst of rejections costs one token call.
public actor TokenCache {
    private let fetch: @Sendable () async throws -> AccessToken
    private let margin: TimeInterval
    private let now: @Sendable () -> Date
    private var current: AccessToken?
    private var inflight: Task<AccessToken, Error>?
    public private(set) var fetchCount = 0

    public init(
        margin: TimeInterval = 300, now: @escaping @Sendable () -> Date = { Date() },
        fetch: @escaping @Sendable () async throws -> AccessToken
    ) {
        self.fetch = fetch
        self.margin = margin
        self.now = now
    }

    /// A token valid for at least `margin` more seconds.
    public func token() async throws -> String {
        if let current, current.expiresAt.timeIntervalSince(now()) > margin { return current.value }
        return try await refreshNow()
    }

    /// Called after `rejected` was refused by the server: fetch a new one unless that already happened.
    public func refresh(rejected: String?) async throws -> String {
        if let current, current.value != rejected, current.expiresAt.timeIntervalSince(now()) > margin {
            return current.value
        }
        current = nil
        return try await refreshNow()
    }

    private func refreshNow() async throws -> String {
        if let inflight { return try await inflight.value.value }
        let task = Task { try await fetch() }
        inflight = task
        defer { inflight = nil }
        fetchCount += 1
        let token = try await task.value
        current = token
        return token.value
    }
}

/// The token one call used on its last attempt, so that a rejection names exactly that token.
final class UsedToken: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?

    /// A token for the next attempt: the cached one, or a fresh one if the last was rejected.
    func next(from cache: TokenCache, afterRejection: Bool) async throws -> String {
        let rejected = lock.withLock { value }
        let token = afterRejection ? try await cache.refresh(rejected: rejected) : try await cache.token()
        lock.withLock { value = token }
        return token
    }
}
