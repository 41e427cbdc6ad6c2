import DingSyncBasics
import DingSyncProcessing
import Foundation

/// Counts the HTTP requests a client sends, per API, for the run summary and quota tracking.
public actor CallCounter {
    public private(set) var calls: [String: Int] = [:]
    public private(set) var retries: [String: Int] = [:]
    public private(set) var throttled = 0
    /// Error answers (and transport failures) per API, retried or not; token refreshes excluded.
    public private(set) var errors: [String: Int] = [:]
    /// The server's clock against ours, from the latest answer with a `Date` header.
    public private(set) var serverClock: ServerClock?

    public init() {}

    func record(_ api: String) { calls[api, default: 0] += 1 }

    func recordRetry(_ api: String, throttled wasThrottled: Bool) {
        retries[api, default: 0] += 1
        if wasThrottled { throttled += 1 }
    }

    /// Failures below HTTP (connection refused, DNS, TLS, no answer in time), a subset of `errors`.
    public private(set) var unreachable = 0

    func recordError(_ api: String, unreachable wasUnreachable: Bool = false) {
        errors[api, default: 0] += 1
        if wasUnreachable { unreachable += 1 }
    }

    func recordServerDate(_ header: String?, receivedAt: Date) {
        guard let header, let server = ServerClock.parseHTTPDate(header) else { return }
        // the header has whole seconds (truncated): the server's time lies in [header, header + 1)
        serverClock = ServerClock(offset: server.timeIntervalSince(receivedAt) + 0.5, observedAt: receivedAt)
    }

    public var total: Int { calls.values.reduce(0, +) }

    /// Counts the call, sends it, and classifies the answer with the platform's rules.
    nonisolated func exchange(
        _ request: HTTPRequest, api: String, over transport: HTTPTransport,
        classify: (HTTPResponse) -> APIError?
    ) async throws -> CallResult<HTTPResponse> {
        await record(api)
        let response = try await transport.send(request)
        await recordServerDate(response.headers["date"], receivedAt: Date())
        if let error = classify(response) { return .failure(error) }
        return .success(response)
    }

    /// Records each retry of `api`, and tells `limiter` when the server throttled it.
    nonisolated func retryObserver(_ api: String, limiter: RateLimiter? = nil) -> @Sendable (APIError) async -> Void {
        { [self] error in
            let throttled: Bool
            if case .throttled = error.kind { throttled = true } else { throttled = false }
            await recordRetry(api, throttled: throttled)
            if throttled { await limiter?.slowDown() }
        }
    }
}
