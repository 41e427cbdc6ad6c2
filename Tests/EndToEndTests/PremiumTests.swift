import Foundation
import Testing

/// `dingtalk.api: premium` (SPEC 9) end to end: the built binaries against sandboxes started with
/// and without `--premium`.
@Suite(.serialized) struct PremiumTests {
    /// DingTalk calls counted per instance: listings and detail reads (tokens and contacts, which the
    /// monthly quota exempts, are left out — as in `scripts/bench`).
    static func instanceCalls(_ sandbox: SandboxProcess) throws -> (total: Int, byEndpoint: [String: Int]) {
        let counted = try sandbox.counters().filter {
            $0.key.hasPrefix("dingtalk.") && !$0.key.contains("token") && !$0.key.contains("accessToken")
                && !$0.key.contains("user.get") && !$0.key.contains("department.get")
                && !$0.key.contains("connections.open")
        }.mapValues { $0["calls"] ?? 0 }.filter { $0.value > 0 }
        return (counted.values.reduce(0, +), counted)
    }

    /// Rows of a table by key, every column but synced_at.
    static func rows(_ sandbox: SandboxProcess, _ table: String, key: String) throws -> [String: NSDictionary] {
        var result: [String: NSDictionary] = [:]
        for row in try sandbox.rows(table) {
            var fields = row.fields
            fields["synced_at"] = nil
            result[fields[key] as? String ?? ""] = fields as NSDictionary
        }
        return result
    }

    /// A faster config: more DingTalk calls per second than the written 15.
    static func fast(_ sandbox: SandboxProcess) throws {
        let text = try String(contentsOfFile: sandbox.configPath, encoding: .utf8)
        try text.replacingOccurrences(of: "\n  qps: 15\n", with: "\n  qps: 60\n").write(
            toFile: sandbox.configPath, atomically: true, encoding: .utf8)
    }

    @Test func initLandsTheRowsOfApiNewAtAFractionOfTheCalls() throws {
        let now = String(Int64(Date().timeIntervalSince1970 * 1000) - 120_000)
        let common = ["--seed", "7", "--instances", "2000", "--days", "6", "--now", now, "--dingtalk-qps", "100"]
        /// An `--init` against `sandbox`: its calls per instance and the rows it wrote.
        func initialise(_ sandbox: SandboxProcess) throws -> (
            calls: (total: Int, byEndpoint: [String: Int]), main: [String: NSDictionary],
            actions: [String: NSDictionary]
        ) {
            try Self.fast(sandbox)
            let run = try sandbox.dingsync(["--init", "--quiet"])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            return (
                try Self.instanceCalls(sandbox), try Self.rows(sandbox, sandbox.mainTable, key: "instance_id"),
                try Self.rows(sandbox, sandbox.actionTable, key: "action_key")
            )
        }
        let new = try SandboxProcess(common)
        let (newCalls, newMain, newActions) = try initialise(new)
        new.stop()

        let premium = try SandboxProcess(common + ["--premium", "--config-api", "premium"])
        let (calls, main, actions) = try initialise(premium)
        #expect(main.count == 2000)
        #expect(Set(main.keys) == Set(newMain.keys))
        #expect(Set(actions.keys) == Set(newActions.keys))
        let differentMain = main.filter { newMain[$0.key] != $0.value }.map(\.key).sorted()
        #expect(
            differentMain.isEmpty,
            "main rows differ: \(differentMain.prefix(3)) e.g. \(differentMain.first.map { "\(main[$0]!) vs \(newMain[$0]!)" } ?? "")"
        )
        let differentActions = actions.filter { newActions[$0.key] != $0.value }.map(\.key).sorted()
        #expect(
            differentActions.isEmpty,
            "action rows differ: \(differentActions.prefix(3)) e.g. \(differentActions.first.map { "\(actions[$0]!) vs \(newActions[$0]!)" } ?? "")"
        )
        let perInstance = Double(calls.total) / 2000
        #expect(perInstance <= 0.06, "premium: \(calls.byEndpoint) = \(perInstance) per instance")
        #expect(Double(newCalls.total) / 2000 > 1.0, "new: \(newCalls.byEndpoint)")
        #expect((calls.byEndpoint["dingtalk.v1.premium.instances.list"] ?? 0) > 0)
        #expect(calls.byEndpoint["dingtalk.v1.instanceIds.query"] == nil)

        // the next run re-checks the open instances by listing their span again: cheap, nothing to write
        try premium.admin("POST", "counters/reset")
        let again = try premium.dingsync(["--quiet"])
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        let open = newMain.values.filter { $0["status"] as? String == "审批中" }.count
        let recheck = try Self.instanceCalls(premium)
        #expect(open > 20)
        #expect(recheck.total < open / 2, "\(recheck.byEndpoint) for \(open) open instances")
        #expect(recheck.byEndpoint["dingtalk.v1.processInstances.get"] == nil)
        #expect(try premium.writeCalls() == 0)

        // under a monthly quota a re-listing is not bounded by the run's share: re-checked as on `new`
        let text = try String(contentsOfFile: premium.configPath, encoding: .utf8)
        let quota = text.replacingOccurrences(
            of: #"monthly_quota: \d+"#, with: "monthly_quota: 100000", options: .regularExpression)
        #expect(quota != text)
        try quota.write(toFile: premium.configPath, atomically: true, encoding: .utf8)
        try premium.admin("POST", "counters/reset")
        let quotaRun = try premium.dingsync(["--quiet"])
        #expect(quotaRun.status == 0, "\(quotaRun.stdout)\n\(quotaRun.stderr)")
        let quotaCalls = try Self.instanceCalls(premium).byEndpoint
        #expect((quotaCalls["dingtalk.v1.instanceIds.query"] ?? 0) > 0, "\(quotaCalls)")
        #expect((quotaCalls["dingtalk.v1.premium.instances.list"] ?? 0) <= 5, "only the windows: \(quotaCalls)")
    }

    @Test func withoutPremiumTheRunStopsWithExit2AndSaysSo() throws {
        let sandbox = try SandboxProcess(["--instances", "30", "--days", "5", "--config-api", "premium"])
        let result = try sandbox.dingsync(["--init"])
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        let output = result.stdout + result.stderr
        #expect(output.contains("no OA premium (OA高级版)"), "\(output)")
        #expect(output.contains("dingtalk.api: new"), "\(output)")
        #expect(try sandbox.rows(sandbox.mainTable).isEmpty)
    }

    @Test func backfillOlderThan365DaysWorksWithPremiumAndIsRefusedWithout() throws {
        let day: TimeInterval = 86_400
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        let start = formatter.string(from: Date().addingTimeInterval(-560 * day))
        let end = formatter.string(from: Date().addingTimeInterval(-400 * day))
        let range = ["--start-time", start, "--end-time", end]

        let premium = try SandboxProcess([
            "--instances", "400", "--days", "700", "--premium", "--config-api", "premium", "--dingtalk-qps", "100"
        ])
        let result = try premium.dingsync(range + ["--quiet"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let startMs = Int64((formatter.date(from: start)?.timeIntervalSince1970 ?? 0) * 1000)
        let endMs = Int64(((formatter.date(from: end)?.timeIntervalSince1970 ?? 0) + day) * 1000)
        let expected = try premium.instances().filter {
            let t = ($0["create_time"] as? NSNumber)?.int64Value ?? 0
            return t >= startMs && t < endMs
        }
        #expect(expected.count > 20)
        try assertTablesMatch(premium, instances: expected)

        let new = try SandboxProcess(["--instances", "50", "--days", "700"])
        let refused = try new.dingsync(range)
        #expect(refused.status == 64, "\(refused.stdout)\n\(refused.stderr)")
        #expect(refused.stderr.contains("365 days"))
        #expect(refused.stderr.contains("dingtalk.api: premium"))
    }

    @Test func doctorSaysWhetherPremiumWouldServeAndWhatItSaves() async throws {
        func line(_ result: CLIResult) -> String {
            result.stdout.components(separatedBy: "\n").first { $0.contains("OA premium") } ?? "(none)"
        }
        let available = try SandboxProcess(["--instances", "60", "--days", "5", "--premium"])
        #expect(try await available.run(["--init"]).status == 0)
        let onNew = try await available.run(["doctor"])
        #expect(onNew.status == 0, "\(onNew.stdout)")
        #expect(line(onNew).hasPrefix("ok"), "\(onNew.stdout)")
        #expect(line(onNew).contains("available to this organisation"), "\(line(onNew))")
        #expect(line(onNew).contains("per instance"), "\(line(onNew))")

        let without = try SandboxProcess(["--instances", "20", "--days", "5"])
        let notAvailable = try await without.run(["doctor"])
        #expect(line(notAvailable).hasPrefix("ok"), "\(notAvailable.stdout)")
        #expect(line(notAvailable).contains("not available: the organisation has no OA高级版"), "\(line(notAvailable))")
        // with OA premium but without the app's permission: not "not available", the permission to grant
        try available.admin("POST", "scopes/revoke", ["scope": "Premium.Workflow.ReadWrite.All"])
        let noPermission = try await available.run(["doctor"])
        #expect(line(noPermission).hasPrefix("ok"), "\(noPermission.stdout)")
        #expect(
            line(noPermission).contains("lacks the permission Premium.Workflow.ReadWrite.All"), "\(line(noPermission))")
        try available.admin("POST", "scopes/grant", ["scope": "Premium.Workflow.ReadWrite.All"])

        let premium = try SandboxProcess(["--instances", "20", "--days", "5", "--premium", "--config-api", "premium"])
        let works = try await premium.run(["doctor"])
        #expect(line(works).hasPrefix("ok") && line(works).contains("serves this organisation"), "\(works.stdout)")

        let missing = try SandboxProcess(["--instances", "20", "--days", "5", "--config-api", "premium"])
        let fails = try await missing.run(["doctor"])
        #expect(fails.status != 0)
        #expect(line(fails).hasPrefix("fail") && line(fails).contains("dingtalk.api: new"), "\(fails.stdout)")
    }
}
