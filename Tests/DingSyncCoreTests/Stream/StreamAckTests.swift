import DingSyncBasics
import Foundation
import Testing

@testable import DingSyncStream

@Suite struct StreamAckTests {
    @Test func eventAckSaysSuccessAndEchoesTheMessageId() throws {
        let ack = try #require(JSON.parse(StreamAck.event(messageId: "m-7", status: .success)))
        #expect(ack.int("code") == 200)
        #expect(ack.child("headers")?.string("messageId") == "m-7")
        #expect(ack.child("headers")?.string("contentType") == "application/json")
        #expect(ack.string("message") == "OK")
        let data = try #require(ack.string("data").flatMap { JSON.parse($0) })
        #expect(data.string("status") == "SUCCESS")
    }

    @Test func laterAsksForRedelivery() throws {
        let ack = try #require(JSON.parse(StreamAck.event(messageId: "m", status: .later)))
        #expect(ack.string("data").flatMap { JSON.parse($0) }?.string("status") == "LATER")
    }

    @Test func pongEchoesTheOpaqueData() throws {
        let pong = try #require(JSON.parse(StreamAck.pong(messageId: "p1", data: #"{"opaque":"x-1"}"#)))
        #expect(pong.int("code") == 200)
        #expect(pong.child("headers")?.string("messageId") == "p1")
        #expect(pong.string("data") == #"{"opaque":"x-1"}"#)
    }
}
