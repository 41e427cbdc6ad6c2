import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncPipeline
@testable import DingSyncProcessing

/// The OA premium listing through the client (fake transport) and the 5-year windows of the plan.
@Suite struct PremiumClientTests {
    static func item(_ id: String) -> [String: Any] {
        ["processInstanceId": id, "status": "RUNNING", "createTime": 1_743_470_123_000, "originatorUserid": "u1"]
    }

    static func query(_ request: HTTPRequest, _ name: String) -> String? {
        URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == name }?.value
    }

    @Test func pagesUntilHasMoreIsFalseEchoingTheToken() async throws {
        let server = FakeServer { request, _ in
            if request.url.path.hasSuffix("oauth2/accessToken") {
                return json(200, ["accessToken": "t", "expireIn": 7200])
            }
            let page = Int(Self.query(request, "nextToken") ?? "") ?? 0
            // the last page still names a following page: only hasMore ends the listing
            return json(
                200,
                [
                    "result": [
                        "hasMore": page < 3, "nextToken": String(page + 1), "maxResults": 20,
                        "list": [Self.item("I\(page)")]
                    ]
                ])
        }
        let client = dingTalkClient(server, api: .premium)
        let now = Date()
        let listing = try await client.listPremium(
            processCode: "P", window: TimeWindow(start: now.addingTimeInterval(-86_400), end: now))
        #expect(listing.instances.map(\.instanceId) == ["I1", "I2", "I3"])
        #expect(listing.calls == 3 && listing.isComplete)
        let calls = server.requests(to: "/v1.0/workflow/premium/processes/pages/instances")
        #expect(calls.map { Self.query($0, "nextToken") } == ["1", "2", "3"])
        #expect(calls.allSatisfy { $0.method == "GET" && $0.headers["x-acs-dingtalk-access-token"] == "t" })
        #expect(calls.allSatisfy { Self.query($0, "maxResults") == "20" && Self.query($0, "processCode") == "P" })
        #expect(
            calls.allSatisfy { Self.query($0, "startTimeInMills") != nil && Self.query($0, "endTimeInMills") != nil })
    }

    @Test func aTokenThatDoesNotMoveLeavesTheWindowIncomplete() async throws {
        let server = FakeServer { request, _ in
            if request.url.path.hasSuffix("oauth2/accessToken") {
                return json(200, ["accessToken": "t", "expireIn": 7200])
            }
            return json(200, ["result": ["hasMore": true, "nextToken": "1", "list": [Self.item("A")]]])
        }
        let client = dingTalkClient(server, api: .premium)
        let now = Date()
        let listing = try await client.listPremium(
            processCode: "P", window: TimeWindow(start: now.addingTimeInterval(-86_400), end: now))
        #expect(!listing.isComplete)
        #expect(listing.instances.map(\.instanceId) == ["A"])
    }

    @Test func noPremiumStopsTheRunWithTheFix() async throws {
        let server = FakeServer { request, _ in
            if request.url.path.hasSuffix("oauth2/accessToken") {
                return json(200, ["accessToken": "t", "expireIn": 7200])
            }
            return json(400, ["code": "benefit.status.invalid", "message": "权益校验失败，未开通或过期", "requestid": "r"])
        }
        let client = dingTalkClient(server, api: .premium)
        let now = Date()
        await #expect {
            _ = try await client.listPremium(
                processCode: "P", window: TimeWindow(start: now.addingTimeInterval(-86_400), end: now))
        } throws: { error in
            guard let api = error as? APIError else { return false }
            return api.stopsRun && api.hint.contains("no OA premium (OA高级版)") && api.hint.contains("dingtalk.api: new")
        }
        #expect(server.requests(to: "/v1.0/workflow/premium/processes/pages/instances").count == 1, "not retried")
    }

    @Test func premiumReachesFiveYearsBackOthers365Days() throws {
        let now = Date(timeIntervalSince1970: 1_764_000_000)
        let old = now.addingTimeInterval(-800 * 86_400)
        let plan = try SyncPlan.make(
            mode: .range(start: old, end: old.addingTimeInterval(200 * 86_400)), processCodes: ["P"],
            checkpoints: [:], now: now, sync: SyncConfig(), api: .premium)
        #expect(plan.windows[0].slices.count == 2)
        #expect(throws: SyncPlanError.self) {
            try SyncPlan.make(
                mode: .range(start: old, end: nil), processCodes: ["P"], checkpoints: [:], now: now,
                sync: SyncConfig(), api: .new)
        }
        #expect {
            _ = try SyncPlan.make(
                mode: .range(start: now.addingTimeInterval(-6 * 365 * 86_400), end: nil), processCodes: ["P"],
                checkpoints: [:], now: now, sync: SyncConfig(), api: .premium)
        } throws: { error in
            guard let e = error as? SyncPlanError, case .startTooOld(_, _, false, true) = e else { return false }
            return e.localizedDescription.contains("5 years")
        }
    }
}
