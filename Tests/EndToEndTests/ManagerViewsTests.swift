import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// SPEC 4.1's new main-table fields and section 8's views, from outside: the built `dingsync`
/// against a sandbox process, checked through the sandbox's Feishu and admin APIs.
@Suite(.serialized) struct ManagerViewsTests {
    @Test func setupTwiceCreatesTheFourViewsOnceAndLeavesAHandMadeViewAlone() throws {
        let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
        let main = sandbox.mainTable
        let feishu = try FeishuAPI(sandbox)
        // a view someone made by hand, with a filter of their own
        let mine = try feishu.call("POST", "tables/\(main)/views", ["view_name": "我的视图", "view_type": "gallery"])
        let mineId = try #require((mine["view"] as? [String: Any])?["view_id"] as? String)
        let titleField = try #require(try feishu.fieldIds(main)["title"])
        try feishu.call(
            "PATCH", "tables/\(main)/views/\(mineId)",
            [
                "property": [
                    "filter_info": [
                        "conjunction": "and",
                        "conditions": [["field_id": titleField, "operator": "contains", "value": "[\"报销\"]"]]
                    ]
                ]
            ])
        let before = try #require(try sandbox.views(main).first { $0["view_id"] as? String == mineId })

        let first = try sandbox.dingsync(["setup"])
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        for name in ["审批中", "已超时", "按状态", "时间线"] {
            #expect(first.stdout.contains("created view \(name)"), "\(first.stdout)")
        }
        // what the views API cannot set: one line each to click
        #expect(first.stdout.contains("to finish in Bitable: view 按状态 (kanban)"))
        #expect(first.stdout.contains("\"status\" as its grouping field"))
        #expect(first.stdout.contains("to finish in Bitable: view 时间线 (gantt)"))

        let second = try sandbox.dingsync(["setup"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(!second.stdout.contains("created"), "\(second.stdout)")
        #expect(second.stdout.contains("view 审批中 exists on the main table: left as it is"))

        let views = try sandbox.views(main)
        let names = views.compactMap { $0["view_name"] as? String }
        for name in ["审批中", "已超时", "按状态", "时间线", "我的视图"] {
            #expect(names.filter { $0 == name }.count == 1, "\(name) in \(names)")
        }
        #expect(views.count == 6)  // the table's first view, mine, the four
        func view(_ name: String) -> [String: Any] { views.first { $0["view_name"] as? String == name } ?? [:] }
        #expect(view("按状态")["view_type"] as? String == "kanban")
        #expect(view("时间线")["view_type"] as? String == "gantt")
        let ids = try feishu.fieldIds(main)
        let running = try #require(conditions(view("审批中")))
        #expect(running.count == 1)
        #expect(running.first?["field_id"] as? String == ids["status"])
        #expect(running.first?["value"] as? String == "[\"审批中\"]")
        let overdue = try #require(conditions(view("已超时")))
        #expect(
            overdue.map {
                "\($0["field_id"] as? String ?? "") \($0["operator"] as? String ?? "") \($0["value"] as? String ?? "")"
            }
                == ["\(ids["status"] ?? "") is [\"审批中\"]", "\(ids["sla_due"] ?? "") isLess [\"Today\"]"])
        // mine: untouched
        let after = try #require(views.first { $0["view_id"] as? String == mineId })
        #expect(NSDictionary(dictionary: after) == NSDictionary(dictionary: before))
    }

    /// Reference §5 (1255040): a create that timed out may have been applied. The first table
    /// create and the first view create are answered 1255040 after doing their work: setup
    /// retries, meets the name it made (views: 1254020), adopts what it made, sets the view's
    /// filter, and makes each table and view once.
    @Test func timedOutCreatesAreAdoptedNotMadeTwice() throws {
        let sandbox = try SandboxProcess(["--instances", "5", "--days", "2", "--no-tables"])
        try sandbox.admin("POST", "faults", ["endpoint": "feishu.views.create", "count": 1, "fault": "timeout"])
        try sandbox.admin("POST", "faults", ["endpoint": "feishu.tables.create", "count": 1, "fault": "timeout"])
        let setup = try sandbox.dingsync(["setup"])
        #expect(setup.status == 0, "\(setup.stdout)\n\(setup.stderr)")
        let tables = try sandbox.admin("GET", "tables")["tables"] as? [[String: Any]] ?? []
        let names = tables.compactMap { $0["name"] as? String }
        #expect(names.filter { $0 == "审批实例表" }.count == 1, "\(names)")
        #expect(names.filter { $0 == "审批动作表" }.count == 1, "\(names)")
        let views = try sandbox.views(sandbox.mainTable)
        let viewNames = views.compactMap { $0["view_name"] as? String }
        for name in ["审批中", "已超时", "按状态", "时间线"] {
            #expect(viewNames.filter { $0 == name }.count == 1, "\(name) in \(viewNames)")
        }
        let running = views.first { $0["view_name"] as? String == "审批中" } ?? [:]
        #expect(try #require(conditions(running)).count == 1, "the adopted view got its filter")
        #expect(!setup.stdout.contains("problem:"), "\(setup.stdout)")
    }

    /// SPEC 4: writes to a table are never concurrent, so setup takes the run lock as a run does:
    /// held by another process, setup does nothing and exits 75.
    @Test func setupWaitsForTheRunLock() throws {
        let sandbox = try SandboxProcess(["--instances", "5", "--days", "2", "--no-tables"])
        let holder = try sandbox.holdLock(seconds: 30)
        defer { holder.terminate() }
        let setup = try sandbox.dingsync(["setup"])
        #expect(setup.status == 75, "\(setup.stdout)\n\(setup.stderr)")
        #expect(setup.stderr.contains("holds the lock"), "\(setup.stderr)")
        let tables = try sandbox.admin("GET", "tables")["tables"] as? [[String: Any]] ?? []
        #expect(tables.isEmpty, "nothing created: \(tables)")
    }

    @Test func setupMakesStatusASingleSelectInANewTable() throws {
        let sandbox = try SandboxProcess(["--instances", "5", "--days", "2", "--no-tables"])
        try appendConfig(sandbox, "mapping:\n  status: {TERMINATED: \"已撤回\"}\n")
        let setup = try sandbox.dingsync(["setup"])
        #expect(setup.status == 0, "\(setup.stdout)\n\(setup.stderr)")
        #expect(setup.stdout.contains("created main table 审批实例表"))
        let fields = try sandbox.fields(sandbox.mainTable)
        func field(_ name: String) -> [String: Any] { fields.first { $0["field_name"] as? String == name } ?? [:] }
        #expect((field("status")["type"] as? NSNumber)?.intValue == 3)
        let options = ((field("status")["property"] as? [String: Any])?["options"] as? [[String: Any]])?.compactMap {
            $0["name"] as? String
        }
        #expect(options == ["审批中", "已同意", "已拒绝", "已撤回", "已取消"])
        #expect((field("template_name")["type"] as? NSNumber)?.intValue == 3)
        #expect((field("node_since")["type"] as? NSNumber)?.intValue == 5)
        #expect((field("sla_due")["type"] as? NSNumber)?.intValue == 5)
        #expect(try sandbox.views(sandbox.mainTable).count == 5)
    }

    @Test func aViewOfTheSameNameIsNeverTouched() throws {
        let sandbox = try SandboxProcess(["--instances", "5", "--days", "2"])
        let main = sandbox.mainTable
        let feishu = try FeishuAPI(sandbox)
        let made = try feishu.call("POST", "tables/\(main)/views", ["view_name": "审批中", "view_type": "kanban"])
        let id = try #require((made["view"] as? [String: Any])?["view_id"] as? String)
        let setup = try sandbox.dingsync(["setup"])
        #expect(setup.status == 0, "\(setup.stderr)")
        #expect(setup.stdout.contains("view 审批中 exists on the main table: left as it is"))
        let views = try sandbox.views(main).filter { $0["view_name"] as? String == "审批中" }
        #expect(views.count == 1)
        #expect(views.first?["view_id"] as? String == id && views.first?["view_type"] as? String == "kanban")
        #expect(conditions(views.first ?? [:]) == nil)
    }

    @Test func aFilterThatCannotBeSetIsAProblemWithTheFix() throws {
        let sandbox = try SandboxProcess(["--instances", "5", "--days", "2"])
        try sandbox.admin(
            "POST", "faults",
            [
                "endpoint": "feishu.views.patch", "count": 1, "fault": "custom", "status": 200,
                "body": ["code": 1_254_018, "msg": "InvalidFilter"]
            ])
        let setup = try sandbox.dingsync(["setup"])
        #expect(setup.status == 2, "\(setup.stdout)\n\(setup.stderr)")
        #expect(setup.stdout.contains("problem: view 审批中 (vew"))
        #expect(setup.stdout.contains("delete the view in Bitable and run setup again"))
        // the others were made
        #expect(setup.stdout.contains("created view 已超时"))
    }

    @Test func aSyncFillsTemplateNameNodeSinceAndSLADue() throws {
        let sandbox = try SandboxProcess(["--instances", "40", "--days", "4"])
        let instances = try sandbox.instances()
        let codes = Set(instances.compactMap { $0["process_code"] as? String }).sorted()
        let exempt = try #require(codes.first)
        try appendConfig(sandbox, "sla:\n  hours: 24\n  templates:\n    \(exempt): {hours: 0}\n")
        let run = try sandbox.dingsync(["--init"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let rows = Dictionary(
            try sandbox.rows(sandbox.mainTable).map { (($0.fields["instance_id"] as? String) ?? "", $0.fields) },
            uniquingKeysWith: { a, _ in a })
        #expect(rows.count == instances.count)
        var runningSeen = 0
        for instance in instances {
            let id = instance["id"] as? String ?? ""
            let row = try #require(rows[id])
            let code = instance["process_code"] as? String ?? ""
            let title = instance["title"] as? String ?? ""
            // the sandbox titles every instance "name提交的<template's suffix>"
            let suffix = title.components(separatedBy: "提交的").last ?? ""
            #expect(row["template_name"] as? String == suffix, "\(id): \(row["template_name"] ?? "nil")")
            let start = (row["start_time"] as? NSNumber)?.int64Value ?? 0
            let due = (row["sla_due"] as? NSNumber)?.int64Value
            #expect(code == exempt ? due == nil : due == start + 86_400_000, "\(id) \(code): sla_due")
            let since = (row["node_since"] as? NSNumber)?.int64Value
            if instance["status"] as? String == "RUNNING" {
                runningSeen += 1
                #expect(since.map { $0 >= start - 60_000 } == true, "\(id): node_since \(String(describing: since))")
            } else {
                #expect(since == nil, "\(id): a final instance has no node_since")
            }
        }
        #expect(runningSeen > 0)
        // template_name is a single select: its options are the names written
        let fields = try sandbox.fields(sandbox.mainTable)
        let options =
            ((fields.first { $0["field_name"] as? String == "template_name" }?["property"] as? [String: Any])?[
                "options"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(Set(options ?? []) == Set(rows.values.compactMap { $0["template_name"] as? String }))
        // stable: a second run writes nothing
        let writes = try sandbox.writeCalls()
        #expect(try sandbox.dingsync([]).status == 0)
        #expect(try sandbox.writeCalls() == writes)
    }

    @Test func anOldBaseWithoutTheNewFieldsSyncsWithAWarningAndSetupAddsThem() throws {
        let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
        let main = sandbox.mainTable
        let feishu = try FeishuAPI(sandbox)
        let ids = try feishu.fieldIds(main)
        for name in ["template_name", "node_since", "sla_due"] {
            try feishu.call("DELETE", "tables/\(main)/fields/\(try #require(ids[name]))")
        }
        let run = try sandbox.dingsync(["--init"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let output = run.stdout + run.stderr
        #expect(output.contains("has no field \"template_name\", \"node_since\", \"sla_due\""), "\(output)")
        #expect(output.contains("run `dingsync setup` to add them"))
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
        #expect(try sandbox.rows(main).allSatisfy { $0.fields["template_name"] == nil })
        // doctor says the same, as a warning
        let doctor = try sandbox.dingsync(["doctor"])
        #expect(doctor.stdout.contains("has no field \"template_name\""), "\(doctor.stdout)")

        let setup = try sandbox.dingsync(["setup"])
        #expect(setup.status == 0, "\(setup.stderr)")
        #expect(setup.stdout.contains("added field \"template_name\" (single select)"))
        #expect(setup.stdout.contains("added field \"sla_due\" (datetime)"))
        // a run fills them in the rows it writes; --full-check in every row (each rewritten once)
        let fill = try sandbox.dingsync(["--full-check"])
        #expect(fill.status == 0, "\(fill.stderr)")
        #expect(!(fill.stdout + fill.stderr).contains("has no field"))
        #expect(try sandbox.rows(main).allSatisfy { $0.fields["template_name"] != nil })
        let writes = try sandbox.writeCalls()
        #expect(try sandbox.dingsync([]).status == 0)
        #expect(try sandbox.writeCalls() == writes)
    }
}

/// The filter conditions of a view as the admin API shows it; nil without a filter.
private func conditions(_ view: [String: Any]) -> [[String: Any]]? {
    (((view["property"] as? [String: Any])?["filter_info"] as? [String: Any])?["conditions"] as? [[String: Any]])
}

private func appendConfig(_ sandbox: SandboxProcess, _ text: String) throws {
    let config = try String(contentsOfFile: sandbox.configPath, encoding: .utf8)
    try (config + "\n" + text).write(toFile: sandbox.configPath, atomically: true, encoding: .utf8)
}

extension SandboxProcess {
    /// The views of a table, as the admin API shows them (with their filters).
    func views(_ table: String) throws -> [[String: Any]] {
        let tables = try admin("GET", "tables")["tables"] as? [[String: Any]] ?? []
        return tables.first { $0["table_id"] as? String == table }?["views"] as? [[String: Any]] ?? []
    }

    /// The fields of a table, as the admin API shows them.
    func fields(_ table: String) throws -> [[String: Any]] {
        let tables = try admin("GET", "tables")["tables"] as? [[String: Any]] ?? []
        return tables.first { $0["table_id"] as? String == table }?["fields"] as? [[String: Any]] ?? []
    }
}
