import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients

/// The views calls of `FeishuClient` (feishu reference §9) against a scripted server.
@Suite struct FeishuViewsClientTests {
    @Test func listPagesCreateAndFilterShapes() async throws {
        let server = FakeServer.feishu { request, _ in
            let query = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
            switch (request.method, request.url.path.hasSuffix("/views")) {
            case ("GET", true):
                // the doc example hands back a page_token even on the last page: stop on has_more
                let second = query.contains { $0.name == "page_token" && $0.value == "p2" }
                return json(
                    200,
                    [
                        "code": 0,
                        "data": [
                            "has_more": !second, "page_token": second ? "vewLast0001" : "p2", "total": 2,
                            "items": [
                                [
                                    "view_id": second ? "vew2" : "vew1", "view_name": second ? "看板" : "表格",
                                    "view_type": second ? "kanban" : "grid"
                                ]
                            ]
                        ]
                    ])
            case ("POST", true):
                let body = bodyObject(request)
                return json(
                    200,
                    [
                        "code": 0,
                        "data": [
                            "view": [
                                "view_id": "vewNew0001", "view_name": body["view_name"] ?? "",
                                "view_type": body["view_type"] ?? ""
                            ]
                        ]
                    ])
            default:
                return json(200, ["code": 0, "data": ["view": ["view_id": "vewNew0001"]]])
            }
        }
        let client = feishuClient(server)
        let views = try await client.listViews(table: "tbl")
        #expect(
            views == [
                FeishuView(viewId: "vew1", name: "表格", type: "grid"), .init(viewId: "vew2", name: "看板", type: "kanban")
            ])
        // two pages, no third call for the last page's page_token
        #expect(server.requests(to: "/open-apis/bitable/v1/apps/bascn/tables/tbl/views").count == 2)

        let made = try await client.createView(table: "tbl", name: "时间线", type: "gantt")
        #expect(made == FeishuView(viewId: "vewNew0001", name: "时间线", type: "gantt"))
        let create = try #require(server.requests(to: "/open-apis/bitable/v1/apps/bascn/tables/tbl/views").last)
        #expect(create.method == "POST")
        #expect(NSDictionary(dictionary: bodyObject(create)) == ["view_name": "时间线", "view_type": "gantt"])

        try await client.setViewFilter(
            table: "tbl", viewId: "vewNew0001",
            filter: FeishuViewFilter(conditions: [.init(fieldId: "fldS", op: "is", values: ["审批中"])]))
        let patch = try #require(
            server.requests(to: "/open-apis/bitable/v1/apps/bascn/tables/tbl/views/vewNew0001").first)
        #expect(patch.method == "PATCH")
        let info = (bodyObject(patch)["property"] as? [String: Any])?["filter_info"] as? [String: Any]
        let condition = (info?["conditions"] as? [[String: Any]])?.first
        #expect(info?["conjunction"] as? String == "and")
        #expect(condition?["field_id"] as? String == "fldS")
        // the value is the JSON text of a string array, not an array
        #expect(condition?["value"] as? String == "[\"审批中\"]")
    }
}
