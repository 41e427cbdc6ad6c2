import Foundation
import Testing

@testable import DingSyncSandbox

/// Stream mode (reference §11.2, §11.3, §11.6): the events of instance changes, their frames,
/// acks and redeliveries. Short timeouts are configured; nothing asserts how long anything
/// took, only what arrived (waits are generous polls).
@Suite("Stream mode: events, acks and redeliveries")
struct StreamEventTests {
    /// Checks the frame of reference §11.2: every header a string, `data` JSON text.
    static func checkFrame(_ frame: JSONValue, corpId: String? = nil) {
        #expect(frame["specVersion"]?.stringValue == "1.0")
        #expect(frame["type"]?.stringValue == "EVENT")
        let headers = frame["headers"]?.objectPairs ?? []
        #expect(!headers.isEmpty && headers.allSatisfy { $0.1.stringValue != nil }, "\(frame.serialized())")
        for key in ["messageId", "eventId", "eventType", "eventBornTime", "eventCorpId", "time", "topic", "contentType"]
        {
            #expect(frame.header(key)?.isEmpty == false, "no header \(key)")
        }
        #expect(frame.header("eventId")?.range(of: "^[0-9a-f]{32}$", options: .regularExpression) != nil)
        #expect(Int64(frame.header("eventBornTime") ?? "") != nil)
        #expect(Int64(frame.header("time") ?? "") != nil)
        #expect(frame.header("eventCorpId")?.hasPrefix("ding") == true)
        if let corpId { #expect(frame.header("eventCorpId") == corpId) }
        #expect(frame.header("topic") == "*")
        #expect(frame.header("contentType") == "application/json")
        #expect(frame["data"]?.stringValue != nil)
        #expect(frame.eventData.objectPairs != nil)
    }

    @Test func anApproveProducesTheTaskAndInstanceEvents() async throws {
        // a generous ack time: on a loaded machine a redelivery must not slip between the events read
        try await Harness.with({
            $0.instances = 20
        }) { h in
            let socket = try await h.streamConnect()
            let (created, count) = try await h.createStreamed(["template": "请假"])
            let summary = try #require(created.first)
            let id = try #require(summary["id"]?.stringValue)
            #expect(count >= 2)
            let first = try await socket.events(count)
            let start = try #require(first.first)
            #expect(start.header("eventType") == "bpms_instance_change")
            let startData = start.eventData
            #expect(startData["type"]?.stringValue == "start")
            #expect(startData["processInstanceId"]?.stringValue == id)
            #expect(startData["processCode"]?.stringValue == summary["process_code"]?.stringValue)
            #expect(startData["businessId"]?.stringValue == summary["business_id"]?.stringValue)
            #expect(startData["title"]?.stringValue == summary["title"]?.stringValue)
            #expect(startData["staffId"]?.stringValue == summary["originator_userid"]?.stringValue)
            #expect(startData["createTime"]?.int64Value == summary["create_time"]?.int64Value)
            #expect(startData["url"]?.stringValue?.contains("procInstId=\(id)") == true)
            #expect(startData["result"] == nil && startData["finishTime"] == nil)
            let openTask = try #require(first.last(where: { $0.eventData["type"]?.stringValue == "start" }))
            #expect(openTask.header("eventType") == "bpms_task_change")
            let corpId = try await h.client.admin("GET", "info").at("stream.event_corp_id")?.stringValue
            #expect(corpId?.isEmpty == false)
            for frame in first {
                Self.checkFrame(frame, corpId: corpId)
                try socket.ack(frame)
            }

            // Approve the open node: its task finishes, then the next opens or the instance finishes.
            let approver = try #require(summary["running_task_userids"]?.arrayValue?.first?.stringValue)
            let now = try #require(try await h.client.admin("GET", "clock")["now_ms"]?.int64Value)
            let n = try await h.changeStreamed(id, "approve", ["result": "agree", "remark": "同意，辛苦"])
            let events = try await socket.events(n)
            let finish = try #require(events.first)
            Self.checkFrame(finish)
            #expect(finish.header("eventType") == "bpms_task_change")
            let data = finish.eventData
            #expect(data["type"]?.stringValue == "finish")
            #expect(data["result"]?.stringValue == "agree")
            #expect(data["remark"]?.stringValue == "同意，辛苦")
            #expect(data["staffId"]?.stringValue == approver)
            #expect(data["taskId"]?.int64Value == openTask.eventData["taskId"]?.int64Value)
            #expect(data["taskId"]?.isNumber == true && data["createTime"]?.isNumber == true)
            #expect(data["finishTime"]?.isNumber == true)
            // One change, one birth time: the change's, on the sandbox clock.
            let born = Set(events.compactMap { $0.header("eventBornTime") })
            #expect(born.count == 1)
            #expect(abs((Int64(born.first ?? "") ?? 0) - now) < 60_000)
            // Every event has its own id.
            #expect(Set((first + events).compactMap { $0.header("eventId") }).count == count + n)

            let after = try await h.client.admin("GET", "instances/\(id)")["summary"] ?? .null
            let last = try #require(events.last).eventData
            if after["status"]?.stringValue == "RUNNING" {
                #expect(last["type"]?.stringValue == "start")
                let running = after["running_task_userids"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(running.contains(last["staffId"]?.stringValue ?? "?"))
            } else {
                #expect(try #require(events.last).header("eventType") == "bpms_instance_change")
                #expect(last["type"]?.stringValue == "finish")
                #expect(last["result"]?.stringValue == "agree")
                #expect(last["finishTime"]?.isNumber == true)
            }
            for frame in events { try socket.ack(frame) }
            try await h.until("every event is consumed") {
                try await h.streamIs(["acked": Int64(count + n), "pending": 0])
            }
        }
    }

    @Test func anAckConsumesAndStrayFramesAreCounted() async throws {
        try await Harness.with({
            $0.instances = 20
            $0.streamRedeliveryMs = [100]
        }) { h in
            let socket = try await h.streamConnect()
            let (_, count) = try await h.createStreamed(["template": "报销"])
            let events = try await socket.events(count)
            for (index, frame) in events.enumerated() {
                if index == 0 {
                    // The Python SDK's way: code 200, the payload echoed, no status.
                    try socket.ack(frame, status: nil, data: frame["data"]?.stringValue)
                } else {
                    try socket.ack(frame)
                }
            }
            try await h.until("every event is consumed") {
                try await h.streamIs(["acked": Int64(count), "pending": 0])
            }
            // A second ack of the same message, an ack of nothing, and a frame that is no ack.
            try socket.ack(try #require(events.first))
            try socket.ack(["headers": ["messageId": "nothing_1_1_1"]])
            try socket.sendText("hello")
            try await h.until("stray frames are counted") {
                try await h.streamIs(["acks_unknown": 2, "bad_frames": 1])
            }
            let counters = try await h.streamCounters()
            #expect(counters["redelivered"]?.int64Value == 0)
            #expect(counters["timed_out"]?.int64Value == 0)
            #expect(counters["delivered"]?.int64Value == Int64(count))
            #expect(counters["generated"]?.int64Value == Int64(count))
        }
    }

    @Test func withoutAnAckAnEventIsRedeliveredWithItsEventIdThenGivenUp() async throws {
        try await Harness.with({
            $0.instances = 20
            $0.streamAckTimeoutMs = 200
            $0.streamRedeliveryMs = [100, 100]
        }) { h in
            let socket = try await h.streamConnect()
            let (_, count) = try await h.createStreamed(["template": "出差"])
            // Three deliveries of each: the first and two redeliveries.
            let frames = try await socket.events(3 * count)
            let byEvent = Dictionary(grouping: frames) { $0.header("eventId") ?? "" }
            #expect(byEvent.count == count)
            for (_, deliveries) in byEvent {
                #expect(deliveries.count == 3)
                #expect(Set(deliveries.compactMap { $0.header("messageId") }).count == 3)
                #expect(Set(deliveries.compactMap { $0["data"]?.stringValue }).count == 1)
                #expect(Set(deliveries.compactMap { $0.header("eventBornTime") }).count == 1)
            }
            try await h.until("every event is given up") {
                try await h.streamIs(["given_up": Int64(count), "pending": 0])
            }
            let counters = try await h.streamCounters()
            #expect(counters["delivered"]?.int64Value == Int64(3 * count))
            #expect(counters["redelivered"]?.int64Value == Int64(2 * count))
            #expect(counters["timed_out"]?.int64Value == Int64(3 * count))
            #expect(counters["acked"]?.int64Value == 0)
        }
    }

    @Test func laterAndErrorAcksAreRedelivered() async throws {
        try await Harness.with({
            $0.instances = 20
            $0.streamRedeliveryMs = [100, 100]
        }) { h in
            let socket = try await h.streamConnect()
            let (_, count) = try await h.createStreamed(["template": "通用审批"])
            let first = try await socket.events(count)
            // Java's LATER: code 200 + status LATER.
            for frame in first { try socket.ack(frame, status: "LATER") }
            let second = try await socket.events(count)
            #expect(Set(second.compactMap { $0.header("eventId") }) == Set(first.compactMap { $0.header("eventId") }))
            #expect(
                Set(second.compactMap { $0.header("messageId") }).isDisjoint(
                    with: first.compactMap {
                        $0.header("messageId")
                    }))
            // Go's LATER: code 500.
            for frame in second { try socket.ack(frame, code: 500, status: "LATER") }
            let third = try await socket.events(count)
            #expect(Set(third.compactMap { $0.header("eventId") }) == Set(first.compactMap { $0.header("eventId") }))
            for frame in third { try socket.ack(frame) }
            try await h.until("every event is consumed") {
                try await h.streamIs(["acked": Int64(count), "pending": 0])
            }
            let counters = try await h.streamCounters()
            #expect(counters["nacked"]?.int64Value == Int64(2 * count))
            #expect(counters["redelivered"]?.int64Value == Int64(2 * count))
            #expect(counters["timed_out"]?.int64Value == 0)
            #expect(counters["given_up"]?.int64Value == 0)
        }
    }

    @Test func everyTemplateAndCommentsPushEvents() async throws {
        try await Harness.with({
            $0.instances = 20
        }) { h in
            let socket = try await h.streamConnect()
            var codes: Set<String> = []
            for template in ["请假", "报销", "采购", "出差", "通用审批"] {
                let (created, count) = try await h.createStreamed(["template": .string(template)])
                let code = try #require(created.first?["process_code"]?.stringValue)
                let events = try await socket.events(count)
                #expect(events.allSatisfy { $0.eventData["processCode"]?.stringValue == code })
                codes.insert(code)
                for frame in events { try socket.ack(frame) }
            }
            #expect(codes == Set(h.sandbox.processCodes))

            // A comment: a bpms_task_change of type comment, with the text and who wrote it.
            let id = try #require(try await h.instances(status: "RUNNING").first?["id"]?.stringValue)
            let user = try #require(try await h.client.admin("GET", "users").at("users.3.userid")?.stringValue)
            let n = try await h.changeStreamed(id, "remark", ["remark": "请补充发票", "userid": .string(user)])
            #expect(n == 1)
            let comment = try #require(try await socket.events(1).first)
            Self.checkFrame(comment)
            #expect(comment.header("eventType") == "bpms_task_change")
            #expect(comment.eventData["type"]?.stringValue == "comment")
            #expect(comment.eventData["remark"]?.stringValue == "请补充发票")
            #expect(comment.eventData["staffId"]?.stringValue == user)
            #expect(comment.eventData["processInstanceId"]?.stringValue == id)

            // Terminate: the open tasks are canceled, then the instance is terminated (no result).
            let m = try await h.changeStreamed(id, "terminate", ["remark": "撤回"])
            let ended = try await socket.events(m)
            #expect(ended.dropLast().allSatisfy { $0.eventData["type"]?.stringValue == "cancel" })
            let terminate = try #require(ended.last)
            #expect(terminate.header("eventType") == "bpms_instance_change")
            #expect(terminate.eventData["type"]?.stringValue == "terminate")
            #expect(terminate.eventData["result"] == nil)
            #expect(terminate.eventData["finishTime"]?.isNumber == true)
        }
    }

    @Test func commentEventsCanBeTurnedOff() async throws {
        try await Harness.with({
            $0.instances = 20
            $0.streamCommentEvents = false
        }) { h in
            let id = try #require(try await h.instances(status: "RUNNING").first?["id"]?.stringValue)
            #expect(try await h.changeStreamed(id, "remark", ["remark": "看一下"]) == 0)
            #expect(try await h.changeStreamed(id, "finish") >= 2)
        }
    }
}
