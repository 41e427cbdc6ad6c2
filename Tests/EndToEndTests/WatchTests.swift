import Foundation
import Testing

/// `dingsync watch` as a process against the sandbox. The sandbox's Stream gateway is not on this
/// branch yet (WATCH-STATUS.md): these cover the catch-up, the reconnect loop when the gateway
/// cannot be opened, SIGTERM and bad credentials; events end to end wait for the gateway.
@Suite(.serialized) struct WatchTests {
    /// Starts `dingsync watch` with the sandbox's config; its console output goes to a file.
    func startWatch(_ sandbox: SandboxProcess, environment: [String: String] = [:]) throws -> (Process, String) {
        let log = sandbox.folder + "/watch.out"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = CLIRunner.productsDirectory.appendingPathComponent("dingsync")
        process.arguments = ["watch", "--config", sandbox.configPath]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DINGSYNC_CONFIG")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let handle = FileHandle(forWritingAtPath: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return (process, log)
    }

    func output(_ log: String) -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    func waitUntil(_ seconds: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }

    @Test func catchesUpRetriesTheConnectionAndStopsOnSIGTERM() throws {
        let sandbox = try SandboxProcess(["--instances", "12", "--days", "2"])
        let (process, log) = try startWatch(sandbox)
        defer { if process.isRunning { process.interrupt() } }
        // the catch-up at start is a plain run: the rows land
        #expect(try waitUntil(60) { try !sandbox.rows(sandbox.mainTable).isEmpty }, "\(output(log))")
        // no gateway here yet: the connection is retried with backoff, each attempt logged
        #expect(waitUntil(30) { output(log).contains("cannot open the Stream connection") }, "\(output(log))")
        #expect(process.isRunning)
        let sent = Date()
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(Date().timeIntervalSince(sent) < 5)
        #expect(process.terminationStatus == 0, "\(output(log))")
        #expect(output(log).contains("watch: stopped by SIGTERM"), "\(output(log))")
    }

    @Test func badCredentialsExitTwo() throws {
        let sandbox = try SandboxProcess(["--instances", "3", "--days", "1"])
        let (process, log) = try startWatch(sandbox, environment: ["DINGSYNC_DINGTALK_APP_SECRET": "wrong-secret"])
        defer { if process.isRunning { process.terminate() } }
        #expect(waitUntil(60) { !process.isRunning }, "\(output(log))")
        process.waitUntilExit()
        #expect(process.terminationStatus == 2, "\(output(log))")
        #expect(output(log).contains("dingtalk.app_secret"), "\(output(log))")
    }
}
