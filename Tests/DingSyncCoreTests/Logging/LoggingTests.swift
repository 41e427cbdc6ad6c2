import Foundation
import Logging
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite struct RedactorTests {
    @Test(arguments: [
        ("GET /gettoken?appkey=k&appsecret=S3cr3tValue", "GET /gettoken?appkey=k&appsecret=***"),
        (
            "POST /topapi/processinstance/get?access_token=4c9e1f0a7b2d",
            "POST /topapi/processinstance/get?access_token=***"
        ),
        (#"{"accessToken":"4c9e1f0a","expireIn":7200}"#, #"{"accessToken":"***","expireIn":7200}"#),
        (#"{"tenant_access_token": "t-g1044qe", "expire": 7200}"#, #"{"tenant_access_token": "***", "expire": 7200}"#),
        ("Authorization: Bearer t-g1044qeGEDXTB6", "Authorization: Bearer ***"),
        ("x-acs-dingtalk-access-token: abcdef123", "x-acs-dingtalk-access-token: ***"),
        (
            "posting to https://open.feishu.cn/open-apis/bot/v2/hook/9a8b7c6d-1111 failed",
            "posting to https://open.feishu.cn/open-apis/bot/v2/hook/*** failed"
        ),
        (#"{"appSecret": "Q7mN-2pXv"}"#, #"{"appSecret": "***"}"#)
    ])
    func patterns(input: String, expected: String) {
        #expect(Redactor().redact(input) == expected)
    }

    @Test func configuredSecretsAnywhere() {
        let r = Redactor(secrets: ["dt-secret-value", "ab"])
        #expect(r.redact("failed with secret dt-secret-value in body") == "failed with secret *** in body")
        #expect(r.redact("ab stays: too short to be a secret") == "ab stays: too short to be a secret")
    }
}

@Suite struct RotatingFileWriterTests {
    func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dingsync-log-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func rotatesPastMaxBytesAndKeepsBackupCount() throws {
        let dir = try tempDir()
        let path = dir + "/logs/sync.log"  // folder is created
        let writer = try RotatingFileWriter(path: path, maxBytes: 100, backupCount: 2)
        let line = String(repeating: "x", count: 39)  // 40 bytes with newline
        for i in 0..<10 { writer.write(line: "\(i)" + line.dropFirst()) }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/logs").sorted()
        #expect(files == ["sync.log", "sync.log.1", "sync.log.2"])
        for file in files {
            let size = try FileManager.default.attributesOfItem(atPath: dir + "/logs/" + file)[.size] as? Int ?? 0
            #expect(size <= 100)
        }
        // newest lines in sync.log, the ones before in .1
        let current = try String(contentsOfFile: path, encoding: .utf8)
        #expect(current.hasPrefix("8") && current.contains("\n9"))
        let previous = try String(contentsOfFile: path + ".1", encoding: .utf8)
        #expect(previous.hasPrefix("6"))
    }

    @Test func zeroBackupsTruncates() throws {
        let path = try tempDir() + "/a.log"
        let writer = try RotatingFileWriter(path: path, maxBytes: 50, backupCount: 0)
        for _ in 0..<5 { writer.write(line: String(repeating: "y", count: 29)) }
        #expect(!FileManager.default.fileExists(atPath: path + ".1"))
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(size == 30)
    }

    @Test func appendsToExistingFile() throws {
        let path = try tempDir() + "/b.log"
        try "old\n".write(toFile: path, atomically: true, encoding: .utf8)
        let writer = try RotatingFileWriter(path: path, maxBytes: 1000, backupCount: 1)
        writer.write(line: "new")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\nnew\n")
    }
}

final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func add(_ line: String) {
        lock.lock()
        storage.append(line)
        lock.unlock()
    }
    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}

@Suite struct LogSetupTests {
    @Test func secretsNeverReachConsoleOrFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dingsync-ls-\(UUID().uuidString)").path
        var config = Config()
        config.dingtalk.appSecret = "dt-secret-value"
        config.feishu.appSecret = "fs-secret-value"
        config.logging.file = dir + "/sync.log"
        let console = LineCollector()
        let logger = LogSetup.makeLogger(config: config, verbosity: .verbose, console: { console.add($0) })
        logger.info("token fetched: {\"accessToken\":\"abc123\"} with dt-secret-value")
        logger.debug("request", metadata: ["url": "https://x/gettoken?appkey=k&appsecret=fs-secret-value"])
        let file = try String(contentsOfFile: dir + "/sync.log", encoding: .utf8)
        for text in console.lines + [file] {
            #expect(!text.contains("dt-secret-value"))
            #expect(!text.contains("fs-secret-value"))
            #expect(!text.contains("abc123"))
        }
        #expect(console.lines.count == 2)
        #expect(file.contains("[INFO] dingsync: token fetched"))
    }

    @Test func quietKeepsFileComplete() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dingsync-lq-\(UUID().uuidString)").path
        var config = Config()
        config.logging.file = dir + "/sync.log"
        let console = LineCollector()
        let logger = LogSetup.makeLogger(config: config, verbosity: .quiet, console: { console.add($0) })
        logger.info("window listed")
        logger.warning("instance failed")
        #expect(console.lines == ["warning: instance failed"])
        let file = try String(contentsOfFile: dir + "/sync.log", encoding: .utf8)
        #expect(file.contains("window listed") && file.contains("instance failed"))
    }

    @Test func unwritableLogFileFallsBackToConsole() {
        var config = Config()
        config.logging.file = "/proc/definitely/not/writable/sync.log"
        let console = LineCollector()
        let logger = LogSetup.makeLogger(config: config, verbosity: .normal, console: { console.add($0) })
        logger.info("still logged")
        #expect(console.lines.first?.contains("cannot open log file") == true)
        #expect(console.lines.last == "still logged")
    }
}
