import Foundation
import Testing

@testable import DingSyncSandbox

/// Stream mode's admin controls: faults, drop, disconnect, pings, queueing, the monthly quota.
@Suite("Stream mode: admin controls, system frames and counters")
struct StreamAdminTests {
    @Test func lostDeliveriesNeverArriveAndDuplicatesKeepTheirEventId() async throws {
        try await Harness.with({
            $0.instances = 20
        }) { h in
            let socket = try await h.streamConnect()
            let pending = try await h.client.admin("POST", "stream/faults", ["fault": "lose", "count": 1])
            #expect(pending.at("pending.lose")?.int64Value == 1)
            let (_, count) = try await h.createStreamed(["template": "请假"])
            // The first delivery is lost: counted as delivered, never sent, never redelivered.
            for frame in try await socket.events(count - 1) { try socket.ack(frame) }
            try await h.until("every other event is consumed") {
                try await h.streamIs(["acked": Int64(count - 1), "pending": 0])
            }
            #expect(try await h.streamCount("lost") == 1)
            #expect(try await h.streamCount("delivered") == Int64(count))
            #expect(try await h.client.admin("GET", "stream/faults").at("pending.lose")?.int64Value == 0)

            _ = try await h.client.admin("POST", "stream/faults", ["fault": "duplicate", "count": 1])
            let (_, more) = try await h.createStreamed(["template": "报销"])
            let frames = try await socket.events(more + 1)
            let byEvent = Dictionary(grouping: frames) { $0.header("eventId") ?? "" }
            #expect(byEvent.count == more)
            let twice = try #require(byEvent.values.first { $0.count == 2 })
            #expect(Set(twice.compactMap { $0.header("messageId") }).count == 2)
            for frame in frames { try socket.ack(frame) }
            try await h.until("every event is consumed") {
                try await h.streamIs(["acked": Int64(count - 1 + more), "pending": 0])
            }
            #expect(try await h.streamCount("duplicated") == 1)
            #expect(try await h.streamCount("delivered") == Int64(count + more + 1))

            // Unknown faults are refused; DELETE clears pending ones.
            #expect(try await h.client.post("/__admin/stream/faults", ["fault": "explode"]).status == 400)
            _ = try await h.client.admin("POST", "stream/faults", ["fault": "lose", "count": 5])
            _ = try await h.client.admin("DELETE", "stream/faults")
            #expect(try await h.client.admin("GET", "stream/faults").at("pending.lose")?.int64Value == 0)
        }
    }

    @Test func eventsWaitForAConnectionAndSurviveADrop() async throws {
        try await Harness.with({
            $0.instances = 20
            // redelivered soon after the drop, but with room for late acks on a loaded machine
            $0.streamAckTimeoutMs = 3000
            $0.streamRedeliveryMs = Array(repeating: 300, count: 20)
        }) { h in
            // No connection: queued.
            let (_, count) = try await h.createStreamed(["template": "采购"])
            #expect(try await h.streamCount("queued") == Int64(count))
            #expect(try await h.client.admin("GET", "stream/events")["events"]?.arrayValue?.count == count)
            let first = try await h.streamConnect()
            let queued = try await first.events(count)
            #expect(try await h.streamCount("queued") == 0)

            // Dropped unacked: closed without a close frame; redelivered to the next connection.
            let dropped = try await h.client.admin("POST", "stream/drop", [:])
            #expect(dropped["dropped"]?.arrayValue?.count == 1)
            #expect(await first.waitClosed())
            #expect(!first.all.contains { $0.opcode == RawWebSocket.closeOp })
            try await h.until("the connection is closed") { try await h.streamCount("connections.closed") == 1 }
            let second = try await h.streamConnect()
            // Acked as they come, until every event is consumed: on a loaded machine an ack may
            // arrive after its deadline, and that event then comes once more and is acked again.
            let expected = Set(queued.compactMap { $0.header("eventId") })
            var seen: Set<String> = []
            try await h.until("every event is consumed", timeout: 120) {
                for frame in try second.ackWaiting() { seen.insert(frame.header("eventId") ?? "") }
                return try await h.streamIs(["acked": Int64(count), "pending": 0])
            }
            #expect(seen == expected)
            #expect(try await h.streamCount("given_up") == 0)
            #expect(try await h.client.post("/__admin/stream/drop", ["id": 99]).status == 404)
        }
    }

    @Test func withoutAQueueEventsAreDropped() async throws {
        try await Harness.with({
            $0.instances = 20
            $0.streamQueueLimit = 0
        }) { h in
            let (_, count) = try await h.createStreamed(["template": "请假"])
            #expect(try await h.streamCount("dropped") == Int64(count))
            #expect(try await h.streamCount("pending") == 0)
        }
    }

    @Test func disconnectSendsTheFrameAndClosesLater() async throws {
        // generous ack and close times: on a loaded machine a late ack must not look like a lost one
        try await Harness.with({
            $0.instances = 20
        }) { h in
            let leaving = try await h.streamConnect()
            let staying = try await h.streamConnect()
            let ids = try await h.client.admin("GET", "stream/connections")["connections"]?.arrayValue ?? []
            let leavingId = try #require(ids.first?["id"]?.int64Value)
            let answer = try await h.client.admin(
                "POST", "stream/disconnect", ["id": .int(leavingId), "close_after_ms": 20000])
            #expect(answer["disconnecting"]?.arrayValue?.first?.int64Value == leavingId)
            let frame = try await leaving.nextJSON()
            #expect(frame["type"]?.stringValue == "SYSTEM")
            #expect(frame.header("topic") == "disconnect")
            #expect(frame.eventData["reason"]?.stringValue == "connection is expired")
            // The Go and Python SDKs ack it; that is taken quietly.
            try leaving.ack(frame, status: nil, data: "{}")
            // Meanwhile new events go to the other connection only.
            let (_, count) = try await h.createStreamed(["template": "出差"])
            let events = try await staying.events(count)
            #expect(events.count == count)
            #expect(await leaving.waitClosed(timeout: 90))
            #expect(leaving.all.contains { $0.opcode == RawWebSocket.closeOp })
            #expect(!leaving.all.contains { $0.json["type"]?.stringValue == "EVENT" })
            #expect(try await h.streamCount("system.disconnects_sent") == 1)
            #expect(try await h.streamCount("acks_unknown") == 0)
        }
    }

    @Test func pingsAreSentAndAnsweredAndCloseIsEchoed() async throws {
        try await Harness.with({
            $0.instances = 20
            $0.streamPingIntervalMs = 100
        }) { h in
            let socket = try await h.streamConnect()
            let ping = try await socket.nextJSON(pings: true)
            #expect(ping["type"]?.stringValue == "SYSTEM")
            #expect(ping.header("topic") == "ping")
            let opaque = try #require(ping.eventData["opaque"]?.stringValue)
            #expect(!opaque.isEmpty)
            try socket.answerPing(ping)
            // Pings keep coming every 100 ms and the sandbox remembers the last 64: on a loaded machine
            // the first one may be forgotten before its echo arrives, so every newer one is answered too.
            try await h.until("a ping is answered") {
                for frame in socket.takeWaiting() where frame.opcode == RawWebSocket.textOp {
                    let json = frame.json
                    if json["type"]?.stringValue == "SYSTEM", json.header("topic") == "ping" {
                        try socket.answerPing(json)
                    }
                }
                return try await h.streamCount("system.pings_answered") >= 1
            }
            #expect(try await h.streamCount("system.pings_sent") >= 1)

            // A WebSocket-level ping gets its pong; a close frame is echoed, then the connection closes.
            try socket.sendFrame(opcode: RawWebSocket.pingOp, payload: Array("are you there".utf8))
            try await h.until("the pong arrives") {
                socket.all.contains { $0.opcode == RawWebSocket.pongOp && $0.text == "are you there" }
            }
            try socket.sendFrame(opcode: RawWebSocket.closeOp, payload: [0x03, 0xE8])
            #expect(await socket.waitClosed())
            #expect(socket.all.contains { $0.opcode == RawWebSocket.closeOp && $0.payload.prefix(2) == [0x03, 0xE8] })
            try await h.until("the connection is closed") { try await h.streamCount("connections.closed") == 1 }
        }
    }

    @Test func eachEventGoesToOneConnectionAndCountsAgainstTheMonth() async throws {
        try await Harness.with({
            $0.instances = 20
            $0.streamMonthlyQuota = 3
        }) { h in
            let sockets = [try await h.streamConnect(), try await h.streamConnect()]
            var total = 0
            for template in ["请假", "报销"] {
                total += try await h.createStreamed(["template": .string(template)]).events
            }
            #expect(total > 3)
            try await h.until("every event is delivered") { try await h.streamCount("delivered") == Int64(total) }
            try await h.until("every frame has arrived") {
                sockets.map { $0.all.count }.reduce(0, +) == total
            }
            let frames = sockets.flatMap { $0.all.map(\.json) }
            #expect(Set(frames.compactMap { $0.header("eventId") }).count == total)
            // Past the quota (3 this month) events come without content.
            let empty = frames.filter { $0.eventData["errCode"]?.int64Value == 20001 }
            #expect(empty.count == total - 3)
            #expect(empty.allSatisfy { $0.eventData["processInstanceId"] == nil && $0.header("eventId") != nil })
            let counters = try await h.streamCounters()
            #expect(counters.at("monthly.month")?.stringValue == "2025-04")
            #expect(counters.at("monthly.events")?.int64Value == Int64(total))
            #expect(counters.at("monthly.quota")?.int64Value == 3)
            #expect(counters.at("monthly.remaining")?.int64Value == 0)
            #expect(counters["over_quota"]?.int64Value == Int64(total - 3))

            // A new natural month starts a new count.
            _ = try await h.client.admin("POST", "clock/advance", ["seconds": .int(31 * 86400)])
            let next = try await h.streamCounters()
            #expect(next.at("monthly.month")?.stringValue == "2025-05")
            #expect(next.at("monthly.events")?.int64Value == 0)
            _ = try await h.client.admin("POST", "stream/counters/reset")
            #expect(try await h.streamCount("delivered") == 0)
            #expect(try await h.streamCount("connections.open") == 2)
        }
    }
}
