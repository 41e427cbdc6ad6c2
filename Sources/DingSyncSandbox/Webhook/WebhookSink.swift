import NIOConcurrencyHelpers

/// One message the bot received, as `/__admin/webhook/messages` lists it.
struct WebhookMessage: Sendable {
    var receivedAt: Int64
    var body: JSONValue?
    var rawBody: String
    var signatureValid: Bool?
    var code: Int
}

/// The Feishu custom bot: checks and answers each message, keeps the last 10,000.
///
/// Checks token, IP, size, signature and shape; the messages sent to the sandbox's hook are
/// kept for the admin API. Its messages are touched only under `lock`; checking a message needs
/// no state.
final class WebhookSink: EnvelopeAnswering, @unchecked Sendable {
    static let webhookMaxBytes = 20 * 1024
    static let webhookClockSkewSeconds: Int64 = 3600
    static let keptMessages = 10_000

    private let lock = NIOLock()
    let envelopes: Envelopes
    let identity: SandboxIdentity
    private let address: SandboxAddress
    private var messages: [WebhookMessage] = []

    init(identity: SandboxIdentity, envelopes: Envelopes, address: SandboxAddress) {
        self.identity = identity
        self.envelopes = envelopes
        self.address = address
    }

    /// The hook's URL (`notification.webhook_url`).
    var url: String { "\(address.url)/open-apis/bot/v2/hook/\(identity.webhookToken)" }

    /// Answers a bot message; one sent to the sandbox's hook is kept.
    func handle(_ ctx: inout CallContext) -> SandboxResponse {
        let hook = ctx.param("hook")
        let raw = ctx.request.bodyText
        var message = WebhookMessage(
            receivedAt: ctx.nowMs, body: nil, rawBody: String(raw.prefix(Self.webhookMaxBytes)),
            signatureValid: nil, code: 0)
        let response = webhookAnswer(&ctx, hook: hook, message: &message)
        if hook == identity.webhookToken {
            lock.withLock {
                messages.append(message)
                if messages.count > Self.keptMessages { messages.removeFirst(messages.count - Self.keptMessages) }
            }
        }
        return response
    }

    /// `GET /__admin/webhook/messages`.
    func messagesJSON() -> JSONValue {
        lock.withLock {
            .object([
                (
                    "messages",
                    .array(
                        messages.map { msg in
                            var b = ObjectBuilder()
                            b.set("received_at", .int(msg.receivedAt))
                            b.set("body", msg.body ?? .string(msg.rawBody))
                            b.set("signature_valid", msg.signatureValid.map { JSONValue.bool($0) } ?? .null)
                            b.set("code", .int(msg.code))
                            return b.value
                        })
                )
            ])
        }
    }

    /// Forgets the received messages (`DELETE /__admin/webhook/messages`, admin reset).
    func reset() {
        lock.withLock { messages = [] }
    }

    private func webhookAnswer(_ ctx: inout CallContext, hook: String, message: inout WebhookMessage) -> SandboxResponse
    {
        func fail(_ code: Int, _ msg: String, status: Int = 200) -> SandboxResponse {
            message.code = code
            return webhookFailure(&ctx, code, msg, status: status)
        }
        guard hook == identity.webhookToken else {
            return fail(19001, "param invalid: incoming webhook access token invalid")
        }
        if ctx.settings.webhookIPBlocked { return fail(19022, "Ip Not Allowed") }
        if ctx.request.body.count > Self.webhookMaxBytes { return fail(9499, "Bad Request", status: 400) }
        guard let body = try? JSONValue.parse(ctx.request.body), body.objectPairs != nil else {
            return fail(9499, "Bad Request", status: 400)
        }
        message.body = body
        let secret = identity.webhookSecret
        if !secret.isEmpty {
            // Clients sign with their own clock: compare with the machine's wall clock.
            let wall = TimeFormat.wallNowMs() / 1000
            let timestamp = body["timestamp"]?.lenientString ?? ""
            let sign = body["sign"]?.stringValue ?? ""
            let valid: Bool
            if let ts = Int64(timestamp), abs(ts - wall) <= Self.webhookClockSkewSeconds {
                valid = FeishuBotSignature.sign(timestamp: timestamp, secret: secret) == sign
            } else {
                valid = false
            }
            message.signatureValid = valid
            if !valid { return fail(19021, "sign match fail or timestamp is not within one hour from current time") }
        }
        guard let type = body["msg_type"]?.stringValue else { return fail(9499, "Bad Request", status: 400) }
        let content = body["content"]
        let shapeOK: Bool
        switch type {
        case "text": shapeOK = content?["text"]?.stringValue != nil
        case "post": shapeOK = content?["post"]?.objectPairs != nil
        case "image": shapeOK = content?["image_key"]?.stringValue != nil
        case "share_chat": shapeOK = content?["share_chat_id"]?.stringValue != nil
        case "interactive": shapeOK = body["card"]?.objectPairs != nil
        default: shapeOK = false
        }
        guard shapeOK else { return fail(9499, "Bad Request", status: 400) }
        message.code = 0
        return .json(
            .object([
                ("StatusCode", 0), ("StatusMessage", "success"), ("code", 0), ("data", .object([])), ("msg", "success")
            ]))
    }
}
