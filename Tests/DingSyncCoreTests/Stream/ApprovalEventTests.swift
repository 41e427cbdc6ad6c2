import DingSyncBasics
import Foundation
import Testing

@testable import DingSyncStream

@Suite struct ApprovalEventTests {
    @Test func readsInstanceTemplateTypeAndBirth() throws {
        let frame = try #require(StreamFrame.parse(referenceEventFrame))
        guard case .approval(let event) = ApprovalEvent.read(frame) else {
            Issue.record("not read as an approval event")
            return
        }
        #expect(event.processInstanceId == "oyTxr2qkQXqjgjJNZZATZQ00891743470123")
        #expect(event.processCode == "PROC-7A1B")
        #expect(event.type == "finish")
        #expect(event.eventId == "c7c7120f2c0741998d2bebdba0318c8a")
        #expect(event.messageId == "213d841d_972_1898bb26334_70a7")
        #expect(event.bornAt == Date(timeIntervalSince1970: 1_743_477_347.002))
    }

    @Test func taskEventsCountToo() throws {
        let text =
            #"{"type":"EVENT","headers":{"messageId":"m","eventId":"e","eventType":"bpms_task_change"},"#
            + #""data":"{\"processInstanceId\":\"i1\",\"processCode\":\"P\",\"type\":\"start\",\"taskId\":61920249919}"}"#
        let frame = try #require(StreamFrame.parse(text))
        guard case .approval(let event) = ApprovalEvent.read(frame) else {
            Issue.record("not read as an approval event")
            return
        }
        #expect(event.processInstanceId == "i1")
        #expect(event.bornAt == nil)
    }

    @Test func otherEventsAndEventsWithoutInstanceAreIgnored() throws {
        let user = try #require(
            StreamFrame.parse(#"{"type":"EVENT","headers":{"eventType":"user_add_org"},"data":"{}"}"#))
        #expect(ApprovalEvent.read(user) == .ignored(reason: "event type user_add_org"))
        let empty = try #require(
            StreamFrame.parse(#"{"type":"EVENT","headers":{"eventType":"bpms_task_change"},"data":"{}"}"#))
        #expect(ApprovalEvent.read(empty) == .ignored(reason: "bpms_task_change without processInstanceId"))
    }

    @Test func theMessageIdStandsInForAMissingEventId() throws {
        let frame = try #require(
            StreamFrame.parse(
                #"{"type":"EVENT","headers":{"messageId":"m9","eventType":"bpms_instance_change"},"data":"{\"processInstanceId\":\"i\"}"}"#
            ))
        guard case .approval(let event) = ApprovalEvent.read(frame) else {
            Issue.record("not read")
            return
        }
        #expect(event.eventId == "m9")
    }
}
