import Foundation
import Testing

private let validConfig = """
    dingtalk:
      api_base_url: "http://127.0.0.1:9"
      base_url: "http://127.0.0.1:9"
      app_key: "dingkey"
      app_secret: "${T_DT_SECRET}"
      process_codes: ["PROC-A"]
    feishu:
      app_id: "cli_x"
      app_secret: "${T_FS_SECRET}"
      app_token: "bascnX"
      tables: {main: "tblMain", action: "tblAction"}
      base_url: "http://127.0.0.1:9"
    logging:
      file: "logs/sync.log"

    """
private let secrets = ["T_DT_SECRET": "s1-secret", "T_FS_SECRET": "s2-secret"]

@Suite struct CommandLineTests {
    func write(_ text: String, name: String = "config.yaml") throws -> (dir: String, path: String) {
        let dir = try CLIRunner.tempDirectory()
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (dir, path)
    }

    @Test(arguments: [
        // (config text, expected fragment of the message)
        ("dingtalk:\n  app_key: [x\n", "config.yaml:2:12: YAML syntax error: did not find expected ',' or ']'"),
        (
            validConfig + "sync:\n  batch_size: abc\n",
            "config.yaml:16:15: sync.batch_size must be a whole number between 1 and 1000, got \"abc\""
        ),
        (
            validConfig.replacingOccurrences(of: "  app_token:", with: "  app_tokn:"),
            "config.yaml:10:3: feishu.app_tokn: unknown key — did you mean feishu.app_token?"
        ),
        (
            validConfig.replacingOccurrences(of: "  process_codes: [\"PROC-A\"]\n", with: ""),
            "dingtalk.process_codes needs at least one process code"
        ),
        (validConfig + "sync:\n  timezone: Beijing\n", "config.yaml:16:13: sync.timezone must be an IANA time zone")
    ])
    func brokenConfigExits64WithKeyAndLine(text: String, fragment: String) throws {
        let (_, path) = try write(text)
        let result = try CLIRunner.run(["--config", path, "--dry-run"], environment: secrets)
        #expect(result.status == 64)
        #expect(result.stderr.contains(fragment), "stderr was: \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func missingFileExits64() throws {
        let dir = try CLIRunner.tempDirectory()
        let result = try CLIRunner.run(["--config", dir + "/absent.yaml"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("absent.yaml does not exist"))
        // no --config and no ./config.yaml: the default path is named
        let bare = try CLIRunner.run([], cwd: dir)
        #expect(bare.status == 64)
        #expect(bare.stderr.contains(dir + "/config.yaml does not exist"))
    }

    @Test func configFromEnvironmentVariable() throws {
        let (_, path) = try write(validConfig)
        let elsewhere = try CLIRunner.tempDirectory()
        let result = try CLIRunner.run(
            ["--dry-run", "--init"], cwd: elsewhere, environment: secrets.merging(["DINGSYNC_CONFIG": path]) { $1 })
        #expect(result.status == 2, "\(result.stderr)")  // nothing listens on 127.0.0.1:9
        #expect(result.stdout.contains("PROC-A: list instances created"))
    }

    @Test(arguments: [
        (["--init", "--full-check"], "--init and --full-check"),
        (["--end-time", "2025-01-01"], "--end-time needs --start-time"),
        (["--start-time", "2025-01-01", "--init"], "do not combine it with --init"),
        (["--verbose", "--quiet"], "--verbose and --quiet"),
        (["--start-time", "01/02/2025"], "--start-time \"01/02/2025\" is not a time I understand"),
        (
            ["--start-time", "2025-05-01", "--end-time", "2025-04-01"],
            "the end 2025-04-01 23:59:59 is before the start 2025-05-01 00:00:00"
        ),
        (["--bogus"], "Unknown option '--bogus'"),
        (["report", "--month", "2025-4"], "--month must be YYYY-MM"),
        (["export", "-o", "out.txt"], "-o must end in .csv or .xlsx"),
        (["stats", "--format", "xml"], "xml")
    ])
    func badCommandLinesExit64(arguments: [String], fragment: String) throws {
        let (_, path) = try write(validConfig)
        // options follow the subcommand's name, as in `dingsync report --config X --month …`
        let subcommands: Set<String> = ["report", "export", "stats"]
        let full =
            subcommands.contains(arguments[0])
            ? [arguments[0], "--config", path] + arguments.dropFirst() : ["--config", path] + arguments
        let result = try CLIRunner.run(full, environment: secrets)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(fragment), "stderr was: \(result.stderr)")
    }

    @Test func startTooOldIsRefusedWithReason() throws {
        let (_, path) = try write(validConfig)
        let result = try CLIRunner.run(
            ["--config", path, "--start-time", "2020-01-01", "--dry-run"], environment: secrets)
        #expect(result.status == 64)
        #expect(result.stderr.contains("365 days"))
    }

    @Test func dryRunPrintsSlicedPlanInConfiguredZone() throws {
        let (dir, path) = try write(validConfig)
        let result = try CLIRunner.run(
            ["--config", path, "--dry-run", "--start-time", "2026-01-01", "--end-time", "2026-06-30"],
            environment: secrets)
        #expect(result.status == 2, "\(result.stderr)")  // the plan is printed, then the API is unreachable
        #expect(result.stdout.contains("PROC-A: list instances created 2026-01-01 00:00:00 … 2026-05-01 00:00:00"))
        #expect(result.stdout.contains("PROC-A: list instances created 2026-05-01 00:00:00 … 2026-06-30 23:59:59"))
        #expect(result.stdout.contains("does not move the incremental checkpoint"))
        #expect(FileManager.default.fileExists(atPath: dir + "/logs/sync.log"))
    }

    @Test func unreachableAPIExits2WithSummary() throws {
        let (_, path) = try write(validConfig + "sync:\n  max_retries: 0\n")
        let result = try CLIRunner.run(["--config", path], environment: secrets)
        #expect(result.status == 2)
        #expect(result.stdout.contains("exit 2"))
        #expect(result.stderr.contains("127.0.0.1:9"))
    }

    @Test func secretsNeverPrinted() throws {
        let (dir, path) = try write(validConfig + "sync:\n  batch_size: abc\n")
        let bad = try CLIRunner.run(["--config", path], environment: secrets)
        let (_, good) = try write(validConfig)
        let ok = try CLIRunner.run(["--config", good, "--dry-run", "--verbose"], environment: secrets)
        let log = (try? String(contentsOfFile: dir + "/logs/sync.log", encoding: .utf8)) ?? ""
        for text in [bad.stdout, bad.stderr, ok.stdout, ok.stderr, log] {
            #expect(!text.contains("s1-secret") && !text.contains("s2-secret"))
        }
    }

    @Test(arguments: [[String]]([[], ["sync"], ["setup"], ["doctor"], ["stats"], ["report"], ["export"]]))
    func helpExplainsEveryCommand(command: [String]) throws {
        let result = try CLIRunner.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE:"))
        #expect(result.stdout.contains("Example"))
        #expect(result.stdout.contains("--config"))
    }

    @Test func syncHelpListsEveryFlag() throws {
        let result = try CLIRunner.run(["sync", "--help"])
        for flag in [
            "--init", "--full-check", "--start-time", "--end-time", "--process-code", "--dry-run", "--verbose",
            "--quiet", "--config"
        ] {
            #expect(result.stdout.contains(flag), "missing \(flag)")
        }
    }
}
