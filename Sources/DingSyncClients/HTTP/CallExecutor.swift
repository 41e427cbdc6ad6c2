import DingSyncBasics
import DingSyncProcessing
import Foundation
import Logging

/// A response classified by the client that understands its platform.
public enum CallResult<Value: Sendable>: Sendable {
    case success(Value)
    case failure(APIError)

    /// Continues with a success; a failure passes through.
    public func flatMap<T>(_ transform: (Value) -> CallResult<T>) -> CallResult<T> {
        switch self {
        case .success(let value): return transform(value)
        case .failure(let error): return .failure(error)
        }
    }
}

extension CallResult where Value == HTTPResponse {
    /// The body of a successful answer.
    public var body: CallResult<Data> { flatMap { .success($0.body) } }
}

/// Runs one API call to completion: rate limit, token, send, classify, retry or refresh.
///
/// The platform-specific parts come in as closures; the loop itself, and every decision in
/// it, is the same for DingTalk and Feishu (the decision is `RetryPolicy`, pure).
public struct CallExecutor: Sendable {
    public var policy: RetryPolicy
    public var logger: Logger
    /// Sleeps between attempts (injected so tests do not wait).
    public var sleep: @Sendable (TimeInterval) async throws -> Void
    public var random: @Sendable () -> Double
    /// Told of every failed attempt except a rejected token (for the run's error count).
    public var onFailure: (@Sendable (_ api: String, _ error: APIError) async -> Void)?

    public init(
        policy: RetryPolicy, logger: Logger,
        sleep: @escaping @Sendable (TimeInterval) async throws -> Void = {
            try await Task.sleep(nanoseconds: UInt64($0 * 1_000_000_000))
        },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.policy = policy
        self.logger = logger
        self.sleep = sleep
        self.random = random
    }

    /// `scheme://host:port` of a URL text, for messages.
    static func host(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        return "\(components.scheme ?? "https")://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// Performs the call. `attempt` builds and sends one request with the current token
    /// (`refresh` true after an invalid-token answer) and classifies the answer.
    public func run<Value: Sendable>(
        api: String, platform: APIError.Platform,
        before: @Sendable () async throws -> Void = {},
        attempt: @Sendable (_ refresh: Bool) async throws -> CallResult<Value>,
        onRetry: @Sendable (APIError) async -> Void = { _ in }
    ) async throws -> Value {
        var number = 1
        var refreshed = false
        var refreshNext = false
        while true {
            try Task.checkCancellation()
            try await before()
            let result: CallResult<Value>
            do {
                result = try await attempt(refreshNext)
            } catch let error as TransportError {
                if error.isCancelled { throw CancellationError() }
                result = .failure(
                    APIError(
                        platform: platform, api: api, code: error.isTimeout ? "timeout" : "transport",
                        message: "\(error.url): \(error.reason)",
                        hint:
                            "check that this host reaches \(Self.host(of: error.url)) (network, proxy, firewall, DNS) and that "
                            + (platform == .dingtalk
                                ? "dingtalk.api_base_url and dingtalk.base_url are" : "feishu.base_url is")
                            + " right; the run is safe to repeat",
                        kind: .transient, condition: error.isTimeout ? .timeout : .unreachable))
            }
            refreshNext = false
            switch result {
            case .success(let value):
                return value
            case .failure(let error):
                if error.kind != .invalidToken, let onFailure { await onFailure(api, error) }
                switch policy.decide(error.kind, attempt: number, tokenRefreshed: refreshed, random: random()) {
                case .giveUp:
                    throw error
                case .refreshTokenAndRetry:
                    logger.info(
                        "\(platform.rawValue) \(api): token rejected (\(error.code)); fetching a new one and retrying once"
                    )
                    refreshed = true
                    refreshNext = true
                case .retry(let delay):
                    logger.notice(
                        "\(platform.rawValue) \(api): \(error.code) \(error.message); retry \(number)/\(policy.maxRetries) in \(String(format: "%.1f", delay)) s"
                    )
                    await onRetry(error)
                    try await sleep(delay)
                    number += 1
                }
            }
        }
    }
}
