import DingSyncBasics
import DingSyncProcessing
import Foundation
import Logging

/// Reads approval instances from DingTalk, through the new API or the legacy one, with the
/// same Swift API above both.
///
/// Every call goes through a per-API rate limiter (`dingtalk.qps`), a cached token (refreshed
/// five minutes early and once on an invalid-token answer) and the retry policy.
public final class DingTalkClient: Sendable {
    public struct Options: Sendable {
        public var config: DingTalkConfig
        /// `sync.timezone`: legacy times and `local` new-API times are read in it.
        public var timeZone: TimeZone
        public var maxRetries: Int
        /// Ids one listing query yields at most (reference §2: 10,000).
        public var maxIdsPerQuery: Int
        public var requestTimeout: TimeInterval
        public var pageSize: Int

        public init(
            config: DingTalkConfig, timeZone: TimeZone, maxRetries: Int = 3, maxIdsPerQuery: Int = 10_000,
            requestTimeout: TimeInterval = 30, pageSize: Int = 20
        ) {
            self.config = config
            self.timeZone = timeZone
            self.maxRetries = maxRetries
            self.maxIdsPerQuery = maxIdsPerQuery
            self.requestTimeout = requestTimeout
            self.pageSize = pageSize
        }
    }

    let options: Options
    let transport: HTTPTransport
    let logger: Logger
    let executor: CallExecutor
    let limiters: RateLimiterSet
    public let counter = CallCounter()
    let newToken: TokenCache
    let legacyToken: TokenCache
    let names = NameCache()
    let timeReading: TimeReadingState

    public init(options: Options, transport: HTTPTransport, logger: Logger, executor: CallExecutor? = nil) {
        self.options = options
        self.transport = transport
        self.logger = logger
        var counting = executor ?? CallExecutor(policy: RetryPolicy(maxRetries: options.maxRetries), logger: logger)
        counting.onFailure = { [counter, previous = counting.onFailure] api, error in
            await counter.recordError(api, unreachable: error.isUnreachable)
            await previous?(api, error)
        }
        self.executor = counting
        self.limiters = RateLimiterSet(limit: options.config.qps)
        self.timeReading = TimeReadingState(setting: options.config.timeZoneOfNewAPI)
        let config = options.config
        let timeout = options.requestTimeout
        let counter = self.counter
        let exec = self.executor
        newToken = TokenCache { [transport] in
            try await DingTalkClient.fetchNewToken(
                config: config, transport: transport, timeout: timeout, counter: counter, executor: exec)
        }
        legacyToken = TokenCache { [transport] in
            try await DingTalkClient.fetchLegacyToken(
                config: config, transport: transport, timeout: timeout, counter: counter, executor: exec)
        }
    }

    public var family: DingTalkAPIFamily { options.config.api }

    /// Fetches the access token of the configured API family (proves app key and secret).
    public func verifyToken() async throws {
        _ = try await (family.usesNewAPI ? newToken : legacyToken).token()
    }

    // MARK: - Requests

    /// Sends one legacy `/topapi/...` POST with the legacy token and returns the success body.
    func legacyPost(_ path: String, api: String, body: JSON) async throws -> Data {
        let payload = body.compactData
        let used = UsedToken()
        return try await executor.run(
            api: api, platform: .dingtalk, before: { try await limiters.acquire(api) },
            attempt: { [self] refresh in
                let token = try await used.next(from: legacyToken, afterRejection: refresh)
                var components = URLComponents(string: options.config.baseURL + path)
                components?.queryItems = [URLQueryItem(name: "access_token", value: token)]
                guard let url = components?.url else {
                    throw invalidURL(options.config.baseURL, key: "dingtalk.base_url")
                }
                let request = HTTPRequest(
                    method: "POST", url: url, headers: ["Content-Type": "application/json"], body: payload,
                    timeout: options.requestTimeout)
                return try await counter.exchange(request, api: api, over: transport) {
                    DingTalkErrors.classifyLegacy($0, api: api)
                }.body
            }, onRetry: counter.retryObserver(api, limiter: await limiters.limiter(for: api)))
    }

    /// Sends one new-API request with the token header and returns the success body.
    func newRequest(_ method: String, _ path: String, api: String, query: [URLQueryItem] = [], body: JSON? = nil)
        async throws -> Data
    {
        let payload = body?.compactData
        let used = UsedToken()
        return try await executor.run(
            api: api, platform: .dingtalk, before: { try await limiters.acquire(api) },
            attempt: { [self] refresh in
                let token = try await used.next(from: newToken, afterRejection: refresh)
                var components = URLComponents(string: options.config.apiBaseURL + path)
                if !query.isEmpty { components?.queryItems = query }
                guard let url = components?.url else {
                    throw invalidURL(options.config.apiBaseURL, key: "dingtalk.api_base_url")
                }
                var headers = ["x-acs-dingtalk-access-token": token]
                if payload != nil { headers["Content-Type"] = "application/json" }
                let request = HTTPRequest(
                    method: method, url: url, headers: headers, body: payload, timeout: options.requestTimeout)
                return try await counter.exchange(request, api: api, over: transport) {
                    DingTalkErrors.classifyNew($0, api: api)
                }.body
            }, onRetry: counter.retryObserver(api, limiter: await limiters.limiter(for: api)))
    }

    private func invalidURL(_ base: String, key: String) -> APIError {
        APIError(
            platform: .dingtalk, api: "url", code: "config", message: "cannot build a URL from \(base)",
            hint: "check \(key)", kind: .fatal, scope: .run)
    }

    // MARK: - Tokens

    static func fetchNewToken(
        config: DingTalkConfig, transport: HTTPTransport, timeout: TimeInterval,
        counter: CallCounter, executor: CallExecutor
    ) async throws -> AccessToken {
        let api = "oauth2/accessToken"
        return try await executor.run(
            api: api, platform: .dingtalk,
            attempt: { _ in
                guard let url = URL(string: config.apiBaseURL + "/v1.0/oauth2/accessToken") else {
                    return .failure(
                        APIError(
                            platform: .dingtalk, api: api, code: "config", message: "bad URL",
                            hint: "check dingtalk.api_base_url", kind: .fatal, scope: .run))
                }
                let body: JSON = ["appKey": .string(config.appKey), "appSecret": .string(config.appSecret)]
                let request = HTTPRequest(
                    method: "POST", url: url, headers: ["Content-Type": "application/json"], body: body.compactData,
                    timeout: timeout)
                return try await counter.exchange(request, api: api, over: transport) {
                    DingTalkErrors.classifyNew($0, api: api)
                }.flatMap { response in
                    guard let json = JSON.parseObject(response.body), let token = json.string("accessToken"),
                        !token.isEmpty
                    else {
                        return .failure(
                            APIError(
                                platform: .dingtalk, api: api, code: "malformed",
                                message: "no accessToken in the answer", kind: .transient))
                    }
                    return .success(
                        AccessToken(
                            value: token,
                            expiresAt: Date().addingTimeInterval(TimeInterval(json.int("expireIn") ?? 7200))))
                }
            })
    }

    static func fetchLegacyToken(
        config: DingTalkConfig, transport: HTTPTransport, timeout: TimeInterval,
        counter: CallCounter, executor: CallExecutor
    ) async throws -> AccessToken {
        let api = "gettoken"
        return try await executor.run(
            api: api, platform: .dingtalk,
            attempt: { _ in
                var components = URLComponents(string: config.baseURL + "/gettoken")
                components?.queryItems = [
                    URLQueryItem(name: "appkey", value: config.appKey),
                    URLQueryItem(name: "appsecret", value: config.appSecret)
                ]
                guard let url = components?.url else {
                    return .failure(
                        APIError(
                            platform: .dingtalk, api: api, code: "config", message: "bad URL",
                            hint: "check dingtalk.base_url", kind: .fatal, scope: .run))
                }
                return try await counter.exchange(
                    HTTPRequest(method: "GET", url: url, timeout: timeout), api: api, over: transport
                ) {
                    DingTalkErrors.classifyLegacy($0, api: api)
                }.flatMap { response in
                    guard let json = JSON.parseObject(response.body), let token = json.string("access_token"),
                        !token.isEmpty
                    else {
                        return .failure(
                            APIError(
                                platform: .dingtalk, api: api, code: "malformed",
                                message: "no access_token in the answer", kind: .transient))
                    }
                    return .success(
                        AccessToken(
                            value: token,
                            expiresAt: Date().addingTimeInterval(TimeInterval(json.int("expires_in") ?? 7200))))
                }
            })
    }
}

/// The run's reading of new-API times: fixed by config, or decided by the first instance that proves one.
actor TimeReadingState {
    private let setting: NewAPITimeSetting
    private(set) var decided: NewAPITimeReading?
    private(set) var reason: String?

    init(setting: NewAPITimeSetting) {
        self.setting = setting
        switch setting {
        case .utc:
            decided = .utc
            reason = "dingtalk.time_zone_of_new_api is utc"
        case .local:
            decided = .local
            reason = "dingtalk.time_zone_of_new_api is local"
        case .auto: break
        }
    }

    /// Returns the reading for this instance and whether it was newly decided (to log once).
    func reading(for detection: () -> NewAPITimeReadingDetection?) -> (NewAPITimeReading, String?) {
        if let decided { return (decided, nil) }
        guard setting == .auto, let found = detection(), let reading = found.reading else { return (.local, nil) }
        decided = reading
        reason = found.reason
        return (reading, found.reason)
    }
}
