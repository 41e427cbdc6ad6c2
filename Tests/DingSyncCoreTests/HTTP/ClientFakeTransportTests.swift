import Foundation
import Logging
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// Records requests and answers them from a script.
final class FakeServer: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var requests: [HTTPRequest] = []
    private let answer: @Sendable (HTTPRequest, Int) -> HTTPResponse

    init(_ answer: @escaping @Sendable (HTTPRequest, Int) -> HTTPResponse) { self.answer = answer }

    var transport: ClosureTransport {
        ClosureTransport { [self] request in
            let n = lock.withLock {
                requests.append(request)
                return requests.count
            }
            return answer(request, n)
        }
    }

    /// A Feishu server: the tenant token `t-1` for a token request, `answer` for every other call
    /// (with the number of the request, counting the token's).
    static func feishu(_ answer: @escaping @Sendable (HTTPRequest, Int) -> HTTPResponse) -> FakeServer {
        FakeServer { request, n in
            if request.url.path.hasSuffix("tenant_access_token/internal") {
                return json(200, ["code": 0, "tenant_access_token": "t-1", "expire": 7200])
            }
            return answer(request, n)
        }
    }

    func requests(to path: String) -> [HTTPRequest] {
        lock.lock()
        defer { lock.unlock() }
        return requests.filter { $0.url.path == path }
    }
}

func json(_ status: Int, _ object: [String: Any], headers: [String: String] = [:]) -> HTTPResponse {
    HTTPResponse(
        status: status, headers: headers, body: (try? JSONSerialization.data(withJSONObject: object)) ?? Data())
}

func bodyObject(_ request: HTTPRequest) -> [String: Any] {
    request.body.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
}

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
let noSleep = CallExecutor(policy: RetryPolicy(maxRetries: 3), logger: quietLogger, sleep: { _ in }, random: { 0.5 })

func dingTalkClient(_ server: FakeServer, api: DingTalkAPIFamily, maxIds: Int = 10_000) -> DingTalkClient {
    var config = DingTalkConfig()
    config.appKey = "key"
    config.appSecret = "secret"
    config.api = api
    config.apiBaseURL = "http://127.0.0.1:1"
    config.baseURL = "http://127.0.0.1:1"
    config.qps = 1000
    return DingTalkClient(
        options: .init(config: config, timeZone: TimeZone(identifier: "Asia/Shanghai")!, maxIdsPerQuery: maxIds),
        transport: server.transport, logger: quietLogger, executor: noSleep)
}

@Suite struct DingTalkClientFakeTests {
    let window = TimeWindow(
        start: Date(timeIntervalSince1970: 1_743_436_800), end: Date(timeIntervalSince1970: 1_743_523_200))

    @Test func newAPIPagesToLastPageWithStringTokens() async throws {
        let server = FakeServer { request, _ in
            if request.url.path == "/v1.0/oauth2/accessToken" {
                return json(200, ["accessToken": "tok", "expireIn": 7200])
            }
            let next = (bodyObject(request)["nextToken"] as? NSNumber)?.intValue ?? -1
            let ids = (next..<min(next + 20, 45)).map { "id\($0)" }
            var result: [String: Any] = ["list": ids]
            if next + 20 < 45 { result["nextToken"] = String(next + 20) }
            return json(200, ["result": result, "success": true])
        }
        let client = dingTalkClient(server, api: .new)
        let ids = try await client.listInstanceIds(processCode: "PROC-A", window: window)
        #expect(ids.count == 45)
        let pages = server.requests(to: "/v1.0/workflow/processes/instanceIds/query")
        #expect(pages.count == 3)
        #expect(pages.map { (bodyObject($0)["nextToken"] as? NSNumber)?.intValue } == [0, 20, 40])
        #expect(pages.allSatisfy { $0.headers["x-acs-dingtalk-access-token"] == "tok" && $0.url.query == nil })
        #expect(bodyObject(pages[0])["maxResults"] as? Int == 20)
        #expect(bodyObject(pages[0])["startTime"] as? NSNumber == 1_743_436_800_000)
    }

    @Test func legacyTokenInQueryAndCursorNumbers() async throws {
        let server = FakeServer { request, _ in
            if request.url.path == "/gettoken" {
                return json(200, ["errcode": 0, "access_token": "lt", "expires_in": 7200])
            }
            let cursor = (bodyObject(request)["cursor"] as? NSNumber)?.intValue ?? 0
            var result: [String: Any] = ["list": ["a\(cursor)"]]
            if cursor == 0 { result["next_cursor"] = 20 }
            return json(200, ["errcode": 0, "result": result])
        }
        let ids = try await dingTalkClient(server, api: .legacy).listInstanceIds(processCode: "PROC-A", window: window)
        #expect(ids == ["a0", "a20"])
        let pages = server.requests(to: "/topapi/processinstance/listids")
        #expect(pages.allSatisfy { $0.url.query == "access_token=lt" })
        #expect(bodyObject(pages[0])["process_code"] as? String == "PROC-A")
    }

    @Test func invalidTokenRefreshesOnceThenSucceeds() async throws {
        let server = FakeServer { request, _ in
            if request.url.path == "/gettoken" {
                return json(
                    200, ["errcode": 0, "access_token": "t\(Int.random(in: 0..<1_000_000))", "expires_in": 7200])
            }
            return json(200, ["errcode": 88, "sub_code": "40014", "sub_msg": "不合法的access_token"])
        }
        let client = dingTalkClient(server, api: .legacy)
        await #expect(throws: APIError.self) { _ = try await client.listInstanceIds(processCode: "P", window: window) }
        #expect(server.requests(to: "/gettoken").count == 2)  // initial + one refresh
        #expect(server.requests(to: "/topapi/processinstance/listids").count == 2)  // no endless loop
    }

    @Test func throttlingIsRetried() async throws {
        let server = FakeServer { request, n in
            if request.url.path == "/v1.0/oauth2/accessToken" {
                return json(200, ["accessToken": "tok", "expireIn": 7200])
            }
            if n <= 3 {
                return json(
                    403, ["code": "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", "message": "限流", "requestid": "r"])
            }
            return json(200, ["result": ["list": ["x"]], "success": true])
        }
        let client = dingTalkClient(server, api: .new)
        #expect(try await client.listInstanceIds(processCode: "P", window: window) == ["x"])
        #expect(await client.counter.throttled == 2)
    }

    @Test func missingPermissionNamesTheScope() async throws {
        let server = FakeServer { request, _ in
            if request.url.path == "/v1.0/oauth2/accessToken" {
                return json(200, ["accessToken": "tok", "expireIn": 7200])
            }
            return json(
                403,
                [
                    "code": "Forbidden.AccessDenied.AccessTokenPermissionDenied", "message": "没有权限", "requestid": "r",
                    "accessdenieddetail": ["requiredScopes": ["Workflow.Instance.Read"]]
                ])
        }
        let client = dingTalkClient(server, api: .new)
        do {
            _ = try await client.listInstanceIds(processCode: "P", window: window)
            Issue.record("expected an error")
        } catch let error as APIError {
            #expect(error.localizedDescription.contains("Workflow.Instance.Read"))
            #expect(error.localizedDescription.contains("开发者后台"))
            #expect(error.exitStatus == .failed)
        }
        #expect(server.requests(to: "/v1.0/workflow/processes/instanceIds/query").count == 1)  // not retried
    }

    @Test func capReachedSplitsTheWindow() async throws {
        // 30 instances spread over the window; the API yields at most 10 per query
        let created = (0..<30).map { 1_743_436_800_000 + Int64($0) * 2_880_000 }
        let server = FakeServer { request, _ in
            if request.url.path == "/v1.0/oauth2/accessToken" {
                return json(200, ["accessToken": "tok", "expireIn": 7200])
            }
            let b = bodyObject(request)
            let start = (b["startTime"] as? NSNumber)?.int64Value ?? 0
            let end = (b["endTime"] as? NSNumber)?.int64Value ?? 0
            let next = (b["nextToken"] as? NSNumber)?.intValue ?? 0
            let matching = created.filter { $0 >= start && $0 <= end }.prefix(10).map { "i\($0)" }
            let page = Array(matching.dropFirst(next).prefix(20))
            return json(200, ["result": ["list": page], "success": true])
        }
        let client = dingTalkClient(server, api: .new, maxIds: 10)
        let ids = try await client.listAllInstanceIds(processCode: "P", window: window)
        #expect(Set(ids).count == 30)
        #expect(ids.count == 30)
    }
}

func feishuClient(
    _ server: FakeServer, batchSize: Int = 2,
    tokens: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
) -> FeishuClient {
    var config = FeishuConfig()
    config.appID = "cli"
    config.appSecret = "s"
    config.appToken = "bascn"
    config.baseURL = "http://127.0.0.1:1"
    return FeishuClient(
        options: .init(config: config, batchSize: batchSize, writeQPS: 1000, readQPS: 1000, schemaQPS: 1000),
        transport: server.transport, logger: quietLogger, executor: noSleep, makeClientToken: tokens)
}

@Suite struct FeishuClientFakeTests {
    @Test func batchCreateChunksAndReusesClientTokenOnRetry() async throws {
        let counter = Counter()
        let server = FakeServer.feishu { request, _ in
            let records = bodyObject(request)["records"] as? [[String: Any]] ?? []
            let attempt = counter.next()
            if attempt == 1 { return json(504, ["code": 1_255_040, "msg": "请求超时"]) }  // applied or not, unknown
            return json(
                200,
                [
                    "code": 0,
                    "data": ["records": records.indices.map { ["record_id": "rec\(attempt)_\($0)", "fields": [:]] }]
                ])
        }
        let client = feishuClient(server, batchSize: 2, tokens: { "tok-\(counter.value)" })
        let rows: [FeishuFields] = (0..<3).map {
            [("instance_id", .text("i\($0)")), ("amount", .number(12.5)), ("end_time", .empty)]
        }
        let ids = try await client.batchCreate(table: "tbl", records: rows).recordIds
        #expect(ids.count == 3 && !ids.contains(nil))
        let creates = server.requests(to: "/open-apis/bitable/v1/apps/bascn/tables/tbl/records/batch_create")
        #expect(creates.count == 3)  // chunk 1 twice (timeout + retry), chunk 2 once
        let tokens = creates.map {
            URLComponents(url: $0.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "client_token" }?
                .value
        }
        #expect(tokens[0] == tokens[1])  // the retry reuses its chunk's token
        #expect(tokens[1] != tokens[2])
        let first = (bodyObject(creates[0])["records"] as? [[String: Any]])?.first?["fields"] as? [String: Any]
        #expect(first?["amount"] as? Double == 12.5)
        #expect(first?["end_time"] == nil)  // empty cells are omitted on create
        #expect(creates.allSatisfy { $0.headers["Authorization"] == "Bearer t-1" })
    }

    @Test func searchFlattensSegmentsAndPages() async throws {
        let server = FakeServer.feishu { request, _ in
            let token = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems?.first {
                $0.name == "page_token"
            }?.value
            if token == nil {
                return json(
                    200,
                    [
                        "code": 0,
                        "data": [
                            "has_more": true, "page_token": "p2", "total": 2,
                            "items": [
                                [
                                    "record_id": "rec1",
                                    "fields": [
                                        "title": [["type": "text", "text": "报销"], ["type": "text", "text": "差旅"]],
                                        "amount": 2580.5, "start_time": 1_718_089_200_000
                                    ]
                                ]
                            ]
                        ]
                    ])
            }
            return json(
                200,
                ["code": 0, "data": ["has_more": false, "total": 2, "items": [["record_id": "rec2", "fields": [:]]]]])
        }
        let records = try await feishuClient(server).searchRecords(
            table: "tbl", fieldNames: ["title"], filter: .anyOf(field: "instance_id", values: ["a", "b"]))
        #expect(records.count == 2)
        #expect(records[0].fields["title"] == "报销差旅")
        #expect(records[0].fields["amount"] == "2580.5")
        #expect(records[0].fields["start_time"] == "1718089200000")
        #expect(FeishuRecord.flattenNumber(1_795_167_720_000) == "1795167720000")
        #expect(FeishuRecord.flattenNumber(0.1) == "0.1")
        #expect(FeishuRecord.flattenNumber(1280.5) == "1280.5")
        #expect(FeishuRecord.flattenNumber(0.00001) == "0.00001")
        let search = server.requests(to: "/open-apis/bitable/v1/apps/bascn/tables/tbl/records/search")
        let filter = bodyObject(search[0])["filter"] as? [String: Any]
        #expect(filter?["conjunction"] as? String == "or")
        #expect((filter?["conditions"] as? [[String: Any]])?.count == 2)
    }

    /// Reference §5: 1254030 (TooLargeResponse) → shrink page_size. The search starts again from the first page at
    /// half the size until a page passes; at 10 a page the error stands, with what to do.
    @Test func aTooLargePageIsAskedForAgainSmaller() async throws {
        let server = FakeServer.feishu { request, _ in
            let items = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
            let size = Int(items.first { $0.name == "page_size" }?.value ?? "") ?? 0
            if size > 125 { return json(200, ["code": 1_254_030, "msg": "TooLargeResponse"]) }
            let second = items.contains { $0.name == "page_token" }
            return json(
                200,
                [
                    "code": 0,
                    "data": [
                        "has_more": !second, "page_token": "p2", "total": 2,
                        "items": [["record_id": second ? "rec2" : "rec1", "fields": [:]]]
                    ]
                ])
        }
        let records = try await feishuClient(server).searchRecords(table: "tbl")
        #expect(records.map(\.recordId) == ["rec1", "rec2"])
        let sizes = server.requests(to: "/open-apis/bitable/v1/apps/bascn/tables/tbl/records/search").map {
            URLComponents(url: $0.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "page_size" }?
                .value
        }
        #expect(sizes == ["500", "250", "125", "125"])

        let never = FakeServer.feishu { request, _ in
            return json(200, ["code": 1_254_030, "msg": "TooLargeResponse"])
        }
        do {
            _ = try await feishuClient(never).searchRecords(table: "tblMain")
            Issue.record("expected an error")
        } catch let error as APIError {
            #expect(error.code == "1254030")
            #expect(error.localizedDescription.contains("even 10 to a page"), "\(error.localizedDescription)")
            #expect(error.localizedDescription.contains("tblMain"))
        }
        let tried = never.requests(to: "/open-apis/bitable/v1/apps/bascn/tables/tblMain/records/search").count
        #expect(tried == 7, "500, 250, 125, 62, 31, 15, 10")
    }

    @Test func unknownFieldIsFatalAndPointsToSetup() async throws {
        let server = FakeServer.feishu { request, _ in
            return json(200, ["code": 1_254_045, "msg": "FieldNameNotFound"])
        }
        do {
            _ = try await feishuClient(server).batchCreate(table: "tblMain", records: [[("x", .text("y"))]])
            Issue.record("expected an error")
        } catch let error as APIError {
            #expect(error.localizedDescription.contains("dingsync setup"))
            #expect(error.localizedDescription.contains("tblMain"))
        }
    }

    @Test func expiredTenantTokenIsRefreshedOnce() async throws {
        let server = FakeServer { request, n in
            if request.url.path.hasSuffix("tenant_access_token/internal") {
                return json(200, ["code": 0, "tenant_access_token": "t-\(n)", "expire": 7200])
            }
            if request.headers["Authorization"] == "Bearer t-1" {
                return json(400, ["code": 99_991_663, "msg": "Invalid access token"])
            }
            return json(200, ["code": 0, "data": ["has_more": false, "items": []]])
        }
        _ = try await feishuClient(server).searchRecords(table: "tbl")
        #expect(server.requests.filter { $0.url.path.hasSuffix("tenant_access_token/internal") }.count == 2)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            n += 1
            return n
        }
        var value: Int {
            lock.lock()
            defer { lock.unlock() }
            return n
        }
    }
}
