import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncStore
import Foundation
import Testing

@testable import DingSyncStream
@testable import DingSyncWatch

/// `doctor`'s Stream line: a connection that cannot open is a warning only where `watch` is in use.
@Suite struct WatchDoctorTests {
    struct NoStream: StreamConnector {
        func connect(
            to ticket: StreamTicket, onText: @escaping @Sendable (String) -> Void,
            onClose: @escaping @Sendable (String) -> Void
        ) async throws -> any StreamSocket {
            throw StreamConnectError(endpoint: ticket.endpoint, reason: "connection refused")
        }
    }

    func config() throws -> Config {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wdoc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = Config()
        config.dingtalk.processCodes = ["P"]
        config.dingtalk.appKey = "k"
        config.dingtalk.appSecret = "s"
        config.dingtalk.apiBaseURL = "http://127.0.0.1:9"
        config.sync.stateDB = folder.appendingPathComponent("state.sqlite").path
        config.sync.lockFile = folder.appendingPathComponent("dingsync.lock").path
        _ = try StateBackend(config).openStore(.write)
        return config
    }

    let ticket = ClosureTransport { _ in
        HTTPResponse(status: 200, body: Data(#"{"endpoint":"ws://127.0.0.1:9/connect","ticket":"t"}"#.utf8))
    }

    @Test func withoutWatchAMissingStreamIsInformational() async throws {
        let checks = await WatchDoctor.checks(config: try config(), transport: ticket, connector: NoStream())
        let line = try #require(checks.first { $0.name == "DingTalk Stream" })
        #expect(line.status == .ok)
        #expect(line.detail.contains("only `dingsync watch` needs it"))
    }

    @Test func whereWatchRunsAMissingStreamIsAWarning() async throws {
        let config = try config()
        let store = try StateBackend(config).openStore(.write)
        try store.saveWatchEventIds(["e1"])
        let checks = await WatchDoctor.checks(config: config, transport: ticket, connector: NoStream())
        let line = try #require(checks.first { $0.name == "DingTalk Stream" })
        #expect(line.status == .warn)
    }
}
