import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// A minimal valid configuration for a sync.
let minimalConfig = """
    dingtalk:
      app_key: "dingkey"
      app_secret: "dt-secret-value"
      process_codes: ["PROC-A", "PROC-B"]
    feishu:
      app_id: "cli_x"
      app_secret: "fs-secret-value"
      app_token: "bascnX"
      tables:
        main: "tblMain"
    """

private func load(_ text: String, requirements: ConfigRequirements = .sync, env: [String: String] = [:]) throws
    -> LoadedConfig
{
    try ConfigLoader.parse(text, file: "/etc/dingsync/config.yaml", requirements: requirements, environment: env).result
}

/// The problems the loader reports for the whole YAML `text` (none when it loads), in its order.
func configIssues(_ text: String, requirements: ConfigRequirements = .sync, env: [String: String] = [:]) -> [String] {
    do {
        _ = try load(text, requirements: requirements, env: env)
        return []
    } catch let error as ConfigError {
        if case .invalid(let list) = error { return list.map(\.description) }
        return [error.localizedDescription]
    } catch {
        return ["\(error)"]
    }
}

@Suite struct ConfigLoaderTests {
    @Test func defaultsMatchSpec() throws {
        let c = try load(minimalConfig).config
        #expect(c.dingtalk.api == .new)
        #expect(c.dingtalk.apiBaseURL == "https://api.dingtalk.com")
        #expect(c.dingtalk.baseURL == "https://oapi.dingtalk.com")
        #expect(c.dingtalk.qps == 15)
        #expect(c.dingtalk.monthlyQuota == 5000)
        #expect(c.dingtalk.timeZoneOfNewAPI == .auto)
        #expect(c.feishu.baseURL == "https://open.feishu.cn")
        #expect(c.feishu.tables.action == "")
        #expect(c.sync.batchSize == 500)
        #expect(c.sync.maxRetries == 3)
        #expect(c.sync.defaultHours == 24)
        #expect(c.sync.initDays == 7)
        #expect(c.sync.fullCheckDays == 30)
        #expect(c.sync.lookbackMinutes == 10)
        #expect(c.sync.timezone == "Asia/Shanghai")
        #expect(c.mapping.amountFields == ["金额", "报销金额", "合计金额", "总金额", "费用金额"])
        #expect(c.logging.level == .info)
        #expect(c.logging.maxBytes == 10_485_760)
        #expect(c.logging.backupCount == 5)
        #expect(c.notification.enabled == false)
        #expect(c.report.topN == 10)
        #expect(c.report.slaDays == 30)
    }

    @Test func relativePathsResolveAgainstConfigFolder() throws {
        let c = try load(minimalConfig + "\nsync:\n  state_db: data/state.sqlite\n  lock_file: /var/lock/d.lock\n")
            .config
        #expect(c.sync.stateDB == "/etc/dingsync/data/state.sqlite")
        #expect(c.sync.checkpointFile == "/etc/dingsync/checkpoint.json")
        #expect(c.sync.lockFile == "/var/lock/d.lock")
        #expect(c.logging.file == "/etc/dingsync/logs/sync.log")
    }

    @Test func environmentExpansionAndOverrides() throws {
        let text = minimalConfig.replacingOccurrences(of: "\"dt-secret-value\"", with: "\"${DT_SECRET}\"")
            .replacingOccurrences(of: "\"dingkey\"", with: "\"pre-${KEY_PART}-post\"")
        let c = try load(
            text, env: ["DT_SECRET": "from-env", "KEY_PART": "k", "DINGSYNC_FEISHU_APP_SECRET": "override"]
        ).config
        #expect(c.dingtalk.appSecret == "from-env")
        #expect(c.dingtalk.appKey == "pre-k-post")
        #expect(c.feishu.appSecret == "override")
    }

    @Test func databaseSection() throws {
        #expect(try load(minimalConfig).config.database.type == .sqlite)
        let text =
            minimalConfig + """

                database:
                  type: mysql
                  host: db.internal
                  port: 3307
                  user: sync
                  password: "${DB_PW}"
                  database: dingtalk_stats
                  tls: required
                  tls_ca: certs/ca.pem
                """
        let c = try load(text, env: ["DB_PW": "file-pw"]).config
        #expect(c.database.type == .mysql)
        #expect(
            c.database.mysql.host == "db.internal" && c.database.mysql.port == 3307 && c.database.mysql.user == "sync")
        #expect(c.database.mysql.password == "file-pw" && c.database.mysql.tls == .required)
        #expect(c.database.mysql.tlsCA == "/etc/dingsync/certs/ca.pem")
        #expect(c.secrets.contains("file-pw"))
        #expect(
            try load(text, env: ["DB_PW": "x", "DINGSYNC_DB_PASSWORD": "env-wins"]).config.database.mysql.password
                == "env-wins")
        #expect(
            configIssues(text.replacingOccurrences(of: "tls: required", with: "tls: yes"), env: ["DB_PW": "x"]).first?
                .contains("database.tls must be one of") == true)
        #expect(
            configIssues(
                text.replacingOccurrences(of: "database: dingtalk_stats", with: "database: \"my-db; drop\""),
                env: ["DB_PW": "x"]
            )
            .first?.contains("database.database must be a plain MySQL database name") == true)
        #expect(
            configIssues(text.replacingOccurrences(of: "type: mysql", with: "type: postgres"), env: ["DB_PW": "x"])
                .first?
                .contains("database.type must be one of") == true)
    }

    @Test func environmentOverrideWinsOverFile() throws {
        let c = try load(minimalConfig, env: ["DINGSYNC_DINGTALK_APP_SECRET": "env-wins"]).config
        #expect(c.dingtalk.appSecret == "env-wins")
    }

    @Test func unsetVariableIsNamed() {
        let text = minimalConfig.replacingOccurrences(of: "\"dt-secret-value\"", with: "\"${DT_SECRET}\"")
        let found = configIssues(text)
        #expect(
            found == [
                "config.yaml:3:15: dingtalk.app_secret is empty: the environment variable DT_SECRET is not set (export it, or set DINGSYNC_DINGTALK_APP_SECRET)"
            ])
        #expect(configIssues(text, env: ["DINGSYNC_DINGTALK_APP_SECRET": "x"]).isEmpty)
    }

    @Test func wrongTypeNamesKeyLineAndExpectation() {
        let found = configIssues(minimalConfig + "\nsync:\n  batch_size: abc\n")
        #expect(found == ["config.yaml:12:15: sync.batch_size must be a whole number between 1 and 1000, got \"abc\""])
        #expect(
            configIssues(minimalConfig + "\nsync:\n  batch_size: 1001\n").first?.contains(
                "between 1 and 1000, got \"1001\"")
                == true)
        #expect(
            configIssues(minimalConfig + "\nnotification:\n  enabled: maybe\n").first?.contains(
                "notification.enabled must be true or false") == true)
        #expect(
            configIssues(minimalConfig + "\ndingtalk2: 1\n").first?.contains(
                "dingtalk2: unknown key — did you mean dingtalk?") == true)
    }

    @Test func typoSuggestsClosestKey() {
        let text = minimalConfig.replacingOccurrences(of: "  app_token:", with: "  app_tokn:")
        #expect(
            configIssues(text) == ["config.yaml:8:3: feishu.app_tokn: unknown key — did you mean feishu.app_token?"])
    }

    @Test func keyInWrongSectionSuggestsItsHome() {
        let found = configIssues(minimalConfig + "\nlogging:\n  timezone: UTC\n")
        #expect(found.first?.contains("logging.timezone: unknown key — did you mean sync.timezone?") == true)
    }

    @Test func missingRequiredKeys() {
        let found = configIssues("dingtalk:\n  app_key: k\n")
        #expect(found.contains { $0.contains("dingtalk.app_secret is required") })
        #expect(found.contains { $0.contains("dingtalk.process_codes needs at least one process code") })
        #expect(found.contains { $0.contains("feishu.app_id is required") })
        #expect(found.contains { $0.contains("feishu.tables.main is required") && $0.contains("dingsync setup") })
        // stats and report need none of them
        #expect(configIssues("dingtalk:\n  app_key: k\n", requirements: .none).isEmpty)
    }

    @Test func enumsAndZonesAndURLs() {
        #expect(
            configIssues(minimalConfig + "\nsync:\n  timezone: Mars/Base\n").first?.contains(
                "sync.timezone must be an IANA time zone") == true)
        let api = minimalConfig.replacingOccurrences(
            of: "  app_key: \"dingkey\"", with: "  app_key: \"dingkey\"\n  api: old")
        #expect(
            configIssues(api).first?.contains("dingtalk.api must be one of new | legacy | premium, got \"old\"") == true
        )
        let url = minimalConfig.replacingOccurrences(
            of: "  app_id: \"cli_x\"", with: "  app_id: \"cli_x\"\n  base_url: open.feishu.cn")
        #expect(configIssues(url).first?.contains("feishu.base_url must be an http(s) URL") == true)
        #expect(configIssues(minimalConfig + "\nlogging:\n  level: warn\n").isEmpty)
    }

    @Test func fieldNamesMustBeKnownFields() {
        let found = configIssues(minimalConfig + "\n  field_names: {titel: 标题}\n")
        #expect(
            found.first?.contains(
                "feishu.field_names.titel: not a field of the main, action or detail table — did you mean title?")
                == true)
        #expect(configIssues(minimalConfig + "\n  field_names: {title: 标题, applicant: 申请人}\n").isEmpty)
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = configIssues(minimalConfig + "\nsync:\n  batch_size: x\n  max_retries: -1\n")
        #expect(found.count == 2)
    }

    @Test func syntaxErrorHasLineAndProblem() {
        #expect {
            _ = try load("dingtalk:\n  app_key: [x\n")
        } throws: { error in
            let text = (error as? ConfigError)?.localizedDescription ?? ""
            // the fault is the unclosed '[' on line 2; libyaml notices it on line 3
            return text.hasPrefix("config.yaml:2:12: YAML syntax error: did not find expected ',' or ']'")
                && text.contains("libyaml noticed it at line 3")
        }
    }

    @Test func unclosedBracketIsReportedOnItsOwnLine() {
        let yaml =
            "dingtalk:\n  app_key: k\n  app_secret: s\n  qps: 10\n  process_codes: [PROC-A, PROC-B\nfeishu:\n  app_id: x\n"
        #expect {
            _ = try load(yaml)
        } throws: { error in
            ((error as? ConfigError)?.localizedDescription ?? "").hasPrefix("config.yaml:5:")
        }
    }

    @Test func indentationErrorStaysWhereNoticed() {
        // a block-mapping fault: the mapping starts on line 1, the bad line is 3
        #expect {
            _ = try load("dingtalk:\n  app_key: k\n bad: 1\n")
        } throws: { error in
            !((error as? ConfigError)?.localizedDescription ?? "").hasPrefix("config.yaml:1:")
        }
    }

    @Test func exampleConfigParses() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("config.yaml.example")
        let text = try String(contentsOf: url, encoding: .utf8)
        let c = try load(text, env: ["DINGTALK_APP_SECRET": "a", "FEISHU_APP_SECRET": "b"]).config
        #expect(c.dingtalk.processCodes == ["PROC-XXXX"])
        #expect(c.feishu.tables.action == "tblyyyy")
        #expect(c.notification.email.smtpPort == 587)
        // every known key appears in the example
        for path in ConfigSchema.allPaths {
            let leaf = path.split(separator: ".").last.map(String.init) ?? path
            #expect(text.contains("\(leaf):"), "config.yaml.example lacks \(path)")
        }
    }
}

@Suite struct ConfigFileTests {
    private func temp(_ name: String, _ text: String, mode: Int) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dingsync-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test func missingFileSaysSoAndHowToFix() {
        #expect {
            _ = try ConfigLoader.load(path: "/nonexistent/config.yaml", requirements: .sync, environment: [:])
        } throws: { error in
            let text = (error as? ConfigError)?.localizedDescription ?? ""
            return text.contains("/nonexistent/config.yaml does not exist") && text.contains("config.yaml.example")
        }
    }

    @Test func worldReadableSecretsWarn() throws {
        let open = try temp("config.yaml", minimalConfig, mode: 0o644)
        let warnings = try ConfigLoader.load(path: open, requirements: .sync, environment: [:]).warnings
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("chmod 600") == true)
        #expect(warnings.first?.contains("dingtalk.app_secret") == true)
        #expect(warnings.first?.contains("dt-secret-value") == false)
        let closed = try temp("config.yaml", minimalConfig, mode: 0o600)
        #expect(try ConfigLoader.load(path: closed, requirements: .sync, environment: [:]).warnings.isEmpty)
        // secrets only through ${VAR}: nothing to warn about
        let viaEnv = minimalConfig.replacingOccurrences(of: "\"dt-secret-value\"", with: "\"${A}\"")
            .replacingOccurrences(of: "\"fs-secret-value\"", with: "\"${B}\"")
        let envFile = try temp("config.yaml", viaEnv, mode: 0o644)
        #expect(
            try ConfigLoader.load(path: envFile, requirements: .sync, environment: ["A": "1", "B": "2"]).warnings
                .isEmpty)
    }

    @Test func resolvePathOrder() throws {
        let dir = (try temp("config.yaml", "", mode: 0o600) as NSString).deletingLastPathComponent
        #expect(
            ConfigLoader.resolvePath(explicit: "x.yaml", environment: [:], currentDirectory: "/srv") == "/srv/x.yaml")
        #expect(
            ConfigLoader.resolvePath(
                explicit: nil, environment: ["DINGSYNC_CONFIG": "/e/c.yaml"], currentDirectory: dir) == dir
                + "/config.yaml")
        #expect(
            ConfigLoader.resolvePath(
                explicit: nil, environment: ["DINGSYNC_CONFIG": "/e/c.yaml"], currentDirectory: "/nowhere")
                == "/e/c.yaml")
    }
}
