import Foundation
import Testing

/// SPEC 8 for managers, the real binary against the sandbox: overdue notices after a run (once
/// each, with approver and business id) and the daily/weekly digest.
@Suite(.serialized) struct ManagersTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    func cards(_ sandbox: SandboxProcess) throws -> [ReceivedCard] {
        try sandbox.webhookMessages().compactMap(ReceivedCard.init)
    }

    func ms(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }

    func userNames(_ sandbox: SandboxProcess) throws -> [String: String] {
        let users = try sandbox.admin("GET", "users")["users"] as? [[String: Any]] ?? []
        return Dictionary(
            users.compactMap { u in (u["userid"] as? String).map { ($0, u["name"] as? String ?? $0) } },
            uniquingKeysWith: { a, _ in a })
    }

    @Test func anInstancePastItsSLAIsNotifiedOnceWithItsApproverAndBusinessId() async throws {
        let sandbox = try SandboxProcess(["--instances", "40", "--days", "4"])
        try sandbox.editConfig { $0 + "\nsla:\n  hours: 24\n" }
        // The generated dataset depends on the time of day; these make sure both service levels
        // below have instances past them (50 h and 30 h old; 18 h old for the 12-hour level).
        let start = Int64(Date().timeIntervalSince1970 * 1000)
        for hours: Int64 in [50, 30, 18] {
            _ = try sandbox.admin(
                "POST", "instances", ["status": "RUNNING", "create_time": start - hours * 3_600_000])
        }
        let run = try await sandbox.run(["--init"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let overdue = try sandbox.instances(status: "RUNNING").filter {
            (ms($0["create_time"]) ?? now) < now - 24 * 3_600_000
        }
        try #require(!overdue.isEmpty, "the dataset has running instances older than a day")
        let notices = try cards(sandbox).filter { $0.title.contains("overdue") }
        #expect(notices.count == 1, "one message for the run")
        let card = try #require(notices.first)
        #expect(card.signatureValid == true && card.code == 0)
        #expect(card.title.contains("\(overdue.count) approval(s) overdue"), "\(card.title)")
        let names = try userNames(sandbox)
        for instance in overdue {
            let business = instance["business_id"] as? String ?? "?"
            #expect(card.text.contains(business), "\(business) in \(card.text)")
            for approver in instance["running_task_userids"] as? [String] ?? [] {
                #expect(card.text.contains(names[approver] ?? approver), "approver \(approver)")
            }
        }
        // the next run sends no notice again
        #expect(try await sandbox.run([]).status == 0)
        #expect(try cards(sandbox).filter { $0.title.contains("overdue") }.count == 1)
        // a tighter service level: only the instances it newly makes overdue are notified
        try sandbox.editConfig { $0.replacingOccurrences(of: "\nsla:\n  hours: 24\n", with: "\nsla:\n  hours: 12\n") }
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let newly = try sandbox.instances(status: "RUNNING").filter {
            let age = before - (ms($0["create_time"]) ?? before)
            return age > 12 * 3_600_000 && age <= 24 * 3_600_000
        }
        #expect(try await sandbox.run([]).status == 0)
        let all = try cards(sandbox).filter { $0.title.contains("overdue") }
        try #require(!newly.isEmpty, "an instance 18 h old is past 12 h")
        #expect(all.count == 2)
        let last = try #require(all.last)
        #expect(last.title.contains("\(newly.count) approval(s) overdue"), "\(last.title)")
        for instance in newly {
            #expect(last.text.contains(instance["business_id"] as? String ?? "?"))
        }
        for instance in overdue {
            #expect(!last.text.contains(instance["business_id"] as? String ?? "?"), "notified once only")
        }
    }

    /// The week's figures in `digest --week --dry-run`, recomputed here from the sandbox's own instances.
    @Test func weeklyDigestFiguresMatchAnIndependentCount() async throws {
        let sandbox = try SandboxProcess(["--instances", "150", "--days", "20"])
        try sandbox.setValue("init_days", "30")
        #expect(try await sandbox.run(["--init"]).status == 0)
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = shanghai
        let thisWeek = try #require(calendar.dateInterval(of: .weekOfYear, for: Date()))
        let start = Int64(thisWeek.start.timeIntervalSince1970 * 1000) - 7 * 86_400_000
        let end = Int64(thisWeek.start.timeIntervalSince1970 * 1000)
        let instances = try sandbox.instances()
        func inWeek(_ t: Int64?) -> Bool { t.map { $0 >= start && $0 < end } ?? false }
        let created = instances.filter { inWeek(ms($0["create_time"])) }.count
        let finished = instances.filter { inWeek(ms($0["finish_time"])) }
        let approved = finished.filter { $0["status"] as? String == "COMPLETED" && $0["result"] as? String == "agree" }
        let refused = finished.filter { $0["status"] as? String == "COMPLETED" && $0["result"] as? String == "refuse" }
        let digest = try sandbox.dingsync(["digest", "--week", "--dry-run"])
        #expect(digest.status == 0, "\(digest.stdout)\n\(digest.stderr)")
        let text = digest.stdout
        #expect(text.contains("dingsync 周报"))
        #expect(text.contains("新建 Created: \(created) ("), "\(created) created: \(text)")
        #expect(text.contains("完成 Finished: \(finished.count) ("), "\(finished.count) finished: \(text)")
        #expect(text.contains("同意 Approved: \(approved.count) ("), "\(text)")
        #expect(text.contains("拒绝 Refused: \(refused.count) ("), "\(text)")
        if approved.count + refused.count > 0 {
            let rate = Double(approved.count) / Double(approved.count + refused.count) * 100
            #expect(text.contains("通过率 Pass rate: \(String(format: "%.1f%%", rate))"), "\(text)")
        }
        #expect(text.contains("no service level set"), "no sla section: \(text)")
        #expect(try sandbox.webhookMessages().isEmpty, "a dry run sends nothing")
        // bad command lines
        #expect(try sandbox.dingsync(["digest", "--dry-run"]).status == 64)
        #expect(try sandbox.dingsync(["digest", "--day", "--date", "yesterday"]).status == 64)
    }

    @Test func dailyDigestSendsASignedCardAndAnEmailWithTheWorkbook() async throws {
        let sink = try SMTPSinkProcess(tls: "starttls")
        let sandbox = try SandboxProcess(["--instances", "60", "--days", "5"])
        try sandbox.editConfig { $0 + "\nsla:\n  hours: 48\n" }
        try sandbox.addToSection("notification", sink.emailSection(tls: "starttls", recipients: ["boss@example.com"]))
        let environment = sink.environment
        #expect(try await sandbox.run(["--init"], environment: environment).status == 0)
        let mailsBefore = sink.messages().count
        try sandbox.admin("DELETE", "webhook/messages")
        let digest = try sandbox.dingsync(["digest", "--day"], environment: environment)
        #expect(digest.status == 0, "\(digest.stdout)\n\(digest.stderr)")
        let card = try #require(try cards(sandbox).first)
        #expect(card.signatureValid == true && card.code == 0)
        #expect(card.template == "blue")
        #expect(card.title.contains("dingsync 日报"))
        #expect(card.text.contains("**新建 Created**"))
        let mail = try #require(sink.messages().dropFirst(mailsBefore).first, "no email")
        let data = mail["data"] as? String ?? ""
        #expect(data.contains("Content-Type: multipart/mixed"))
        #expect(data.contains("Content-Disposition: attachment; filename=\"report-"))
        #expect(data.contains(".xlsx\""))
        // the attachment is a workbook (a zip: "PK\u{3}\u{4}" is "UEsDB" in base64)
        #expect(data.contains("UEsDB"))
    }
}
