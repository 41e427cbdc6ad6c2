import Foundation
import Testing

extension MonitoringEndToEnd {
    /// Notifications and alerts of real runs: the sandbox's bot (signature verified) and a local
    /// SMTP sink (STARTTLS or implicit TLS, AUTH).
    @Suite(.serialized) struct NotificationTests {
        func cards(_ sandbox: SandboxProcess) throws -> [ReceivedCard] {
            try sandbox.webhookMessages().compactMap(ReceivedCard.init)
        }

        @Test func failedRunSendsOneSignedRedCardWithTheFix() async throws {
            let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
            try sandbox.admin("POST", "scopes/revoke", ["scope": "Workflow.Instance.Read"])
            let run = try await sandbox.run(["--init"])
            #expect(run.status == 2)
            let received = try cards(sandbox)
            #expect(received.count == 1)
            let card = try #require(received.first)
            #expect(card.signatureValid == true && card.code == 0)
            #expect(card.template == "red")
            #expect(card.title.contains("failed (exit 2)"))
            #expect(card.text.contains("**Stopped**: DingTalk listids failed"))
            #expect(card.text.contains("Workflow.Instance.Read"))
            #expect(card.text.contains("dingsync doctor --config \(sandbox.configPath)"))
            #expect(card.text.contains("**Instances**: listed 0"))
            // logged, and the webhook token and secret never reach the log
            #expect(sandbox.log.contains("notification (failure) via Feishu bot: sent"))
            #expect(!sandbox.log.contains(sandbox.webhookToken) && !sandbox.log.contains(sandbox.webhookSecret))
        }

        @Test func partialRunSendsAnOrangeCardWithTheFailures() async throws {
            let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
            try sandbox.setValue("max_retries", "0")
            try sandbox.admin(
                "POST", "faults", ["endpoint": "dingtalk.v1.processInstances.get", "count": 3, "fault": "server_error"])
            let run = try await sandbox.run(["--init"])
            #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
            let card = try #require(try cards(sandbox).first)
            #expect(card.template == "orange")
            #expect(card.title.contains("3 instance(s) could not be synced (exit 1)"))
            #expect(card.text.contains("failed 3"))
            #expect(card.text.components(separatedBy: "**Failed**: ").count - 1 == 3)
            #expect(card.text.contains("retried on the next run"))
            #expect(card.signatureValid == true)
        }

        @Test func cleanRunIsSilentUnlessOnSuccess() async throws {
            let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            #expect(try sandbox.webhookMessages().isEmpty)
            try sandbox.setValue("on_success", "true")
            #expect(try await sandbox.run([]).status == 0)
            let card = try #require(try cards(sandbox).first)
            #expect(card.template == "green")
            #expect(card.title.contains("the incremental run synced"))
            #expect(card.text.contains("**Main rows**: created 0"))
        }

        @Test func stateDatabaseThatCannotBeOpenedIsAFailedRun() async throws {
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            try FileManager.default.createDirectory(
                atPath: sandbox.folder + "/dingsync.sqlite", withIntermediateDirectories: true)
            let run = try await sandbox.run(["--init"])
            #expect(run.status == 2)
            let card = try #require(try cards(sandbox).first)
            #expect(card.template == "red")
            #expect(card.text.contains("**Stopped**:") && card.text.contains("dingsync.sqlite"))
        }

        @Test func dryRunSendsNothing() async throws {
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            try sandbox.admin("POST", "scopes/revoke", ["scope": "Workflow.Instance.Read"])
            #expect(try await sandbox.run(["--init", "--dry-run"]).status == 2)
            #expect(try sandbox.webhookMessages().isEmpty)
        }

        @Test func alertsForAPIErrorsRowLimitAndQuotaOnAGoodRun() async throws {
            let sandbox = try SandboxProcess(["--instances", "50", "--days", "3"])
            try sandbox.addToSection("notification", "alerts:\n  api_errors: 3")
            try sandbox.addToSection("feishu", "row_limit: 55")
            try sandbox.setValue("monthly_quota", "20")
            try sandbox.admin(
                "POST", "faults", ["endpoint": "dingtalk.v1.processInstances.get", "count": 4, "fault": "throttle"])
            let run = try await sandbox.run(["--init"])
            #expect(run.status == 0, "alerts never change the exit code:\n\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("alert      "), "the summary lists the alerts:\n\(run.stdout)")
            let card = try #require(try cards(sandbox).first)
            #expect(try cards(sandbox).count == 1, "one run sends one message")
            #expect(card.template == "orange")
            #expect(card.title.hasPrefix("dingsync: ") && card.title.contains("alerts · 告警"))
            #expect(card.text.contains("error answers from the APIs in one run"))
            // the 4 injected throttles, and any the sandbox's own rate limit adds
            let perAPI = card.text.components(separatedBy: "by API: DingTalk processinstance/get ").dropFirst().first?
                .prefix { $0.isNumber }
            #expect((perAPI.flatMap { Int($0) } ?? 0) >= 4, "\(card.text)")
            #expect(card.text.contains("the main table is nearly full"))
            #expect(card.text.contains("holds 50 of 55 rows"))
            #expect(card.text.contains("DingTalk's monthly API quota is used up"))
            #expect(card.text.contains("lower dingtalk.qps"))
        }

        @Test func checkpointThatDoesNotAdvanceRaisesAnAlert() async throws {
            let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            try sandbox.addToSection("sync", "stale_after_hours: 2")
            try sandbox.writeCheckpoint(at: Date().addingTimeInterval(-5 * 3600))
            // a backfill does not move the checkpoint
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
            let run = try await sandbox.run(["--start-time", formatter.string(from: Date().addingTimeInterval(-3600))])
            #expect(run.status == 0)
            let card = try #require(try cards(sandbox).first)
            #expect(card.title.contains("the checkpoint has not advanced for more than 2 h"))
            #expect(card.text.contains("(5 h ago)"))
        }

        @Test func unusuallyManyInstancesRaiseAnAlert() async throws {
            let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            for _ in 0..<3 {
                try sandbox.admin("POST", "instances", ["count": 2])
                #expect(try await sandbox.run([]).status == 0)
            }
            #expect(try sandbox.webhookMessages().isEmpty, "ordinary runs are quiet")
            try sandbox.admin("POST", "instances", ["count": 45])
            let run = try await sandbox.run([])
            #expect(run.status == 0)
            let card = try #require(try cards(sandbox).first)
            #expect(card.title.contains("unusually many new instances"))
            #expect(card.text.contains("the last 3 runs at this time of day"))
        }

        @Test(arguments: ["starttls", "ssl"])
        func emailOverTLSWithAuth(tls: String) async throws {
            let sink = try SMTPSinkProcess(tls: tls)
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            try sandbox.addToSection(
                "notification", sink.emailSection(tls: tls, recipients: ["ops@example.com", "lead@example.com"]))
            try sandbox.admin("POST", "scopes/revoke", ["scope": "Workflow.Instance.Read"])
            let run = try await sandbox.run(["--init"], environment: sink.environment)
            #expect(run.status == 2)
            let message = try #require(sink.messages().first, "no email arrived:\n\(run.stderr)")
            #expect(message["tls"] as? Bool == true)
            #expect(message["auth_user"] as? String == SMTPSinkProcess.user)
            #expect(message["mail_from"] as? String == "dingsync@example.com")
            #expect(message["rcpt_to"] as? [String] == ["ops@example.com", "lead@example.com"])
            let email = ReceivedEmail(message["data"] as? String ?? "")
            #expect(email.subject == "dingsync: the init run failed (exit 2) · 同步失败")
            #expect(email.headers["Content-Type"] == "text/plain; charset=UTF-8")
            #expect(email.body.contains("Stopped: DingTalk listids failed"))
            #expect(email.body.contains("Workflow.Instance.Read"))
            #expect(email.body.contains("What to do:"))
            #expect(sandbox.log.contains("notification (failure) via email: sent to ops@example.com, lead@example.com"))
            #expect(!sandbox.log.contains(SMTPSinkProcess.password))
            // the bot got the same run's card
            #expect(try cards(sandbox).count == 1)
        }

        @Test func notificationsThatCannotBeSentAreLoggedAndChangeNothing() async throws {
            let sink = try SMTPSinkProcess(tls: "starttls")
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            try sandbox.setValue("on_success", "true")
            try sandbox.addToSection(
                "notification",
                """
                email:
                  enabled: true
                  smtp_server: "127.0.0.1"
                  smtp_port: \(sink.port)
                  username: "\(SMTPSinkProcess.user)"
                  password: "a-wrong-password"
                  sender: "dingsync@example.com"
                  recipients: ["ops@example.com"]
                """)
            try sandbox.admin("POST", "settings", ["webhook_ip_blocked": true])
            let run = try await sandbox.run(["--init"], environment: ["DINGSYNC_SMTP_CA_FILE": sink.certificate])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(sink.messages().isEmpty)
            let log = sandbox.log
            #expect(log.contains("via Feishu bot could not be sent: 19022"))
            #expect(log.contains("IP allow-list"))
            #expect(log.contains("via email could not be sent"))
            #expect(log.contains("check notification.email.username and the password"))
            #expect(!log.contains("a-wrong-password"))

            // an untrusted certificate is refused, not ignored
            try sandbox.admin("POST", "settings", ["webhook_ip_blocked": false])
            try sandbox.setValue("password", "\"\(SMTPSinkProcess.password)\"")
            let untrusted = try await sandbox.run([])
            #expect(untrusted.status == 0)
            #expect(sink.messages().isEmpty)
            #expect(sandbox.log.contains("the server's certificate is not trusted"))
        }
    }
}
