import Foundation
import Testing

/// The doctor and notification suites, one after the other (each starts sandboxes and runs the
/// binary; side by side with the other end-to-end suites they would crowd two cores).
@Suite(.serialized) struct MonitoringEndToEnd {}

extension MonitoringEndToEnd {
    /// `dingsync doctor` against the sandbox: each failing check has its line and exit code.
    @Suite(.serialized) struct DoctorTests {
        /// The lines of a report with this status whose name starts with `name`.
        func lines(_ result: CLIResult, _ status: String, _ name: String) -> [String] {
            result.stdout.components(separatedBy: "\n").filter {
                $0.hasPrefix(status.padding(toLength: 5, withPad: " ", startingAt: 0) + " " + name)
            }
        }

        func problems(_ result: CLIResult) -> [String] {
            result.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("warn ") || $0.hasPrefix("fail ") }
        }

        @Test func healthyAfterInitAllOkAndCheapOnQuota() async throws {
            let sandbox = try SandboxProcess(["--instances", "40", "--days", "5"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            try sandbox.admin("POST", "counters/reset")
            let result = try await sandbox.run(["doctor"])
            #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            #expect(problems(result).isEmpty, "\(result.stdout)")
            for name in [
                "config", "DingTalk token", "DingTalk template", "DingTalk instance detail", "DingTalk contacts: users",
                "DingTalk contacts: departments", "Feishu token", "Feishu base", "Feishu main table",
                "Feishu action table",
                "state database", "last completed run", "failing instances", "Bitable rows", "checkpoint", "log folder",
                "disk space", "API quota", "notifications"
            ] {
                #expect(!lines(result, "ok", name).isEmpty, "no ok line for \(name)")
            }
            #expect(lines(result, "ok", "DingTalk template").count == 5)
            #expect(result.stdout.contains("doctor: ") && result.stdout.contains("→ exit 0"))
            // one listing call per template, one detail, one user, one department; nothing written
            let counters = try sandbox.counters()
            #expect(counters["dingtalk.v1.instanceIds.query"]?["calls"] == 5)
            #expect(counters["dingtalk.v1.processInstances.get"]?["calls"] == 1)
            #expect(counters["dingtalk.topapi.user.get"]?["calls"] == 1)
            #expect(counters["dingtalk.topapi.department.get"]?["calls"] == 1)
            #expect(try sandbox.writeCalls() == 0)
            #expect(try sandbox.webhookMessages().isEmpty, "doctor sends no notification")
        }

        @Test func freshInstallWarnsAboutStateAndCheckpoint() async throws {
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            let result = try await sandbox.run(["doctor"])
            #expect(result.status == 1, "\(result.stdout)")
            #expect(lines(result, "warn", "state database").first?.contains("run `dingsync --init`") == true)
            #expect(lines(result, "warn", "checkpoint").count == 1)
            #expect(
                !FileManager.default.fileExists(atPath: sandbox.folder + "/dingsync.sqlite"),
                "doctor must not create the state database")
        }

        @Test func missingInstancePermissionFailsEachTemplate() async throws {
            let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            try sandbox.admin("POST", "scopes/revoke", ["scope": "Workflow.Instance.Read"])
            let result = try await sandbox.run(["doctor"])
            #expect(result.status == 2)
            let failed = lines(result, "fail", "DingTalk template")
            #expect(failed.count == 5)
            #expect(failed.allSatisfy { $0.contains("→ the app lacks the permission Workflow.Instance.Read") })
            #expect(lines(result, "fail", "DingTalk instance detail").count == 1)
            #expect(result.stdout.contains("→ exit 2"))
        }

        @Test func missingContactsPermissionOnlyWarns() async throws {
            let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            try sandbox.admin("POST", "scopes/revoke", ["scope": "qyapi_get_member"])
            try sandbox.admin("POST", "scopes/revoke", ["scope": "qyapi_get_department_list"])
            let result = try await sandbox.run(["doctor"])
            #expect(result.status == 1, "\(result.stdout)")
            #expect(lines(result, "warn", "DingTalk contacts: users").first?.contains("qyapi_get_member") == true)
            #expect(
                lines(result, "warn", "DingTalk contacts: departments").first?.contains("qyapi_get_department_list")
                    == true)
            #expect(problems(result).count == 2)
        }

        @Test func ipNotWhitelistedFailsTheToken() async throws {
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            try sandbox.admin("POST", "settings", ["dingtalk_ip_blocked": true])
            let result = try await sandbox.run(["doctor"])
            #expect(result.status == 2)
            let line = try #require(lines(result, "fail", "DingTalk token").first)
            #expect(
                line.contains("IpNotInWhiteList")
                    && line.contains("→ this machine's egress IP is not in the app's IP whitelist"))
            #expect(lines(result, "ok", "Feishu main table").count == 1, "Feishu is still checked")
        }

        @Test func wrongSecretsFailTheTokens() async throws {
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            let result = try await sandbox.run(
                ["doctor"],
                environment: ["DINGSYNC_DINGTALK_APP_SECRET": "wrong-secret", "DINGSYNC_FEISHU_APP_SECRET": "wrong-too"]
            )
            #expect(result.status == 2)
            #expect(
                lines(result, "fail", "DingTalk token").first?.contains(
                    "check dingtalk.app_key and dingtalk.app_secret") == true)
            #expect(
                lines(result, "fail", "Feishu token").first?.contains("check feishu.app_id and feishu.app_secret")
                    == true)
            #expect(!result.stdout.contains("wrong-secret") && !result.stdout.contains("wrong-too"))
        }

        @Test func missingTablesAndFieldsPointToSetup() async throws {
            let bare = try SandboxProcess(["--instances", "10", "--days", "3", "--no-tables"])
            let noTables = try await bare.run(["doctor"])
            #expect(noTables.status == 2)
            #expect(
                lines(noTables, "fail", "Feishu main table").first?.contains(
                    "feishu.tables.main is not set → run `dingsync setup`") == true)

            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            try sandbox.setValue("field_names", "{title: \"标题\"}")
            try sandbox.setValue("action", "\"tblNoSuchTable\"")
            let result = try await sandbox.run(["doctor"])
            #expect(result.status == 2)
            #expect(lines(result, "fail", "Feishu main table").first?.contains("field \"标题\" is missing") == true)
            #expect(
                lines(result, "fail", "Feishu action table").first?.contains("tblNoSuchTable is not a table of base")
                    == true)
        }

        @Test func staleOrCorruptCheckpoint() async throws {
            let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            try sandbox.addToSection("sync", "stale_after_hours: 6")
            try sandbox.writeCheckpoint(at: Date().addingTimeInterval(-9 * 3600))
            let stale = try await sandbox.run(["doctor"])
            #expect(stale.status == 1, "\(stale.stdout)")
            #expect(lines(stale, "warn", "checkpoint").first?.contains("not advanced for more than 6 h") == true)

            try Data("{\"process_codes\": ".utf8).write(to: URL(fileURLWithPath: sandbox.folder + "/checkpoint.json"))
            let corrupt = try await sandbox.run(["doctor"])
            #expect(corrupt.status == 2)
            #expect(lines(corrupt, "fail", "checkpoint").first?.contains("is not valid JSON") == true)
        }

        @Test func unwritableLogFolderFails() async throws {
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            try Data("not a folder".utf8).write(to: URL(fileURLWithPath: sandbox.folder + "/blocker"))
            try sandbox.setValue("file", "\"blocker/logs/sync.log\"")
            let result = try await sandbox.run(["doctor"])
            #expect(result.status == 2)
            #expect(lines(result, "fail", "log folder").first?.contains("is a file, not a folder") == true)
        }

        @Test func quotaUsedUpFails() async throws {
            let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            try sandbox.setValue("monthly_quota", "15")
            let result = try await sandbox.run(["doctor"])
            #expect(result.status == 2)
            let line = try #require(lines(result, "fail", "API quota").first)
            #expect(line.contains("of 15 calls used in") && line.contains("→ DingTalk refuses calls until next month"))
        }

        @Test func invalidConfigIsAFailureLine() async throws {
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            try sandbox.setValue("batch_size", "abc")
            let result = try await sandbox.run(["doctor"])
            #expect(result.status == 2)
            #expect(lines(result, "fail", "config").first?.contains("sync.batch_size must be a whole number") == true)
        }
    }
}
