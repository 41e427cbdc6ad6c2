import DingSyncBasics
import DingSyncClients
import Foundation
import Logging
import Testing

@testable import DingSyncStream
@testable import DingSyncWatch

/// Records what `watch` sends on the connection.
final class RecordingSocket: StreamSocket, @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func send(_ text: String) async throws { lock.withLock { list.append(text) } }
    func close() async {}
    var sent: [JSON] { lock.withLock { list }.compactMap { JSON.parse($0) } }
}

@Suite struct WatchSessionFrameTests {
    func session() throws -> WatchSession {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = Config()
        config.dingtalk.processCodes = ["P"]
        config.sync.stateDB = folder.appendingPathComponent("state.sqlite").path
        config.sync.lockFile = folder.appendingPathComponent("dingsync.lock").path
        let offline = ClosureTransport { _ in HTTPResponse(status: 500, body: Data()) }
        return try WatchSession(
            config: config, logger: Logger(label: "test"), transports: .shared(offline), environment: [:])
    }

    func event(_ id: String, code: String, instance: String = "I1") -> String {
        #"{"type":"EVENT","headers":{"messageId":"m-\#(id)","eventId":"\#(id)","eventType":"bpms_instance_change","eventBornTime":"1750000000000"},"#
            + #""data":"{\"processInstanceId\":\"\#(instance)\",\"processCode\":\"\#(code)\",\"type\":\"finish\"}"}"#
    }

    @Test func pingIsAnsweredWithItsOpaque() async throws {
        let session = try session()
        let socket = RecordingSocket()
        let ping = #"{"type":"SYSTEM","headers":{"topic":"ping","messageId":"p1"},"data":"{\"opaque\":\"o-1\"}"}"#
        #expect(await session.handle(ping, socket: socket, now: Date()) == .keep)
        #expect(socket.sent.first?.child("headers")?.string("messageId") == "p1")
        #expect(socket.sent.first?.string("data").flatMap { JSON.parse($0) }?.string("opaque") == "o-1")
    }

    @Test func eventsAreQueuedIgnoredOrRecognisedAgain() async throws {
        let session = try session()
        let socket = RecordingSocket()
        let now = Date()
        _ = await session.handle(event("e-other", code: "Q"), socket: socket, now: now)
        #expect(session.stats.ignored == 1)
        #expect(socket.sent.count == 1)  // acked at once
        _ = await session.handle(event("e1", code: "P"), socket: socket, now: now)
        #expect(session.coalescer.instanceCount == 1)
        #expect(socket.sent.count == 1)  // acked only after its commit
        _ = await session.handle(event("e1", code: "P"), socket: socket, now: now)
        #expect(session.stats.redelivered == 1)
        session.deduper.insert("e-done")
        _ = await session.handle(event("e-done", code: "P"), socket: socket, now: now)
        #expect(session.stats.redelivered == 2)
        #expect(socket.sent.count == 2)
        #expect(session.stats.received == 4)
        #expect(session.unsavedEvents == ["bpms_instance_change": 4])
    }

    @Test func disconnectAsksForANewConnection() async throws {
        let session = try session()
        let bye =
            #"{"type":"SYSTEM","headers":{"topic":"disconnect","messageId":"d"},"data":"{\"reason\":\"expired\"}"}"#
        #expect(await session.handle(bye, socket: RecordingSocket(), now: Date()) == .rotate("expired"))
    }

    @Test func eventIdsAndCountsSurviveARestart() async throws {
        let session = try session()
        session.deduper.insert("e-saved")
        session.unsavedEvents = ["bpms_task_change": 2]
        await session.saveCounts()
        #expect(try session.store.watchEventIds() == ["e-saved"])
        let month = String(TimeText.format(Date(), session.config.sync.timeZone).prefix(7))
        #expect(try session.store.events(month: month) == ["bpms_task_change": 2])
    }
}
