import DingSyncBasics
import Foundation

/// The frames the client sends back (reference §11.3): `{"code", "headers": {"contentType",
/// "messageId"}, "message", "data"}` with `data` as JSON text.
public enum StreamAck {
    /// What an EVENT ack says about the event.
    public enum Status: String, Sendable {
        /// Consumed: do not deliver it again.
        case success = "SUCCESS"
        /// Not consumed: deliver it again later.
        case later = "LATER"
    }

    /// The ack of an EVENT: code 200 and `{"status": …, "message": …}`.
    public static func event(messageId: String, status: Status) -> String {
        let data: JSON = [
            "status": .string(status.rawValue), "message": .string(status == .success ? "success" : "later")
        ]
        return frame(code: 200, messageId: messageId, message: "OK", data: data.compactText)
    }

    /// The answer to a SYSTEM `ping`: its `data` (`{"opaque": …}`) echoed.
    public static func pong(messageId: String, data: String) -> String {
        frame(code: 200, messageId: messageId, message: "OK", data: data.isEmpty ? "{}" : data)
    }

    /// The answer to a CALLBACK (`watch` subscribes to none): `{"response": null}`.
    public static func callback(messageId: String) -> String {
        frame(code: 200, messageId: messageId, message: "OK", data: #"{"response":null}"#)
    }

    /// One reply frame as text.
    public static func frame(code: Int, messageId: String, message: String, data: String) -> String {
        let json: JSON = [
            "code": .number(code),
            "headers": ["contentType": "application/json", "messageId": .string(messageId)],
            "message": .string(message),
            "data": .string(data)
        ]
        return json.compactText
    }
}
