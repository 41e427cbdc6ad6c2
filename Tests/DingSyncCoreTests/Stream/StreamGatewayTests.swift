import DingSyncBasics
import DingSyncClients
import Foundation
import Testing

@testable import DingSyncStream

@Suite struct StreamGatewayTests {
    func gateway(status: Int, body: String, seen: RequestLog = RequestLog()) -> StreamGateway {
        var config = DingTalkConfig()
        config.appKey = "dingkey"
        config.appSecret = "secret-1"
        config.apiBaseURL = "http://127.0.0.1:9/"
        let transport = ClosureTransport { request in
            seen.add(request)
            return HTTPResponse(status: status, body: Data(body.utf8))
        }
        return StreamGateway(config: config, transport: transport)
    }

    @Test func opensATicketWithTheAppCredentials() async throws {
        let seen = RequestLog()
        let ticket = try await gateway(
            status: 200, body: #"{"endpoint":"wss://example.test:443/connect","ticket":"a b+c"}"#, seen: seen
        ).open()
        #expect(ticket.url == "wss://example.test:443/connect?ticket=a%20b%2Bc")
        let request = try #require(seen.requests.first)
        #expect(request.method == "POST")
        #expect(request.url.absoluteString == "http://127.0.0.1:9/v1.0/gateway/connections/open")
        let body = try #require(request.body.flatMap { JSON.parse($0) })
        #expect(body.string("clientId") == "dingkey")
        #expect(body.string("clientSecret") == "secret-1")
        #expect(body.children("subscriptions").first?.string("type") == "EVENT")
        #expect(body.children("subscriptions").first?.string("topic") == "*")
        #expect(body.string("ua")?.hasPrefix("dingsync/") == true)
    }

    @Test func badCredentialsStopWatch() async {
        do {
            _ = try await gateway(status: 401, body: #"{"code":"authFailed","message":"鉴权失败"}"#).open()
            Issue.record("no error")
        } catch let error as APIError {
            #expect(error.stopsRun)
            #expect(error.code == "authFailed")
            #expect(error.localizedDescription.contains("dingtalk.app_secret"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func otherFailuresAreWorthAnotherTry() async {
        let throttled = #"{"code":"Forbidden.AccessDenied.QpsLimitForAppkeyAndApi","message":"qps"}"#
        let forbidden = #"{"code":"Forbidden.AccessDenied","message":"no stream"}"#
        for (status, body, retried) in [(503, "busy", true), (403, throttled, true), (403, forbidden, false)] {
            do {
                _ = try await gateway(status: status, body: body).open()
                Issue.record("no error")
            } catch let error as APIError {
                #expect(error.stopsRun == !retried, "\(status) \(body)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}

final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [HTTPRequest] = []
    func add(_ request: HTTPRequest) { lock.withLock { list.append(request) } }
    var requests: [HTTPRequest] { lock.withLock { list } }
}
