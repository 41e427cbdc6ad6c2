import Foundation
import Testing

/// SPEC 4.3 status text from the sandbox's raw status and result.
func expectedStatus(_ status: String, _ result: String) -> String {
    switch (status, result) {
    case ("RUNNING", _), ("NEW", _): return "审批中"
    case ("COMPLETED", "agree"): return "已同意"
    case ("COMPLETED", "refuse"): return "已拒绝"
    case ("TERMINATED", _): return "已撤销"
    case ("CANCELED", _): return "已取消"
    default: return status
    }
}

/// Asserts the tables hold exactly one main row per instance and one action row per record.
func assertTablesMatch(
    _ sandbox: SandboxProcess, instances: [[String: Any]], sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let main = try sandbox.rows(sandbox.mainTable)
    let keys = main.compactMap { $0.fields["instance_id"] as? String }
    #expect(keys.count == Set(keys).count, "duplicate main rows", sourceLocation: sourceLocation)
    #expect(
        Set(keys) == Set(instances.compactMap { $0["id"] as? String }), "main rows ≠ instances",
        sourceLocation: sourceLocation)
    let byId = Dictionary(
        main.map { (($0.fields["instance_id"] as? String) ?? "", $0.fields) }, uniquingKeysWith: { a, _ in a })
    for instance in instances {
        guard let id = instance["id"] as? String, let row = byId[id] else { continue }
        let status = expectedStatus(instance["status"] as? String ?? "", instance["result"] as? String ?? "")
        #expect(row["status"] as? String == status, "\(id): status", sourceLocation: sourceLocation)
        #expect(row["business_id"] as? String == instance["business_id"] as? String, sourceLocation: sourceLocation)
        // new-API times carry minutes only; legacy ones seconds
        let start = (row["start_time"] as? NSNumber)?.int64Value ?? 0
        let created = (instance["create_time"] as? NSNumber)?.int64Value ?? -1
        #expect(
            abs(start - created) < 60_000, "\(id): start_time \(start) vs created \(created)",
            sourceLocation: sourceLocation)
    }
    let actions = try sandbox.rows(sandbox.actionTable)
    let actionKeys = actions.compactMap { $0.fields["action_key"] as? String }
    #expect(actionKeys.count == Set(actionKeys).count, "duplicate action rows", sourceLocation: sourceLocation)
    let expectedActions = instances.reduce(0) { $0 + ((($1["records"] as? NSNumber)?.intValue) ?? 0) }
    #expect(
        actionKeys.count == expectedActions, "action rows \(actionKeys.count) ≠ records \(expectedActions)",
        sourceLocation: sourceLocation)
}

@Suite(.serialized) struct PipelineTests {
    @Test func initThenSecondRunWritesNothing() throws {
        let sandbox = try SandboxProcess(["--instances", "80", "--days", "6"])
        let first = try sandbox.dingsync(["--init"])
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        let instances = try sandbox.instances()
        #expect(instances.count == 80)
        try assertTablesMatch(sandbox, instances: instances)
        #expect(FileManager.default.fileExists(atPath: sandbox.folder + "/checkpoint.json"))

        let writes = try sandbox.writeCalls()
        let second = try sandbox.dingsync([])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try sandbox.writeCalls() == writes, "a no-change run must not write")
        #expect(second.stdout.contains("created 0 · updated 0"))
        #expect(try sandbox.tableConflicts() == 0)
    }

    @Test func openInstanceFinishedLaterIsPickedUp() throws {
        let sandbox = try SandboxProcess(["--instances", "60", "--days", "6"])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        let running = try sandbox.instances(status: "RUNNING").sorted {
            (($0["create_time"] as? NSNumber)?.int64Value ?? 0) < (($1["create_time"] as? NSNumber)?.int64Value ?? 0)
        }
        let target = try #require(running.first?["id"] as? String)
        try sandbox.admin("POST", "instances/\(target)/finish", ["result": "agree", "remark": "终于批了"])
        let run = try sandbox.dingsync([])
        #expect(run.status == 0, "\(run.stderr)")
        let row = try sandbox.rows(sandbox.mainTable).first { $0.fields["instance_id"] as? String == target }
        #expect(row?.fields["status"] as? String == "已同意")
        #expect(row?.fields["end_time"] != nil)
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
    }

    @Test func dryRunWritesNothingAnywhere() throws {
        let sandbox = try SandboxProcess(["--instances", "30", "--days", "5"])
        let run = try sandbox.dingsync(["--init", "--dry-run"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("would create"))
        #expect(try sandbox.rows(sandbox.mainTable).isEmpty)
        #expect(try sandbox.writeCalls() == 0)
        #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/checkpoint.json"))
        #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/dingsync.sqlite"))
    }

    @Test func backfillOver200DaysInSlices() throws {
        let sandbox = try SandboxProcess(["--instances", "60", "--days", "250"])
        let start = Date().addingTimeInterval(-240 * 86_400)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        let run = try sandbox.dingsync(["--start-time", formatter.string(from: start)])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stdout.components(separatedBy: "window ").count - 1 >= 2 * 4,
            "expected ≥2 slices per template:\n\(run.stdout)")
        let startMs = Int64((formatter.date(from: formatter.string(from: start)) ?? start).timeIntervalSince1970 * 1000)
        let expected = try sandbox.instances().filter { (($0["create_time"] as? NSNumber)?.int64Value ?? 0) >= startMs }
        try assertTablesMatch(sandbox, instances: expected)
        #expect(
            !FileManager.default.fileExists(atPath: sandbox.folder + "/checkpoint.json"),
            "a backfill must not move the checkpoint")
    }

    @Test func legacyAPIFamily() throws {
        let sandbox = try SandboxProcess(["--instances", "40", "--days", "5", "--config-api", "legacy"])
        let run = try sandbox.dingsync(["--init"])
        #expect(run.status == 0, "\(run.stderr)")
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
        let counters = try sandbox.counters()
        #expect((counters["dingtalk.topapi.get"]?["calls"] ?? 0) >= 40)
        #expect((counters["dingtalk.v1.processInstances.get"]?["calls"] ?? 0) == 0)
    }

    @Test func faultsAreRetriedWithoutDuplicates() throws {
        let sandbox = try SandboxProcess(["--instances", "50", "--days", "5"])
        try sandbox.admin(
            "POST", "faults", ["endpoint": "dingtalk.v1.processInstances.get", "count": 3, "fault": "throttle"])
        try sandbox.admin(
            "POST", "faults", ["endpoint": "dingtalk.v1.instanceIds.query", "count": 1, "fault": "token_invalid"])
        try sandbox.admin("POST", "faults", ["endpoint": "feishu.records.batch_create", "count": 1, "fault": "timeout"])
        try sandbox.admin(
            "POST", "faults", ["endpoint": "feishu.records.batch_create", "count": 1, "fault": "write_conflict"])
        try sandbox.admin("POST", "faults", ["endpoint": "feishu.records.search", "count": 1, "fault": "server_error"])
        try sandbox.admin(
            "POST", "faults", ["endpoint": "dingtalk.topapi.user.get", "count": 2, "fault": "server_error"])
        let run = try sandbox.dingsync(["--init"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
    }

    @Test func tokensExpiringMidRunAreRefreshed() throws {
        let sandbox = try SandboxProcess(["--instances", "60", "--days", "5", "--latency-ms", "40"])
        let process = try sandbox.startDingsync(["--init"])
        // mid-run: once the run has its tokens and has read a first detail (a guessed delay missed the run's
        // start on a slow machine); about 60 detail reads of 40 ms each are still ahead of it
        let started = try waitUntil(60) {
            (try sandbox.counters()["dingtalk.v1.processInstances.get"]?["calls"] ?? 0) > 0 || !process.isRunning
        }
        #expect(started && process.isRunning, "the run read no detail")
        try sandbox.admin("POST", "tokens/expire")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
        let counters = try sandbox.counters()
        #expect((counters["dingtalk.oauth2.accessToken"]?["calls"] ?? 0) >= 2, "the DingTalk token was not refreshed")
    }

    @Test func secondRunWhileOneHoldsTheLockExits75() throws {
        // 150 ms a call: the first run lasts seconds after it took the lock, longer than a slow machine needs to
        // start the second
        let sandbox = try SandboxProcess(["--instances", "40", "--days", "5", "--latency-ms", "150"])
        let first = try sandbox.startDingsync(["--init"])
        #expect(waitUntil(60) { sandbox.lockIsHeld() || !first.isRunning }, "the first run took no lock")
        let second = try sandbox.dingsync(["--init"])
        first.waitUntilExit()
        #expect(second.status == 75, "\(second.stderr)")
        #expect(second.stderr.contains("another dingsync run holds the lock"))
        #expect(second.stderr.contains("pid \(first.processIdentifier)"))
        #expect(first.terminationStatus == 0)
    }

    /// `sync.lock_wait_seconds`: a run that finds the lock held waits for it (a nightly
    /// `--full-check` beside a long run or `watch`), and nothing is lost or duplicated.
    @Test func aRunWithALockWaitRunsAfterTheHolder() throws {
        let sandbox = try SandboxProcess(["--instances", "60", "--days", "5", "--latency-ms", "40"])
        try sandbox.addToSection("sync", "lock_wait_seconds: 120")
        let first = try sandbox.startDingsync(["--init"])
        #expect(waitUntil(60) { sandbox.lockIsHeld() || !first.isRunning }, "the first run took no lock")
        let second = try sandbox.dingsync(["--full-check"])
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
    }

    /// Reference §5: a search page Feishu will not send (1254030 TooLargeResponse) is read again in smaller pages;
    /// the full check still finds and repairs what was changed by hand.
    @Test func fullCheckReadsSmallerPagesWhenAPageIsTooLarge() throws {
        let sandbox = try SandboxProcess(["--instances", "40", "--days", "5"])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        let deleted = try #require(try sandbox.rows(sandbox.mainTable).first)
        try sandbox.admin("DELETE", "tables/\(sandbox.mainTable)/records/\(deleted.id)")
        // the sandbox refuses pages larger than half of all the main table's rows (as the full check reads them)
        let feishu = try FeishuAPI(sandbox)
        let wholePage = {
            try feishu.bodyBytes(
                "POST", "tables/\(sandbox.mainTable)/records/search?page_size=500", ["automatic_fields": true])
        }
        let whole = try wholePage()
        try sandbox.admin("POST", "settings", ["feishu_max_page_bytes": whole / 2])
        let run = try sandbox.dingsync(["--full-check", "-v"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect((run.stdout + run.stderr).contains("reading 250 a page"), "\(run.stdout)\n\(run.stderr)")
        let after = try sandbox.rows(sandbox.mainTable)
        #expect(
            after.filter { $0.fields["instance_id"] as? String == deleted.fields["instance_id"] as? String }.count == 1)
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
        // the limit was in force: a whole page is still refused
        let refused = try wholePage()
        #expect(refused < 200, "a short 1254030 answer, not a page")
    }

    @Test func fullCheckRepairsHandEdits() throws {
        let sandbox = try SandboxProcess(["--instances", "40", "--days", "5"])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        let main = sandbox.mainTable
        let rows = try sandbox.rows(main)
        let edited = rows[0]
        let deleted = rows[1]
        let duplicated = rows[2]
        let originalStatus = edited.fields["status"] as? String
        try sandbox.admin(
            "PATCH", "tables/\(main)/records/\(edited.id)", ["fields": ["status": "被人改过", "amount": NSNull()]])
        try sandbox.admin("DELETE", "tables/\(main)/records/\(deleted.id)")
        try sandbox.admin("POST", "tables/\(main)/records/\(duplicated.id)/duplicate")
        let actions = try sandbox.rows(sandbox.actionTable)
        try sandbox.admin("DELETE", "tables/\(sandbox.actionTable)/records/\(actions[0].id)")

        let run = try sandbox.dingsync(["--full-check"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(
            run.stdout.components(separatedBy: "restored").count - 1 == 1,
            "only the edited row is restored:\n\(run.stdout)")
        #expect(run.stdout.contains("repaired"))
        let after = try sandbox.rows(main)
        #expect(after.first { $0.id == edited.id }?.fields["status"] as? String == originalStatus)
        #expect(
            after.filter { $0.fields["instance_id"] as? String == deleted.fields["instance_id"] as? String }.count == 1)
        #expect(
            after.filter { $0.fields["instance_id"] as? String == duplicated.fields["instance_id"] as? String }.count
                == 1)
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
    }

    @Test func killedAtAnyPointLosesAndDuplicatesNothing() throws {
        let sandbox = try SandboxProcess(["--instances", "120", "--days", "5", "--latency-ms", "15"])
        // smaller batches so that a kill lands between writes
        let text = try String(contentsOfFile: sandbox.configPath, encoding: .utf8)
        try text.replacingOccurrences(of: "batch_size: 500", with: "batch_size: 7").write(
            toFile: sandbox.configPath, atomically: true, encoding: .utf8)
        for delay in [300_000, 900_000, 1_500_000, 2_200_000] as [useconds_t] {
            let process = try sandbox.startDingsync(["--init"])
            usleep(delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let final = try sandbox.dingsync(["--init"])
        #expect(final.status == 0, "\(final.stderr)")
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
    }
}
