import DingSyncBasics
import DingSyncProcessing
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP request, as the clients build it.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: Data?
    /// Seconds from sending to the last byte of the answer before the request is abandoned
    /// (an overall deadline, not an idle timeout: a server that trickles its answer is cut off too).
    public var timeout: TimeInterval

    public init(
        method: String, url: URL, headers: [String: String] = [:], body: Data? = nil, timeout: TimeInterval = 30
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// One HTTP response; header names are lower-cased.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.body = body
    }
}

/// A failure below HTTP: connection refused, DNS, TLS, timeout, cancellation.
public struct TransportError: Error, Sendable, Equatable, LocalizedError {
    public var url: String
    public var reason: String
    public var isTimeout: Bool
    public var isCancelled: Bool

    public init(url: String, reason: String, isTimeout: Bool = false, isCancelled: Bool = false) {
        self.url = url
        self.reason = reason
        self.isTimeout = isTimeout
        self.isCancelled = isCancelled
    }

    public var errorDescription: String? { "\(url): \(reason)" }
}

/// The seam between the clients and the network (production: URLSession; tests: a closure).
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// A transport backed by a closure, for unit tests.
public struct ClosureTransport: HTTPTransport {
    private let handler: @Sendable (HTTPRequest) async throws -> HTTPResponse
    public init(_ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) { self.handler = handler }
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse { try await handler(request) }
}

/// URLSession (FoundationNetworking on Linux) with per-request timeouts; task cancellation
/// cancels the underlying URLSession task.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession

    public init(maxConnectionsPerHost: Int = 32) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = maxConnectionsPerHost
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Sends the request with an overall deadline of `request.timeout` seconds (URLSession's own
    /// timeout only fires when the connection is idle).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let deadline = max(0.001, request.timeout)
        return try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
            group.addTask { try await self.perform(request) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(deadline * 1_000_000_000))
                throw TransportError(
                    url: Self.describe(request.url),
                    reason:
                        "no complete answer within \(Self.seconds(deadline)) (the server is not answering, or answers "
                        + "too slowly); sync.request_timeout_seconds sets this limit",
                    isTimeout: true)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }

    static func seconds(_ value: TimeInterval) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }

    private func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, timeoutInterval: request.timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let box = TaskBox()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, Error>) in
                let task = session.dataTask(with: urlRequest) { data, response, error in
                    if let error {
                        let ns = error as NSError
                        let cancelled = ns.domain == NSURLErrorDomain && ns.code == NSURLErrorCancelled
                        let timedOut = ns.domain == NSURLErrorDomain && ns.code == NSURLErrorTimedOut
                        continuation.resume(
                            throwing: TransportError(
                                url: Self.describe(request.url), reason: ns.localizedDescription,
                                isTimeout: timedOut, isCancelled: cancelled))
                        return
                    }
                    guard let http = response as? HTTPURLResponse else {
                        continuation.resume(
                            throwing: TransportError(url: Self.describe(request.url), reason: "no HTTP response"))
                        return
                    }
                    var headers: [String: String] = [:]
                    for (key, value) in http.allHeaderFields {
                        if let k = key as? String, let v = value as? String { headers[k.lowercased()] = v }
                    }
                    continuation.resume(
                        returning: HTTPResponse(status: http.statusCode, headers: headers, body: data ?? Data()))
                }
                box.set(task)
                task.resume()
            }
        } onCancel: {
            box.cancel()
        }
    }

    /// Scheme, host and path only: queries may hold tokens.
    static func describe(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        return components?.string ?? url.path
    }
}

/// Holds a URLSession task so that cancellation arriving before or after it starts reaches it.
private final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionTask?
    private var cancelled = false

    func set(_ task: URLSessionTask) {
        lock.lock()
        self.task = task
        let cancelNow = cancelled
        lock.unlock()
        if cancelNow { task.cancel() }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let current = task
        lock.unlock()
        current?.cancel()
    }
}
