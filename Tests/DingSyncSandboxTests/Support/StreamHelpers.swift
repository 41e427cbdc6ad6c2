import Foundation
import Testing

@testable import DingSyncSandbox

/// Stream mode from the test's side: tickets, connections, events, acks, counters.
extension Harness {
    /// The body `connections/open` expects, with the sandbox's credentials.
    func streamOpenBody(secret: String? = nil) -> JSONValue {
        [
            "clientId": .string(sandbox.appKey), "clientSecret": .string(secret ?? sandbox.appSecret),
            "subscriptions": [["type": "EVENT", "topic": "*"]], "ua": "dingsync-tests/1.0", "localIp": "10.0.0.7"
        ]
    }

    /// A fresh ticket.
    func streamTicket() async throws -> String {
        let answer = try await client.post("/v1.0/gateway/connections/open", streamOpenBody())
        guard answer.status == 200, let ticket = answer.json["ticket"]?.stringValue else {
            throw TestFailure("connections/open: \(answer.status) \(answer.text)")
        }
        return ticket
    }

    /// The WebSocket handshake with `ticket`.
    func streamHandshake(_ ticket: String) async throws -> RawWebSocket.Handshake {
        try await RawWebSocket.dial(port: sandbox.port, path: "/connect?ticket=\(ticket)")
    }

    /// A new ticket and an open connection, registered with the gateway.
    func streamConnect() async throws -> RawWebSocket {
        let opened = try await streamCounters().at("connections.opened")?.int64Value ?? 0
        guard case .upgraded(let socket) = try await streamHandshake(try await streamTicket()) else {
            throw TestFailure("the handshake was refused")
        }
        try await until("the connection is registered") {
            (try await streamCounters().at("connections.opened")?.int64Value ?? 0) > opened
        }
        return socket
    }

    func streamCounters() async throws -> JSONValue { try await client.admin("GET", "stream/counters") }

    /// Whether every counter (a path like `connections.closed`) has its expected value.
    func streamIs(_ expected: [String: Int64]) async throws -> Bool {
        let counters = try await streamCounters()
        return expected.allSatisfy { counters.at($0.key)?.int64Value == $0.value }
    }

    func streamCount(_ path: String) async throws -> Int64 {
        try await streamCounters().at(path)?.int64Value ?? -1
    }

    /// Polls `condition` every 20 ms for up to `timeout` s (generous: under the full suite a test may
    /// be starved for a minute).
    func until(_ what: String, timeout: TimeInterval = 120, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        throw TestFailure("timed out waiting: \(what)")
    }

    /// Creates instances through the admin API; returns their summaries and how many events
    /// the change generated.
    func createStreamed(_ spec: JSONValue) async throws -> (instances: [JSONValue], events: Int) {
        let before = try await streamCount("generated")
        let created = try await client.admin("POST", "instances", spec)["instances"]?.arrayValue ?? []
        return (created, Int(try await streamCount("generated") - before))
    }

    /// An admin instance action; returns how many events it generated.
    func changeStreamed(_ id: String, _ action: String, _ body: JSONValue = [:]) async throws -> Int {
        let before = try await streamCount("generated")
        _ = try await client.admin("POST", "instances/\(id)/\(action)", body)
        return Int(try await streamCount("generated") - before)
    }
}

extension RawWebSocket {
    /// The next text frame, as JSON; SYSTEM pings are answered and skipped unless `pings`.
    func nextJSON(timeout: TimeInterval = 120, pings: Bool = false) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let frame = try await next(timeout: max(0.1, deadline.timeIntervalSinceNow))
            guard frame.opcode == Self.textOp else { continue }
            let json = frame.json
            if !pings, json["type"]?.stringValue == "SYSTEM", json.at("headers.topic")?.stringValue == "ping" {
                try answerPing(json)
                continue
            }
            return json
        }
    }

    /// The next `count` EVENT frames.
    func events(_ count: Int, timeout: TimeInterval = 120) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        while items.count < count {
            let frame = try await nextJSON(timeout: timeout)
            if frame["type"]?.stringValue == "EVENT" { items.append(frame) }
        }
        return items
    }

    /// Acks every EVENT frame received so far (answering pings on the way), without waiting;
    /// returns the acked frames.
    func ackWaiting() throws -> [JSONValue] {
        var acked: [JSONValue] = []
        for frame in takeWaiting() where frame.opcode == Self.textOp {
            let json = frame.json
            if json["type"]?.stringValue == "SYSTEM", json.at("headers.topic")?.stringValue == "ping" {
                try answerPing(json)
            } else if json["type"]?.stringValue == "EVENT" {
                try ack(json)
                acked.append(json)
            }
        }
        return acked
    }

    /// Acks a frame: `{"code","headers":{"contentType","messageId"},"message","data"}`.
    func ack(_ frame: JSONValue, code: Int = 200, status: String? = "SUCCESS", data: String? = nil) throws {
        let messageId = frame.at("headers.messageId")?.stringValue ?? ""
        let payload = data ?? (status.map { #"{"status":"\#($0)","message":"ok"}"# } ?? "{}")
        let ack: JSONValue = [
            "code": .int(code), "headers": ["contentType": "application/json", "messageId": .string(messageId)],
            "message": "OK", "data": .string(payload)
        ]
        try sendText(ack.serialized())
    }

    /// Echoes a SYSTEM ping's `opaque`.
    func answerPing(_ frame: JSONValue) throws {
        let opaque = frame.eventData["opaque"]?.stringValue ?? ""
        try ack(frame, status: nil, data: JSONValue.object([("opaque", .string(opaque))]).serialized())
    }
}

extension JSONValue {
    /// A frame's `data`, parsed (it is JSON text).
    var eventData: JSONValue {
        guard let text = self["data"]?.stringValue else { return .null }
        return (try? JSONValue.parse(text)) ?? .null
    }

    /// A frame's header.
    func header(_ name: String) -> String? { self["headers"]?[name]?.stringValue }
}
