import Foundation
import Testing

@Suite(.serialized) struct OperationsTests {
    @Test func corruptCheckpointExits2WithTheFix() throws {
        let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
        try "{ not json".write(toFile: sandbox.folder + "/checkpoint.json", atomically: true, encoding: .utf8)
        let run = try sandbox.dingsync([])
        #expect(run.status == 2)
        #expect(run.stderr.contains("checkpoint file") && run.stderr.contains("not valid JSON"))
        #expect(try sandbox.writeCalls() == 0)
    }

    @Test func setupOnAFreshBaseThenSync() throws {
        let sandbox = try SandboxProcess(["--instances", "20", "--days", "3", "--no-tables"])
        // without tables a sync is a configuration error naming setup
        let early = try sandbox.dingsync([])
        #expect(early.status == 64)
        #expect(early.stderr.contains("feishu.tables.main is required") && early.stderr.contains("dingsync setup"))

        let setup = try sandbox.dingsync(["setup"])
        #expect(setup.status == 0, "\(setup.stderr)")
        let main = try #require(setup.stdout.firstMatch(of: /main: "(tbl[A-Za-z0-9]+)"/)?.1).description
        let action = try #require(setup.stdout.firstMatch(of: /action: "(tbl[A-Za-z0-9]+)"/)?.1).description
        #expect(setup.stdout.contains("created main table"))
        // idempotent: a second setup creates nothing
        let again = try sandbox.dingsync(["setup"])
        #expect(again.status == 0)
        #expect(!again.stdout.contains("created") && !again.stdout.contains("added field"))
        #expect(again.stdout.contains("main: \"\(main)\""))

        let text = try String(contentsOfFile: sandbox.configPath, encoding: .utf8)
        try text.replacingOccurrences(
            of: "  field_names: {}", with: "  tables: {main: \"\(main)\", action: \"\(action)\"}\n  field_names: {}"
        )
        .write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
        let run = try sandbox.dingsync(["--init"])
        #expect(run.status == 0, "\(run.stderr)")
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
    }

    @Test func missingFieldIsOneClearErrorAndSetupAddsIt() throws {
        let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
        let text = try String(contentsOfFile: sandbox.configPath, encoding: .utf8)
        try text.replacingOccurrences(of: "  field_names: {}", with: "  field_names: {title: \"标题\", comment: \"意见\"}")
            .write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
        let run = try sandbox.dingsync(["--init"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("field \"标题\" is missing"))
        #expect(run.stderr.contains("field \"意见\" is missing"))
        #expect(run.stderr.contains("dingsync setup"))
        #expect(try sandbox.writeCalls() == 0)

        let setup = try sandbox.dingsync(["setup"])
        #expect(setup.status == 0, "\(setup.stderr)")
        #expect(setup.stdout.contains("added field \"标题\""))
        let retry = try sandbox.dingsync(["--init"])
        #expect(retry.status == 0, "\(retry.stderr)")
        let row = try #require(try sandbox.rows(sandbox.mainTable).first)
        #expect(row.fields["标题"] != nil)
    }

    @Test func revokedPermissionStopsWithTheScopeNamed() throws {
        let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
        try sandbox.admin("POST", "scopes/revoke", ["scope": "Workflow.Instance.Read"])
        let run = try sandbox.dingsync(["--init"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("Workflow.Instance.Read"))
        #expect(run.stderr.contains("开发者后台"))
        #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/checkpoint.json"))
    }

    @Test func busyWindowOverTheIdCapIsSplitAndNothingIsLost() throws {
        let sandbox = try SandboxProcess(["--instances", "90", "--days", "5", "--max-ids-per-query", "12"])
        let run = try sandbox.dingsync(["--init"], environment: ["DINGSYNC_MAX_IDS_PER_QUERY": "12"])
        #expect(run.status == 0, "\(run.stderr)")
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
    }

    @Test func openInstancesAreRecheckedCheaplyOnTheNewAPI() throws {
        let sandbox = try SandboxProcess(["--instances", "200", "--days", "6"])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        // a quota with nothing left for refresh reads: only status changes are looked for
        try sandbox.setValue("monthly_quota", "1")
        let open = try sandbox.instances(status: "RUNNING")
        #expect(
            open.count >= 20,
            "the dataset should have many running instances (how many depends on the time of day and week)")
        let target = try #require(open.first?["id"] as? String)
        try sandbox.admin("POST", "instances/\(target)/finish", ["result": "refuse", "remark": "不同意"])
        try sandbox.admin("POST", "counters/reset")
        let run = try sandbox.dingsync([])
        #expect(run.status == 0, "\(run.stderr)")
        let counters = try sandbox.counters()
        let details = counters["dingtalk.v1.processInstances.get"]?["calls"] ?? 0
        // besides the finished instance, only instances created within the lookback (listed again) get a detail
        let listed =
            run.stdout.components(separatedBy: "instances  listed ").dropFirst().first
            .flatMap { Int($0.prefix { $0.isNumber }) } ?? -1
        // a template with a single open instance re-checks it by detail (cheaper than a listing): at most one per template
        #expect(
            details >= 1 && details <= 1 + listed + 5 && details < open.count / 2,
            "the finished instance, the \(listed) listed and at most one per template need a detail, got \(details)")
        let listings = counters["dingtalk.v1.instanceIds.query"]?["calls"] ?? 0
        #expect(listings <= 5 + (open.count + 19) / 20 + 5, "re-check listing pages: \(listings)")
        #expect(run.stdout.contains("status-filtered listing"))
        let row = try sandbox.rows(sandbox.mainTable).first { $0.fields["instance_id"] as? String == target }
        #expect(row?.fields["status"] as? String == "已拒绝")
    }

    /// SPEC 5: a change inside a running approval reaches Bitable on the next plain run.
    @Test func commentOnARunningInstanceReachesBitableOnTheNextRun() throws {
        // monthly_quota 0: every open instance is read
        let sandbox = try SandboxProcess(["--instances", "60", "--days", "6"])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        let target = try #require(try sandbox.instances(status: "RUNNING").last?["id"] as? String)
        try sandbox.admin("POST", "instances/\(target)/remark", ["remark": "请补充行程单"])
        let run = try sandbox.dingsync([])
        #expect(run.status == 0, "\(run.stderr)")
        let actions = try sandbox.rows(sandbox.actionTable).filter { $0.fields["instance_id"] as? String == target }
        #expect(actions.contains { $0.fields["comment"] as? String == "请补充行程单" })
        let main = try sandbox.rows(sandbox.mainTable).first { $0.fields["instance_id"] as? String == target }
        #expect(main?.fields["last_action"] as? String == "评论")
        #expect(run.stdout.contains("open rows  the stalest was last refreshed"), "\(run.stdout)")
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
    }

    /// With a quota, a run reads only its share, longest-unrefreshed first, and says how stale the stalest row is.
    @Test func refreshReadsStayWithinTheRunsShareOfTheQuota() throws {
        let sandbox = try SandboxProcess(["--instances", "200", "--days", "6"])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        let open = try sandbox.instances(status: "RUNNING").count
        // used calls so far are the init's (~200); leave a share of a few reads for this run
        try sandbox.setValue("monthly_quota", "\(260 + 90)")
        try sandbox.admin("POST", "counters/reset")
        let run = try sandbox.dingsync([])
        #expect(run.status == 0, "\(run.stderr)")
        let details = try sandbox.counters()["dingtalk.v1.processInstances.get"]?["calls"] ?? 0
        #expect(details < open, "not every open instance is read: \(details) of \(open)")
        #expect(run.stdout.contains("refreshed"), "\(run.stdout)")
    }
}
