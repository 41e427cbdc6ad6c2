/// The body of `POST /v1.0/gateway/connections/open` (reference §11.1), checked strictly.
///
/// `clientId`, `clientSecret` (strings), `subscriptions` (a non-empty array of
/// `{"type","topic"}` objects; `type` EVENT, CALLBACK or SYSTEM — the Go SDK sends SYSTEM
/// entries —, `topic` a non-empty string, an EVENT's topic only `*`, at least one
/// `{"type":"EVENT","topic":"*"}`), optional `ua` and `localIp` strings and `extras` object.
/// Unknown members are ignored, as the real gateway evidently does.
struct StreamOpenRequest: Sendable {
    var clientId: String
    var clientSecret: String
    var subscriptions: [(type: String, topic: String)]
    var ua: String
    var localIp: String

    /// A refused body: HTTP status, `code`, `message`.
    struct Problem: Error, Sendable {
        var status: Int
        var code: String
        var message: String
        init(_ code: String, _ message: String, status: Int = 400) {
            self.status = status
            self.code = code
            self.message = message
        }
    }

    /// The credentials only (checked before the subscriptions, so wrong credentials are a 401
    /// whatever the rest says).
    static func credentials(_ body: [UInt8]) throws(Problem) -> (
        clientId: String, clientSecret: String, json: JSONValue
    ) {
        guard !body.isEmpty, let json = try? JSONValue.parse(body), json.objectPairs != nil else {
            throw Problem("Missingbody", "body is mandatory for this action.")
        }
        guard let id = json["clientId"], !id.isNull else {
            throw Problem("MissingclientId", "clientId is mandatory for this action.")
        }
        guard let clientId = id.stringValue, !clientId.isEmpty else {
            throw Problem("invalidParameter", "clientId must be a non-empty string")
        }
        guard let secret = json["clientSecret"], !secret.isNull else {
            throw Problem("MissingclientSecret", "clientSecret is mandatory for this action.")
        }
        guard let clientSecret = secret.stringValue, !clientSecret.isEmpty else {
            throw Problem("invalidParameter", "clientSecret must be a non-empty string")
        }
        return (clientId, clientSecret, json)
    }

    /// The whole body, once the credentials are right.
    static func parse(_ json: JSONValue, clientId: String, clientSecret: String) throws(Problem) -> StreamOpenRequest {
        guard let subs = json["subscriptions"], !subs.isNull else {
            throw Problem("Missingsubscriptions", "subscriptions is mandatory for this action.")
        }
        guard let items = subs.arrayValue, !items.isEmpty else {
            throw Problem("invalidParameter", "subscriptions must be a non-empty array of {\"type\",\"topic\"}")
        }
        var subscriptions: [(type: String, topic: String)] = []
        for (index, item) in items.enumerated() {
            let at = "subscriptions[\(index)]"
            guard item.objectPairs != nil else { throw Problem("invalidParameter", "\(at) must be an object") }
            guard let type = item["type"]?.stringValue else {
                throw Problem("invalidParameter", "\(at).type must be a string: EVENT, CALLBACK or SYSTEM")
            }
            guard ["EVENT", "CALLBACK", "SYSTEM"].contains(type) else {
                throw Problem("invalidParameter", "\(at).type \(type) is not EVENT, CALLBACK or SYSTEM")
            }
            guard let topic = item["topic"]?.stringValue, !topic.isEmpty else {
                throw Problem("invalidParameter", "\(at).topic must be a non-empty string")
            }
            if type == "EVENT", topic != "*" {
                throw Problem(
                    "invalidParameter", "\(at).topic must be \"*\" for EVENT (events are chosen in the console)")
            }
            subscriptions.append((type, topic))
        }
        guard subscriptions.contains(where: { $0.type == "EVENT" && $0.topic == "*" }) else {
            throw Problem("invalidParameter", "subscriptions must contain {\"type\":\"EVENT\",\"topic\":\"*\"}")
        }
        func optionalString(_ key: String) throws(Problem) -> String {
            guard let value = json[key], !value.isNull else { return "" }
            guard let text = value.stringValue else { throw Problem("invalidParameter", "\(key) must be a string") }
            return text
        }
        let ua = try optionalString("ua")
        let localIp = try optionalString("localIp")
        if let extras = json["extras"], !extras.isNull, extras.objectPairs == nil {
            throw Problem("invalidParameter", "extras must be an object")
        }
        return StreamOpenRequest(
            clientId: clientId, clientSecret: clientSecret, subscriptions: subscriptions, ua: ua,
            localIp: localIp)
    }
}
