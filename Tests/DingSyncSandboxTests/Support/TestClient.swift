import Foundation
import Testing

@testable import DingSyncSandbox

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An HTTP answer: status, headers (lowercased names), body and its JSON.
struct HTTPAnswer: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue { (try? JSONValue.parse(Array(body))) ?? .null }
    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Talks real HTTP (URLSession) to a sandbox.
final class TestClient: Sendable {
    let base: String
    let session: URLSession

    init(_ base: String, timeout: TimeInterval = 30) {
        self.base = base
        let config = URLSessionConfiguration.ephemeral
        config.httpMaximumConnectionsPerHost = 32
        config.timeoutIntervalForRequest = timeout
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: config)
    }

    deinit { session.finishTasksAndInvalidate() }

    static func encode(_ items: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.~")
        return items.map { k, v in
            "\(k.addingPercentEncoding(withAllowedCharacters: allowed) ?? k)=\(v.addingPercentEncoding(withAllowedCharacters: allowed) ?? v)"
        }.joined(separator: "&")
    }

    func call(
        _ method: String, _ path: String, query: [(String, String)] = [], headers: [String: String] = [:],
        json: JSONValue? = nil, body: Data? = nil, contentType: String? = nil
    ) async throws -> HTTPAnswer {
        var urlText = base + path
        if !query.isEmpty { urlText += (path.contains("?") ? "&" : "?") + Self.encode(query) }
        guard let url = URL(string: urlText) else { throw TestFailure("bad URL \(urlText)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        if let json {
            request.httpBody = Data(json.serialized().utf8)
            request.setValue(contentType ?? "application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
            if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        }
        let session = self.session
        return try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                    return
                }
                guard let http = response as? HTTPURLResponse else {
                    continuation.resume(throwing: TestFailure("no HTTP response"))
                    return
                }
                var headers: [String: String] = [:]
                for (k, v) in http.allHeaderFields {
                    if let k = k as? String, let v = v as? String { headers[k.lowercased()] = v }
                }
                continuation.resume(
                    returning: HTTPAnswer(status: http.statusCode, headers: headers, body: data ?? Data()))
            }.resume()
        }
    }

    func get(_ path: String, query: [(String, String)] = [], headers: [String: String] = [:]) async throws -> HTTPAnswer
    {
        try await call("GET", path, query: query, headers: headers)
    }

    func post(_ path: String, _ json: JSONValue = [:], query: [(String, String)] = [], headers: [String: String] = [:])
        async throws -> HTTPAnswer
    {
        try await call("POST", path, query: query, headers: headers, json: json)
    }

    func form(_ path: String, _ items: [(String, String)], query: [(String, String)] = []) async throws -> HTTPAnswer {
        try await call(
            "POST", path, query: query, body: Data(Self.encode(items).utf8),
            contentType: "application/x-www-form-urlencoded")
    }

    // MARK: Admin

    func admin(_ method: String, _ path: String, _ json: JSONValue? = nil) async throws -> JSONValue {
        let answer = try await call(method, "/__admin/" + path, json: json)
        guard answer.status == 200 else {
            throw TestFailure("admin \(method) \(path): \(answer.status) \(answer.text)")
        }
        return answer.json
    }

    func settings(_ json: JSONValue) async throws {
        _ = try await admin("POST", "settings", json)
    }

    func inject(_ endpoint: String, _ fault: String, count: Int = 1, extra: [(String, JSONValue)] = []) async throws {
        _ = try await admin(
            "POST", "faults",
            .object([("endpoint", .string(endpoint)), ("fault", .string(fault)), ("count", .int(count))] + extra))
    }
}

/// A sandbox for one test, with a fixed clock and a small dataset.
struct Harness: Sendable {
    static let fixedNow: Int64 = 1_743_476_400_000  // 2025-04-01T11:00:00+08:00

    let sandbox: Sandbox
    let client: TestClient

    var legacyTokenQuery: [(String, String)] { [] }

    static func with(
        _ configure: (inout SandboxOptions) -> Void = { _ in },
        _ body: (Harness) async throws -> Void
    ) async throws {
        var options = SandboxOptions()
        options.instances = 150
        options.nowMs = fixedNow
        options.threads = 2
        // Stream acks: ten minutes by default, so that a test on a starved machine never sees a late ack
        // as a lost one; the tests of timeouts and redelivery set their own.
        options.streamAckTimeoutMs = 600_000
        configure(&options)
        let sandbox = try await Sandbox.start(options)
        let harness = Harness(sandbox: sandbox, client: TestClient(sandbox.baseURL))
        do {
            try await body(harness)
        } catch {
            try? await sandbox.shutdown()
            throw error
        }
        try await sandbox.shutdown()
    }

    // MARK: Tokens

    func dingtalkToken() async throws -> String {
        let answer = try await client.get(
            "/gettoken", query: [("appkey", sandbox.appKey), ("appsecret", sandbox.appSecret)])
        guard let token = answer.json["access_token"]?.stringValue else {
            throw TestFailure("gettoken: \(answer.text)")
        }
        return token
    }

    func feishuToken() async throws -> String {
        let answer = try await client.post(
            "/open-apis/auth/v3/tenant_access_token/internal",
            ["app_id": .string(sandbox.feishuAppId), "app_secret": .string(sandbox.feishuAppSecret)])
        guard let token = answer.json["tenant_access_token"]?.stringValue else {
            throw TestFailure("tenant token: \(answer.text)")
        }
        return token
    }

    // MARK: DingTalk calls

    func legacy(_ path: String, _ json: JSONValue, token: String) async throws -> HTTPAnswer {
        try await client.post(path, json, query: [("access_token", token)])
    }

    func new(_ method: String, _ path: String, _ json: JSONValue? = nil, query: [(String, String)] = [], token: String)
        async throws -> HTTPAnswer
    {
        try await client.call(method, path, query: query, headers: ["x-acs-dingtalk-access-token": token], json: json)
    }

    // MARK: Feishu calls

    var tablesPath: String { "/open-apis/bitable/v1/apps/\(sandbox.appToken)/tables" }
    func recordsPath(_ table: String) -> String { "\(tablesPath)/\(table)/records" }

    func feishu(
        _ method: String, _ path: String, _ json: JSONValue? = nil, query: [(String, String)] = [], token: String
    ) async throws -> HTTPAnswer {
        try await client.call(method, path, query: query, headers: ["Authorization": "Bearer \(token)"], json: json)
    }

    func mainTable() throws -> String {
        guard let id = sandbox.mainTableId else { throw TestFailure("no main table") }
        return id
    }

    /// Every row of a table through the admin API (plain values).
    func rows(_ table: String) async throws -> [JSONValue] {
        try await client.admin("GET", "tables/\(table)/records")["records"]?.arrayValue ?? []
    }

    /// Summaries of all instances (admin).
    func instances(code: String? = nil, status: String? = nil) async throws -> [JSONValue] {
        var path = "instances"
        var q: [(String, String)] = []
        if let code { q.append(("process_code", code)) }
        if let status { q.append(("status", status)) }
        if !q.isEmpty { path += "?" + TestClient.encode(q) }
        return try await client.admin("GET", path)["instances"]?.arrayValue ?? []
    }
}

extension JSONValue {
    /// Walks a path like "result.list".
    func at(_ path: String) -> JSONValue? {
        var current: JSONValue? = self
        for key in path.split(separator: ".") {
            if let index = Int(key), let items = current?.arrayValue {
                current = index < items.count ? items[index] : nil
            } else {
                current = current?[String(key)]
            }
        }
        return current
    }
}

let dayMs: Int64 = 86_400_000
