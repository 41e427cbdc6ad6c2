import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

/// Posts a notification to a Feishu custom group bot (reference §6): an interactive card in
/// the top-level `card`, signed with `timestamp` + `sign` when the bot has a secret.
///
/// Rate-limit answers (HTTP 429, 99991400, 11232) and transport failures are retried twice
/// after 1 and 2 seconds; one run sends one message, far below the bot's 5/s and 100/min.
public struct FeishuBot: Sendable {
    public static let channel = "Feishu bot"
    public static let maxBodyBytes = 20 * 1024

    let webhookURL: String
    let secret: String
    let transport: HTTPTransport
    let now: @Sendable () -> Date
    let sleep: @Sendable (TimeInterval) async -> Void

    public init(
        webhookURL: String, secret: String, transport: HTTPTransport, now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (TimeInterval) async -> Void = {
            try? await Task.sleep(nanoseconds: UInt64($0 * 1_000_000_000))
        }
    ) {
        self.webhookURL = webhookURL
        self.secret = secret
        self.transport = transport
        self.now = now
        self.sleep = sleep
    }

    /// `base64(HMAC-SHA256(key: "timestamp\nsecret", message: ""))`.
    public static func signature(timestamp: String, secret: String) -> String {
        Hashing.hmacSHA256Base64(key: "\(timestamp)\n\(secret)", message: "")
    }

    /// The JSON body: the card, plus `timestamp` (seconds, a string) and `sign` with a secret.
    public static func payload(_ message: NotificationMessage, secret: String, timestamp: String) -> JSON {
        var elements: [JSON] = [
            ["tag": "div", "text": ["tag": "lark_md", "content": .string(message.factsMarkdown)]]
        ]
        if !message.fixes.isEmpty {
            elements.append(["tag": "hr"])
            elements.append(["tag": "div", "text": ["tag": "lark_md", "content": .string(message.fixesMarkdown)]])
        }
        elements.append(["tag": "note", "elements": [["tag": "plain_text", "content": .string(message.footer)]]])
        let card: JSON = [
            "config": ["wide_screen_mode": true],
            "header": [
                "title": ["tag": "plain_text", "content": .string(message.title)],
                "template": .string(message.severity.template)
            ],
            "elements": .array(elements)
        ]
        var body: JSON = ["msg_type": "interactive", "card": card]
        if !secret.isEmpty {
            body["timestamp"] = .string(timestamp)
            body["sign"] = .string(signature(timestamp: timestamp, secret: secret))
        }
        return body
    }

    /// The bot's answer: nil when accepted (`code == 0`, or `StatusCode == 0` where `code` is
    /// absent), else whether to retry and what it means.
    public static func interpret(_ response: HTTPResponse) -> (retry: Bool, problem: String)? {
        let json = JSON.parseObject(response.body)
        let code = json?.int("code")
        if let code {
            if code == 0 { return nil }
        } else if let status = json?.int("StatusCode"), status == 0 {
            return nil
        }
        let message =
            json?.string("msg") ?? json?.string("StatusMessage")
            ?? String(decoding: response.body.prefix(200), as: UTF8.self)
        let label = code.map { "\($0) \(message)" } ?? "HTTP \(response.status) \(message)"
        switch code {
        case 19001:
            return (
                false,
                "\(label): notification.webhook_url is wrong or the bot was removed — copy the webhook address again (群设置 → 群机器人 → the bot)"
            )
        case 19021:
            return (
                false,
                "\(label): the signature was refused — notification.secret must be the bot's 签名校验 secret, and this machine's clock must be right (within 1 h)"
            )
        case 19022:
            return (
                false,
                "\(label): this machine's IP is not in the bot's IP allow-list — add it, or remove the restriction (群机器人 → 安全设置)"
            )
        case 19024:
            return (
                false,
                "\(label): the bot requires a keyword — add the keyword \"dingsync\" (every message title contains it)"
            )
        case 9499:
            return (
                false,
                "\(label): the message was refused as malformed or too large; this is a bug in dingsync, please report it"
            )
        case 11232, 99_991_400:
            return (true, "\(label): the bot is rate limited")
        default:
            return (response.status == 429 || response.status >= 500, label)
        }
    }

    /// Sends the message; never throws.
    public func send(_ message: NotificationMessage) async -> DeliveryResult {
        guard let url = URL(string: webhookURL), url.scheme != nil else {
            return DeliveryResult(
                channel: Self.channel, delivered: false, detail: "notification.webhook_url is not a URL")
        }
        var problem = ""
        for attempt in 1...3 {
            let timestamp = String(Int(now().timeIntervalSince1970))
            var body = Self.payload(message, secret: secret, timestamp: timestamp).compactData
            if body.count > Self.maxBodyBytes {
                var shorter = message
                shorter.facts =
                    Array(message.facts.prefix(8)) + [
                        (label: "Note", value: "message shortened; the full summary is in the log")
                    ]
                body = Self.payload(shorter, secret: secret, timestamp: timestamp).compactData
            }
            let request = HTTPRequest(
                method: "POST", url: url, headers: ["Content-Type": "application/json; charset=utf-8"], body: body,
                timeout: 15)
            let retry: Bool
            do {
                let response = try await transport.send(request)
                guard let failure = Self.interpret(response) else {
                    return DeliveryResult(
                        channel: Self.channel, delivered: true,
                        detail: attempt == 1 ? "sent" : "sent (attempt \(attempt))")
                }
                (retry, problem) = failure
            } catch {
                retry = true
                problem = "cannot reach the webhook: \((error as? LocalizedError)?.errorDescription ?? "\(error)")"
            }
            guard retry, attempt < 3 else { break }
            await sleep(TimeInterval(attempt))
        }
        return DeliveryResult(channel: Self.channel, delivered: false, detail: problem)
    }
}
