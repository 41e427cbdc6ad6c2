import DingSyncBasics
import DingSyncProcessing
import Foundation
import Logging

/// Reads and writes a Feishu Bitable: tenant token, tables, fields, records in batches.
///
/// Calls on one table never overlap (reads included, as Feishu asks); batch creates carry a
/// `client_token` per chunk that is reused on retry, so a create answered 1255040 after it
/// was applied is not applied twice.
public final class FeishuClient: Sendable {
    public struct Options: Sendable {
        public var config: FeishuConfig
        public var batchSize: Int
        public var maxRetries: Int
        public var requestTimeout: TimeInterval
        /// Calls per second: writes, reads, and table/field creation (reference §5.1).
        public var writeQPS: Int
        public var readQPS: Int
        public var schemaQPS: Int

        public init(
            config: FeishuConfig, batchSize: Int = 500, maxRetries: Int = 3, requestTimeout: TimeInterval = 60,
            writeQPS: Int = 50, readQPS: Int = 20, schemaQPS: Int = 10
        ) {
            self.config = config
            self.batchSize = min(max(1, batchSize), 1000)
            self.maxRetries = maxRetries
            self.requestTimeout = requestTimeout
            self.writeQPS = writeQPS
            self.readQPS = readQPS
            self.schemaQPS = schemaQPS
        }
    }

    public static let maxDeleteBatch = 500
    public static let maxGetBatch = 100
    public static let searchPageSize = 500

    let options: Options
    let transport: HTTPTransport
    let logger: Logger
    let executor: CallExecutor
    let token: TokenCache
    let locks = TableLocks()
    public let counter = CallCounter()
    let writeLimiter: RateLimiter
    let readLimiter: RateLimiter
    let schemaLimiter: RateLimiter
    let makeClientToken: @Sendable () -> String

    public init(
        options: Options, transport: HTTPTransport, logger: Logger, executor: CallExecutor? = nil,
        makeClientToken: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.options = options
        self.transport = transport
        self.logger = logger
        // reference §5: sleep 0.5–1 s before retrying a busy table (1254291); back off 1, 2, 4 s
        var counting =
            executor ?? CallExecutor(policy: RetryPolicy(maxRetries: options.maxRetries, baseDelay: 1), logger: logger)
        counting.onFailure = { [counter, previous = counting.onFailure] api, error in
            await counter.recordError(api, unreachable: error.isUnreachable)
            await previous?(api, error)
        }
        let exec = counting
        self.executor = exec
        self.writeLimiter = RateLimiter(limit: options.writeQPS)
        self.readLimiter = RateLimiter(limit: options.readQPS)
        self.schemaLimiter = RateLimiter(limit: options.schemaQPS)
        self.makeClientToken = makeClientToken
        let config = options.config
        let timeout = options.requestTimeout
        let counter = self.counter
        token = TokenCache(margin: 300) {
            try await FeishuClient.fetchToken(
                config: config, transport: transport, timeout: timeout, counter: counter, executor: exec)
        }
    }

    var appToken: String { options.config.appToken }

    /// Fetches the tenant access token (proves app id and secret).
    public func verifyToken() async throws {
        _ = try await token.token()
    }

    // MARK: - Requests

    enum Limit { case read, write, schema }

    /// One authorised call; returns the `data` object of the success envelope.
    func call(
        _ method: String, _ path: String, api: String, limit: Limit, table: String? = nil, query: [URLQueryItem] = [],
        body: JSON? = nil
    ) async throws -> JSON {
        let payload = body?.compactData
        return try await send(method, path, api: api, limit: limit, table: table, query: query, payload: payload)
    }

    private func send(
        _ method: String, _ path: String, api: String, limit: Limit, table: String?, query: [URLQueryItem],
        payload: Data?
    ) async throws -> JSON {
        let limiter: RateLimiter = limit == .read ? readLimiter : limit == .write ? writeLimiter : schemaLimiter
        let used = UsedToken()
        let data: JSON = try await executor.run(
            api: api, platform: .feishu, before: { try await limiter.acquire() },
            attempt: { [self] refresh in
                let bearer = try await used.next(from: token, afterRejection: refresh)
                var components = URLComponents(string: options.config.baseURL + path)
                if !query.isEmpty { components?.queryItems = query }
                guard let url = components?.url else {
                    return .failure(
                        APIError(
                            platform: .feishu, api: api, code: "config", message: "bad URL",
                            hint: "check feishu.base_url", kind: .fatal, scope: .run))
                }
                var headers = ["Authorization": "Bearer \(bearer)"]
                if payload != nil { headers["Content-Type"] = "application/json; charset=utf-8" }
                let request = HTTPRequest(
                    method: method, url: url, headers: headers, body: payload, timeout: options.requestTimeout)
                return try await counter.exchange(request, api: api, over: transport) {
                    FeishuErrors.classify($0, api: api, table: table)
                }
                .flatMap { .success(JSON.parseObject($0.body)?.child("data") ?? [:]) }
            }, onRetry: counter.retryObserver(api, limiter: limiter))
        return data
    }

    static func fetchToken(
        config: FeishuConfig, transport: HTTPTransport, timeout: TimeInterval,
        counter: CallCounter, executor: CallExecutor
    ) async throws -> AccessToken {
        let api = "tenant_access_token"
        return try await executor.run(
            api: api, platform: .feishu,
            attempt: { _ in
                guard let url = URL(string: config.baseURL + "/open-apis/auth/v3/tenant_access_token/internal") else {
                    return .failure(
                        APIError(
                            platform: .feishu, api: api, code: "config", message: "bad URL",
                            hint: "check feishu.base_url", kind: .fatal, scope: .run))
                }
                let body: JSON = ["app_id": .string(config.appID), "app_secret": .string(config.appSecret)]
                let request = HTTPRequest(
                    method: "POST", url: url, headers: ["Content-Type": "application/json; charset=utf-8"],
                    body: body.compactData, timeout: timeout)
                return try await counter.exchange(request, api: api, over: transport) {
                    FeishuErrors.classify($0, api: api)
                }.flatMap { response in
                    guard let json = JSON.parseObject(response.body), let value = json.string("tenant_access_token"),
                        !value.isEmpty
                    else {
                        return .failure(
                            APIError(
                                platform: .feishu, api: api, code: "malformed", message: "no tenant_access_token",
                                kind: .transient))
                    }
                    return .success(
                        AccessToken(
                            value: value, expiresAt: Date().addingTimeInterval(TimeInterval(json.int("expire") ?? 7200))
                        ))
                }
            })
    }
}
