import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

private let message = NotificationMessage(
    severity: .failure, title: "dingsync: the incremental run failed (exit 2) · 同步失败",
    facts: [("Stopped", "qyapi_get_member missing")], fixes: ["run `dingsync doctor`"],
    footer: "dingsync · host")

/// Counts the sleeps between attempts (none actually waits).
private final class Sleeps: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [TimeInterval] = []
    func add(_ value: TimeInterval) { lock.withLock { values.append(value) } }
    var all: [TimeInterval] { lock.withLock { values } }
}

private func bot(_ server: FakeServer, secret: String = "demo", sleeps: Sleeps = Sleeps()) -> FeishuBot {
    FeishuBot(
        webhookURL: "http://127.0.0.1:1/open-apis/bot/v2/hook/abc-123", secret: secret, transport: server.transport,
        now: { Date(timeIntervalSince1970: 1_599_360_473) }, sleep: { sleeps.add($0) })
}

@Suite struct FeishuBotTests {
    @Test func signatureMatchesTheReferenceVector() {
        #expect(
            FeishuBot.signature(timestamp: "1599360473", secret: "demo")
                == "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=")
    }

    @Test func cardIsTopLevelAndSignedOnlyWithASecret() throws {
        let signed = FeishuBot.payload(message, secret: "demo", timestamp: "1599360473")
        #expect(signed["msg_type"] == .string("interactive"))
        #expect(signed["content"] == nil)
        #expect(signed["timestamp"] == .string("1599360473"))
        #expect(signed["sign"] == .string("l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8="))
        let card = try #require(signed.child("card"))
        let header = try #require(card.child("header"))
        #expect(header["template"] == .string("red"))
        #expect(header.child("title")?["content"] == .string(message.title))
        let elements = try #require(card["elements"]?.items)
        let texts = elements.compactMap { $0.child("text") }
        #expect(texts.allSatisfy { $0["tag"] == .string("lark_md") })
        #expect(texts.first?["content"] == .string("**Stopped**: qyapi&#95;get&#95;member missing"))
        #expect(texts.last?.string("content")?.contains("run `dingsync doctor`") == true)

        let unsigned = FeishuBot.payload(message, secret: "", timestamp: "1599360473")
        #expect(unsigned["timestamp"] == nil && unsigned["sign"] == nil)
    }

    @Test func answersAreReadByCodeThenStatusCode() {
        #expect(
            FeishuBot.interpret(
                json(200, ["StatusCode": 0, "StatusMessage": "success", "code": 0, "data": [:], "msg": "success"]))
                == nil)
        #expect(FeishuBot.interpret(json(200, ["Extra": NSNull(), "StatusCode": 0, "StatusMessage": "success"])) == nil)
        let sign = FeishuBot.interpret(
            json(200, ["code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"]))
        #expect(sign?.retry == false)
        #expect(sign?.problem.contains("notification.secret") == true)
        #expect(
            FeishuBot.interpret(
                json(200, ["code": 19001, "msg": "param invalid: incoming webhook access token invalid"]))?.problem
                .contains("notification.webhook_url") == true)
        #expect(
            FeishuBot.interpret(json(200, ["code": 19024, "msg": "Key Words Not Found"]))?.problem.contains("keyword")
                == true)
        #expect(FeishuBot.interpret(json(400, ["code": 9499, "msg": "Bad Request", "data": [:]]))?.retry == false)
        #expect(FeishuBot.interpret(json(200, ["code": 11232, "msg": "frequency limited"]))?.retry == true)
        #expect(FeishuBot.interpret(HTTPResponse(status: 429, body: Data("too many".utf8)))?.retry == true)
    }

    @Test func sendsOnceWhenAccepted() async throws {
        let server = FakeServer { _, _ in json(200, ["code": 0, "msg": "success"]) }
        let result = await bot(server).send(message)
        #expect(result.delivered)
        #expect(server.requests.count == 1)
        let body = bodyObject(try #require(server.requests.first))
        #expect(body["sign"] as? String == "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=")
        #expect(server.requests.first?.headers["Content-Type"]?.hasPrefix("application/json") == true)
    }

    @Test func rateLimitIsRetriedAndAPermanentRefusalIsNot() async {
        let sleeps = Sleeps()
        let limited = FakeServer { _, n in
            n == 1 ? json(429, ["code": 99_991_400, "msg": "request trigger frequency limit"]) : json(200, ["code": 0])
        }
        let result = await bot(limited, sleeps: sleeps).send(message)
        #expect(result.delivered && result.detail == "sent (attempt 2)")
        #expect(sleeps.all == [1])

        let refused = FakeServer { _, _ in json(200, ["code": 19022, "msg": "Ip Not Allowed"]) }
        let failed = await bot(refused).send(message)
        #expect(!failed.delivered)
        #expect(refused.requests.count == 1)
        #expect(failed.detail.contains("IP allow-list"))
    }

    @Test func unreachableWebhookGivesUpAfterThreeAttempts() async {
        let server = FakeServer { _, _ in HTTPResponse(status: 200, body: Data()) }
        let down = FeishuBot(
            webhookURL: "http://127.0.0.1:1/open-apis/bot/v2/hook/x", secret: "",
            transport: ClosureTransport { _ in
                throw TransportError(url: "http://127.0.0.1:1/open-apis/bot/v2/hook/x", reason: "connection refused")
            },
            sleep: { _ in })
        let result = await down.send(message)
        #expect(!result.delivered)
        #expect(result.detail.hasPrefix("cannot reach the webhook"))
        #expect(server.requests.isEmpty)
    }

    @Test func oversizedMessagesAreShortenedBelowTwentyKilobytes() async throws {
        var big = message
        big.facts = (1...200).map { ("Failed", "instance\($0): " + String(repeating: "错误", count: 200)) }
        let server = FakeServer { _, _ in json(200, ["code": 0]) }
        let result = await bot(server).send(big)
        #expect(result.delivered)
        let sent = try #require(server.requests.first?.body)
        #expect(sent.count <= FeishuBot.maxBodyBytes)
        #expect(String(decoding: sent, as: UTF8.self).contains("message shortened"))
    }
}
