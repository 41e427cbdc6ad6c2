import Foundation
import Testing

@testable import DingSyncSandbox

/// The built `dingsync-sandbox` next to the test bundle, if `swift build` made it.
private func sandboxExecutable() -> URL? {
    let folder = Bundle.main.bundleURL.deletingLastPathComponent()
    for candidate in [
        Bundle.main.bundleURL.appendingPathComponent("dingsync-sandbox"),
        folder.appendingPathComponent("dingsync-sandbox")
    ]
    where FileManager.default.isExecutableFile(atPath: candidate.path) {
        return candidate
    }
    return nil
}

@Suite("The dingsync-sandbox executable (SPEC §6)")
struct ExecutableTests {
    @Test(.enabled(if: sandboxExecutable() != nil, "the executable is not built next to the tests"))
    func listeningLineConfigAndSignal() async throws {
        let binary = try #require(sandboxExecutable())
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-exe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("config.yaml")

        let process = Process()
        process.executableURL = binary
        process.arguments = ["--port", "0", "--instances", "20", "--seed", "7", "--write-config", config.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // First line: "listening on http://127.0.0.1:PORT".
        var buffer = Data()
        let deadline = Date().addingTimeInterval(20)
        while !buffer.contains(UInt8(ascii: "\n")), Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        #expect(
            line.range(of: #"^listening on http://127\.0\.0\.1:\d+$"#, options: .regularExpression) != nil, "\(line)")
        let base = String(line.dropFirst("listening on ".count))

        // The config is already in place and points at the sandbox.
        let text = try String(contentsOf: config, encoding: .utf8)
        #expect(text.contains("api_base_url: \"\(base)\""))
        #expect(text.contains("tables:"))

        let client = TestClient(base)
        let info = try await client.admin("GET", "info")
        #expect(info["base_url"]?.stringValue == base)
        #expect(text.contains(info.at("feishu.app_token")?.stringValue ?? "missing"))

        process.terminate()  // SIGTERM
        let exit = Date().addingTimeInterval(10)
        while process.isRunning, Date() < exit { try await Task.sleep(nanoseconds: 50_000_000) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
    }

    @Test(.enabled(if: sandboxExecutable() != nil, "the executable is not built next to the tests"))
    func helpDocumentsTheAdminAPI() throws {
        let binary = try #require(sandboxExecutable())
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--help"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        for needle in [
            "/__admin/faults", "/__admin/instances/ID/finish", "/__admin/tables/TABLE/records", "/__admin/counters",
            "/__admin/reset", "--feishu-write-hold-ms", "--max-ids-per-query", "--new-api-times", "--new-api-success",
            "--monthly-quota", "trickle",
            "stuck_cursor", "/v1.0/gateway/connections/open", "/connect?ticket=", "--stream-ack-timeout-ms",
            "--stream-redelivery-ms", "--stream-ping-interval-ms", "--stream-disconnect-close-ms",
            "--stream-monthly-quota", "--stream-queue-limit", "--stream-ticket-ttl", "--no-stream-comment-events",
            "/__admin/stream/connections", "/__admin/stream/drop", "/__admin/stream/disconnect",
            "/__admin/stream/faults", "/__admin/stream/counters", "invalidTicket"
        ] {
            #expect(text.contains(needle), "--help lacks \(needle)")
        }
    }
}
