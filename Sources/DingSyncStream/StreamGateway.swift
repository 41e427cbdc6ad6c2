import DingSyncBasics
import DingSyncClients
import Foundation

/// Where and how to open one Stream connection: the WebSocket endpoint and its single-use ticket.
public struct StreamTicket: Sendable, Equatable {
    public var endpoint: String
    public var ticket: String

    public init(endpoint: String, ticket: String) {
        self.endpoint = endpoint
        self.ticket = ticket
    }

    /// `endpoint?ticket=…` (the ticket percent-encoded).
    public var url: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = ticket.addingPercentEncoding(withAllowedCharacters: allowed) ?? ticket
        return endpoint + (endpoint.contains("?") ? "&" : "?") + "ticket=" + encoded
    }
}

/// `POST {dingtalk.api_base_url}/v1.0/gateway/connections/open` (reference §11.1): the app's
/// credentials in the body, one EVENT subscription with topic `*`; answers a WebSocket endpoint and
/// a ticket valid for one connection. Plain HTTP through the same transport as every other call.
public struct StreamGateway: Sendable {
    public static let api = "gateway/connections/open"
    let config: DingTalkConfig
    let transport: HTTPTransport
    let timeout: TimeInterval

    public init(config: DingTalkConfig, transport: HTTPTransport, timeout: TimeInterval = 30) {
        self.config = config
        self.transport = transport
        self.timeout = timeout
    }

    /// The request body (also what the tests check).
    public var body: JSON {
        [
            "clientId": .string(config.appKey), "clientSecret": .string(config.appSecret),
            "subscriptions": [["type": "EVENT", "topic": "*"]],
            "ua": .string("dingsync/\(DingSyncVersion.current)")
        ]
    }

    /// Opens a connection's ticket. Bad credentials (401) and a missing permission (403) stop
    /// `watch` (an `APIError` of scope `.run`); any other failure is worth another try later.
    public func open() async throws -> StreamTicket {
        let base = config.apiBaseURL.hasSuffix("/") ? String(config.apiBaseURL.dropLast()) : config.apiBaseURL
        guard let url = URL(string: base + "/v1.0/" + Self.api) else {
            throw APIError(
                platform: .dingtalk, api: Self.api, code: "invalidURL", message: base,
                hint: "Check dingtalk.api_base_url", kind: .fatal, scope: .run)
        }
        let request = HTTPRequest(
            method: "POST", url: url,
            headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: body.compactData, timeout: timeout)
        let response = try await transport.send(request)
        let json = JSON.parse(response.body)
        let code = json?.string("code") ?? ""
        let message = json?.string("message") ?? String(decoding: response.body.prefix(200), as: UTF8.self)
        switch response.status {
        case 200:
            guard let endpoint = json?.string("endpoint"), !endpoint.isEmpty,
                let ticket = json?.string("ticket"), !ticket.isEmpty
            else {
                throw APIError(
                    platform: .dingtalk, api: Self.api, code: "badAnswer",
                    message: "no endpoint or ticket in the answer", kind: .transient, httpStatus: 200)
            }
            return StreamTicket(endpoint: endpoint, ticket: ticket)
        case 403 where ["Qps", "Qpm", "Throttl", "LimitFor"].contains(where: code.contains):
            // throttled (reference §7: 403 Forbidden.AccessDenied.QpsLimitForAppkeyAndApi): retry after a pause
            throw APIError(
                platform: .dingtalk, api: Self.api, code: code, message: message, kind: .transient,
                httpStatus: response.status)
        case 401, 403:
            throw APIError(
                platform: .dingtalk, api: Self.api, code: code.isEmpty ? "HTTP \(response.status)" : code,
                message: message,
                hint: response.status == 401
                    ? "DingTalk refused the app's credentials: check dingtalk.app_key and dingtalk.app_secret "
                        + "(or DINGSYNC_DINGTALK_APP_SECRET), the Client ID and Client Secret of the app"
                    : "the app may not use Stream mode: in the developer console choose 事件订阅 → Stream 模式推送 "
                        + "(DEPLOYMENT.md)",
                kind: .fatal, scope: .run, httpStatus: response.status)
        default:
            throw APIError(
                platform: .dingtalk, api: Self.api, code: code.isEmpty ? "HTTP \(response.status)" : code,
                message: message, kind: .transient, httpStatus: response.status)
        }
    }
}
