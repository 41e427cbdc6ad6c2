import Foundation
import Testing

@testable import DingSyncSandbox

/// Stream mode (reference §11.1): `connections/open` and the WebSocket handshake.
@Suite("Stream mode: connections/open and the handshake")
struct StreamConnectionTests {
    static func small(_ o: inout SandboxOptions) { o.instances = 20 }

    @Test func openAnswersTheEndpointAndATicket() async throws {
        try await Harness.with(Self.small) { h in
            let answer = try await h.client.post("/v1.0/gateway/connections/open", h.streamOpenBody())
            #expect(answer.status == 200)
            #expect(answer.json["endpoint"]?.stringValue == "ws://127.0.0.1:\(h.sandbox.port)/connect")
            let ticket = try #require(answer.json["ticket"]?.stringValue)
            #expect(
                ticket.range(
                    of: #"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"#,
                    options: .regularExpression) != nil)
            #expect(answer.header("x-acs-request-id") != nil)
            // The Go SDK's extra SYSTEM subscriptions and extras are accepted.
            var body = h.streamOpenBody()
            body = body.setting(
                "subscriptions",
                [
                    ["type": "EVENT", "topic": "*"], ["type": "SYSTEM", "topic": "ping"],
                    ["type": "CALLBACK", "topic": "/v1.0/im/bot/messages/get"]
                ]
            ).setting("extras", [:])
            #expect(try await h.client.post("/v1.0/gateway/connections/open", body).status == 200)

            // The connection shows the ticket's ua and localIp.
            guard case .upgraded(let socket) = try await h.streamHandshake(ticket) else {
                Issue.record("the handshake was refused")
                return
            }
            try await h.until("the connection is listed") {
                try await h.client.admin("GET", "stream/connections")["connections"]?.arrayValue?.count == 1
            }
            let listed = try await h.client.admin("GET", "stream/connections")
            #expect(listed.at("connections.0.ua")?.stringValue == "dingsync-tests/1.0")
            #expect(listed.at("connections.0.local_ip")?.stringValue == "10.0.0.7")
            #expect(listed.at("connections.0.state")?.stringValue == "open")
            #expect(listed["endpoint"]?.stringValue == "ws://127.0.0.1:\(h.sandbox.port)/connect")
            socket.hangUp()
            try await h.until("the connection is gone") { try await h.streamCount("connections.closed") == 1 }
            #expect(try await h.streamCount("connections.tickets_issued") == 2)
        }
    }

    @Test func wrongCredentialsAre401AuthFailed() async throws {
        try await Harness.with(Self.small) { h in
            for body in [h.streamOpenBody(secret: "wrong"), h.streamOpenBody().setting("clientId", "dingnobody")] {
                let answer = try await h.client.post("/v1.0/gateway/connections/open", body)
                #expect(answer.status == 401)
                #expect(answer.json["code"]?.stringValue == "authFailed")
                #expect(answer.json["message"]?.stringValue == "鉴权失败")
                #expect(answer.json["requestid"]?.stringValue?.isEmpty == false)
            }
            // Wrong credentials are refused whatever the rest of the body says.
            let bad = h.streamOpenBody(secret: "wrong").setting("subscriptions", [])
            #expect(try await h.client.post("/v1.0/gateway/connections/open", bad).status == 401)
            #expect(try await h.streamCount("connections.auth_failed") == 3)
            #expect(try await h.streamCount("connections.tickets_issued") == 0)
        }
    }

    @Test func badBodiesAre400() async throws {
        try await Harness.with(Self.small) { h in
            let path = "/v1.0/gateway/connections/open"
            let good = h.streamOpenBody()
            let cases: [(JSONValue?, String)] = [
                (nil, "Missingbody"),
                (good.setting("clientId", .null), "MissingclientId"),
                (good.setting("clientId", 12345), "invalidParameter"),
                (good.setting("clientSecret", .null), "MissingclientSecret"),
                (good.setting("subscriptions", .null), "Missingsubscriptions"),
                (good.setting("subscriptions", []), "invalidParameter"),
                (good.setting("subscriptions", ["type": "EVENT", "topic": "*"]), "invalidParameter"),
                (good.setting("subscriptions", ["EVENT"]), "invalidParameter"),
                (good.setting("subscriptions", [["type": "EVENT", "topic": "bpms_task_change"]]), "invalidParameter"),
                (good.setting("subscriptions", [["type": "PUSH", "topic": "*"]]), "invalidParameter"),
                (good.setting("subscriptions", [["type": "EVENT"]]), "invalidParameter"),
                (
                    good.setting("subscriptions", [["type": "CALLBACK", "topic": "/v1.0/card/instances/callback"]]),
                    "invalidParameter"
                ),
                (good.setting("ua", 3), "invalidParameter"),
                (good.setting("localIp", ["10.0.0.1"]), "invalidParameter"),
                (good.setting("extras", "x"), "invalidParameter")
            ]
            for (body, code) in cases {
                let answer: HTTPAnswer
                if let body {
                    answer = try await h.client.post(path, body)
                } else {
                    answer = try await h.client.call(
                        "POST", path, body: Data("not json".utf8),
                        contentType: "application/json")
                }
                #expect(answer.status == 400, "\(body?.serialized() ?? "not json")")
                #expect(answer.json["code"]?.stringValue == code, "\(body?.serialized() ?? "") → \(answer.text)")
            }
            // Only POST.
            let get = try await h.client.get(path)
            #expect(get.status == 404)
            #expect(get.json["code"]?.stringValue == "InvalidAction.NotFound")
            #expect(try await h.streamCount("connections.tickets_issued") == 0)
        }
    }

    @Test func aTicketIsGoodForOneConnectionWithinItsLifetime() async throws {
        try await Harness.with(Self.small) { h in
            let ticket = try await h.streamTicket()
            // Plain HTTP (no handshake) is refused and leaves the ticket unused.
            let plain = try await h.client.get("/connect", query: [("ticket", ticket)])
            #expect(plain.status == 400)
            #expect(plain.json["code"]?.stringValue == "notWebSocket")

            guard case .upgraded(let socket) = try await h.streamHandshake(ticket) else {
                Issue.record("a fresh ticket was refused")
                return
            }
            // Used once: refused before any upgrade.
            guard case .refused(let status, let body) = try await h.streamHandshake(ticket) else {
                Issue.record("a used ticket was accepted")
                return
            }
            #expect(status == 401)
            #expect(body.contains("invalidTicket") && body.contains("already used"))

            guard case .refused(let unknown, _) = try await h.streamHandshake(UUID().uuidString.lowercased()) else {
                Issue.record("an unknown ticket was accepted")
                return
            }
            #expect(unknown == 401)
            guard
                case .refused(let missing, let missingBody) = try await RawWebSocket.dial(
                    port: h.sandbox.port, path: "/connect")
            else {
                Issue.record("a handshake without a ticket was accepted")
                return
            }
            #expect(missing == 400)
            #expect(missingBody.contains("missingTicket"))

            // 90 s of the sandbox clock later a ticket has expired.
            let late = try await h.streamTicket()
            _ = try await h.client.admin("POST", "clock/advance", ["seconds": 91])
            guard case .refused(let expired, let expiredBody) = try await h.streamHandshake(late) else {
                Issue.record("an expired ticket was accepted")
                return
            }
            #expect(expired == 401)
            #expect(expiredBody.contains("expired"))
            #expect(try await h.streamCount("connections.handshakes_refused") == 5)
            #expect(try await h.streamCount("connections.opened") == 1)
            socket.hangUp()
        }
    }

    @Test func anAdminResetDropsEveryConnection() async throws {
        try await Harness.with(Self.small) { h in
            let socket = try await h.streamConnect()
            _ = try await h.client.admin("POST", "reset")
            #expect(await socket.waitClosed())
            try await h.until("no connection is listed") {
                try await h.client.admin("GET", "stream/connections")["connections"]?.arrayValue?.isEmpty == true
            }
            #expect(try await h.streamCount("connections.opened") == 0)
        }
    }
}
