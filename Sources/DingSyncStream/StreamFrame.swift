import DingSyncBasics
import Foundation

/// One text frame the Stream server sends (reference §11.2): `specVersion`, `type`, `headers`
/// and `data` (the payload as JSON text). Parsing is lenient: header values are strings in the
/// protocol, numbers are accepted too.
public struct StreamFrame: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case system = "SYSTEM"
        case event = "EVENT"
        case callback = "CALLBACK"
        case other
    }

    public var kind: Kind
    /// Every header as text (numbers as their literal).
    public var headers: [String: String]
    /// The payload's JSON text ("" when absent).
    public var data: String

    public init(kind: Kind, headers: [String: String], data: String) {
        self.kind = kind
        self.headers = headers
        self.data = data
    }

    /// Parses one frame; nil when the text is not a JSON object.
    public static func parse(_ text: String) -> StreamFrame? {
        guard let json = JSON.parse(text), json.members != nil else { return nil }
        let kind = json.string("type").flatMap { Kind(rawValue: $0.uppercased()) } ?? .other
        var headers: [String: String] = [:]
        for (key, value) in json.child("headers")?.members ?? [] {
            if headers[key] == nil, let text = value.scalarText { headers[key] = text }
        }
        let data: String
        switch json["data"] {
        case .string(let text)?: data = text
        case let value? where !value.isNull: data = value.compactText  // an object sent as such
        default: data = ""
        }
        return StreamFrame(kind: kind, headers: headers, data: data)
    }

    /// `headers.messageId`, echoed in the ack.
    public var messageId: String { headers["messageId"] ?? "" }
    /// `headers.topic`: `ping` or `disconnect` for SYSTEM frames.
    public var topic: String { headers["topic"] ?? "" }
    /// `headers.eventId`: the dedupe key of an EVENT.
    public var eventId: String { headers["eventId"] ?? "" }
    /// `headers.eventType`, e.g. `bpms_instance_change` (EVENTs are routed by it, never by topic).
    public var eventType: String { headers["eventType"] ?? "" }
    /// `headers.eventBornTime` (epoch ms) as a date.
    public var eventBornTime: Date? { Self.epochMilliseconds(headers["eventBornTime"]) }

    /// The payload parsed (nil when `data` is not JSON).
    public var payload: JSON? { data.isEmpty ? nil : JSON.parse(data) }

    static func epochMilliseconds(_ text: String?) -> Date? {
        guard let text, let ms = JSON.number(text.trimmingCharacters(in: .whitespaces)).intValue, ms > 0 else {
            return nil
        }
        return Date(timeIntervalSince1970: Double(ms) / 1000)
    }
}
