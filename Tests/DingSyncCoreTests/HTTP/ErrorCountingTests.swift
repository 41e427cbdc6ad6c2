import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// Every error answer is counted per API (the API-errors alert), token refreshes excepted.
@Suite struct ErrorCountingTests {
    let window = TimeWindow(
        start: Date(timeIntervalSince1970: 1_743_436_800), end: Date(timeIntervalSince1970: 1_743_523_200))

    @Test func retriedAndFinalErrorsAreCountedPerAPI() async throws {
        // two server errors then success on listing; user/get refused for good
        let server = FakeServer { request, n in
            switch request.url.path {
            case "/v1.0/oauth2/accessToken": return json(200, ["accessToken": "tok", "expireIn": 7200])
            case "/gettoken": return json(200, ["errcode": 0, "access_token": "lt", "expires_in": 7200])
            case "/topapi/v2/user/get": return json(200, ["errcode": 60011, "errmsg": "没有调用该接口的权限"])
            default:
                // request 1 is the token; 2 and 3 fail, 4 succeeds
                return n <= 3
                    ? json(500, ["code": "systemError", "message": "busy"])
                    : json(200, ["result": ["list": ["a"]], "success": true])
            }
        }
        let client = dingTalkClient(server, api: .new)
        let ids = try await client.listInstanceIds(processCode: "PROC-A", window: window)
        #expect(ids == ["a"])
        await #expect(throws: APIError.self) { _ = try await client.readUserName("u1") }
        let errors = await client.counter.errors
        #expect(errors["listids"] == 2)
        #expect(errors["user/get"] == 1)
    }

    @Test func aRejectedTokenIsNotAnError() async throws {
        let server = FakeServer { request, n in
            if request.url.path == "/v1.0/oauth2/accessToken" {
                return json(200, ["accessToken": "tok\(n)", "expireIn": 7200])
            }
            if n == 2 { return json(400, ["code": "InvalidAuthentication", "message": "不合法的access_token"]) }
            return json(200, ["result": ["list": []], "success": true])
        }
        let client = dingTalkClient(server, api: .new)
        _ = try await client.listInstanceIds(processCode: "PROC-A", window: window)
        #expect(await client.counter.errors.isEmpty)
    }
}
