/// The Feishu custom-bot webhook: token, IP, size, signature, message shape.
extension SandboxCore {
    static let webhookMaxBytes = 20 * 1024
    static let webhookClockSkewSeconds: Int64 = 3600

    func webhook(_ ctx: inout CallContext) -> SandboxResponse {
        let hook = ctx.param("hook")
        let raw = ctx.request.bodyText
        var message = WebhookMessage(receivedAt: ctx.nowMs, body: nil, rawBody: String(raw.prefix(Self.webhookMaxBytes)),
                                     signatureValid: nil, code: 0)
        let response = webhookAnswer(&ctx, hook: hook, message: &message)
        if hook == identity.webhookToken {
            state.webhookMessages.append(message)
            if state.webhookMessages.count > 10_000 { state.webhookMessages.removeFirst(state.webhookMessages.count - 10_000) }
        }
        return response
    }

    private func webhookAnswer(_ ctx: inout CallContext, hook: String, message: inout WebhookMessage) -> SandboxResponse {
        func fail(_ code: Int, _ msg: String, status: Int = 200) -> SandboxResponse {
            message.code = code
            return webhookFailure(&ctx, code, msg, status: status)
        }
        guard hook == identity.webhookToken else { return fail(19001, "param invalid: incoming webhook access token invalid") }
        if state.settings.webhookIPBlocked { return fail(19022, "Ip Not Allowed") }
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
        return .json(.object([("StatusCode", 0), ("StatusMessage", "success"), ("code", 0), ("data", .object([])), ("msg", "success")]))
    }

    var webhookURL: String { "\(baseURL)/open-apis/bot/v2/hook/\(identity.webhookToken)" }
}
