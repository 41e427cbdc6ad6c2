import DingSyncBasics
import Foundation
import Testing

@testable import DingSyncStream

/// The reference's EVENT example (reference §11.2), `data` as JSON text.
let referenceEventFrame = #"""
    {"specVersion": "1.0", "type": "EVENT",
     "headers": {"contentType": "application/json", "messageId": "213d841d_972_1898bb26334_70a7", "time": "1743477347214",
      "topic": "*", "eventId": "c7c7120f2c0741998d2bebdba0318c8a", "eventType": "bpms_instance_change",
      "eventBornTime": "1743477347002", "eventCorpId": "ding9f50b15b4e1c16741"},
     "data": "{\"processInstanceId\":\"oyTxr2qkQXqjgjJNZZATZQ00891743470123\",\"processCode\":\"PROC-7A1B\",\"type\":\"finish\",\"result\":\"agree\",\"createTime\":1743470123000}"}
    """#

@Suite struct StreamFrameTests {
    @Test func readsTheReferenceEvent() throws {
        let frame = try #require(StreamFrame.parse(referenceEventFrame))
        #expect(frame.kind == .event)
        #expect(frame.messageId == "213d841d_972_1898bb26334_70a7")
        #expect(frame.eventId == "c7c7120f2c0741998d2bebdba0318c8a")
        #expect(frame.eventType == "bpms_instance_change")
        #expect(frame.eventBornTime == Date(timeIntervalSince1970: 1_743_477_347.002))
        #expect(frame.payload?.string("type") == "finish")
    }

    @Test func headerNumbersAreAcceptedAsText() throws {
        let text =
            #"{"type":"EVENT","headers":{"messageId":"m1","eventBornTime":1743477347002,"eventId":"e1"},"data":"{}"}"#
        let frame = try #require(StreamFrame.parse(text))
        #expect(frame.eventBornTime == Date(timeIntervalSince1970: 1_743_477_347.002))
        #expect(frame.headers["eventBornTime"] == "1743477347002")
    }

    @Test func systemPingAndDisconnect() throws {
        let ping = try #require(
            StreamFrame.parse(
                #"{"specVersion":"1.0","type":"SYSTEM","headers":{"topic":"ping","messageId":"p1"},"data":"{\"opaque\":\"x-1\"}"}"#
            ))
        #expect(ping.kind == .system)
        #expect(ping.topic == "ping")
        #expect(ping.payload?.string("opaque") == "x-1")
        let bye = try #require(
            StreamFrame.parse(#"{"type":"SYSTEM","headers":{"topic":"disconnect"},"data":"{\"reason\":\"expired\"}"}"#))
        #expect(bye.topic == "disconnect")
    }

    @Test func dataSentAsAnObjectIsKeptAsText() throws {
        let frame = try #require(StreamFrame.parse(#"{"type":"EVENT","headers":{},"data":{"processInstanceId":"i"}}"#))
        #expect(frame.payload?.string("processInstanceId") == "i")
    }

    @Test func notAnObjectIsNoFrame() {
        #expect(StreamFrame.parse("hello") == nil)
        #expect(StreamFrame.parse("[1,2]") == nil)
        #expect(StreamFrame.parse(#"{"type":"whatever","headers":{}}"#)?.kind == .other)
    }
}
