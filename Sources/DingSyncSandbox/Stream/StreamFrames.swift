/// An approval event with its identity: the gateway numbers each payload once, and every
/// delivery of it (first, redelivered, duplicated) carries the same `eventId`.
struct StreamEvent: Sendable {
    /// `headers.eventId`, the dedupe key: 32 hex digits, unique per event.
    var eventId: String
    /// `headers.eventBornTime`: the change's time, sandbox clock, epoch ms.
    var bornMs: Int64
    var payload: StreamPayload
}

/// The frames of reference §11.2 (text, one JSON object each, every header value a string)
/// and the reading of the client's ack frames (§11.3).
enum StreamFrames {
    /// The `errMsg` of an event pushed past the monthly quota (reference §11.5).
    static let quotaMessage = "受调用量超量影响，当前我的消息服务已经暂停，请升级版本或购买扩容包后恢复"

    /// An EVENT frame. Past the monthly quota (`overQuota`) it arrives without content: its
    /// `data` holds only `errCode` 20001 and `errMsg`.
    static func event(
        _ event: StreamEvent, messageId: String, nowMs: Int64, corpId: String, unifiedAppId: String,
        overQuota: Bool
    ) -> String {
        let headers: JSONValue = .object([
            ("contentType", "application/json"), ("messageId", .string(messageId)), ("time", .string(String(nowMs))),
            ("topic", "*"), ("eventId", .string(event.eventId)), ("eventType", .string(event.payload.eventType)),
            ("eventBornTime", .string(String(event.bornMs))), ("eventCorpId", .string(corpId)),
            ("eventUnifiedAppId", .string(unifiedAppId))
        ])
        let data: JSONValue =
            overQuota ? .object([("errCode", 20001), ("errMsg", .string(quotaMessage))]) : event.payload.data
        return frame(type: "EVENT", headers: headers, data: data)
    }

    /// A SYSTEM frame: `ping` (data `{"opaque"}`) or `disconnect` (data `{"reason"}`).
    static func system(topic: String, messageId: String, nowMs: Int64, data: JSONValue) -> String {
        let headers: JSONValue = .object([
            ("contentType", "application/json"), ("messageId", .string(messageId)), ("time", .string(String(nowMs))),
            ("topic", .string(topic))
        ])
        return frame(type: "SYSTEM", headers: headers, data: data)
    }

    private static func frame(type: String, headers: JSONValue, data: JSONValue) -> String {
        JSONValue.object([
            ("specVersion", "1.0"), ("type", .string(type)), ("headers", headers), ("data", .string(data.serialized()))
        ]).serialized()
    }

    // MARK: Acks

    /// What a client frame says, read leniently (the SDKs differ, reference §11.3).
    struct Ack: Sendable, Equatable {
        /// `headers.messageId`: the frame it answers.
        var messageId: String
        /// `code` (a number, or a string of digits).
        var code: Int
        /// `data.status` (`SUCCESS`, `LATER`), nil when absent.
        var status: String?
        /// `data.opaque` (a ping's echo), nil when absent.
        var opaque: String?

        /// The simulator rule: consumed unless `code != 200` or `status == "LATER"`.
        var consumes: Bool { code == 200 && status?.uppercased() != "LATER" }
    }

    /// Reads an ack frame: a JSON object with `code` and `headers.messageId`; `data` is JSON
    /// text (or, leniently, an object). nil when the frame is not an ack.
    static func parseAck(_ text: String) -> Ack? {
        guard let json = try? JSONValue.parse(text), json.objectPairs != nil,
            let messageId = json["headers"]?["messageId"]?.stringValue, !messageId.isEmpty,
            let code = json["code"]?.lenientInt64, let small = Int(exactly: code)
        else { return nil }
        var data: JSONValue?
        if let dataText = json["data"]?.stringValue {
            data = try? JSONValue.parse(dataText)
        } else if json["data"]?.objectPairs != nil {
            data = json["data"]
        }
        return Ack(
            messageId: messageId, code: small, status: data?["status"]?.stringValue,
            opaque: data?["opaque"]?.stringValue)
    }
}
