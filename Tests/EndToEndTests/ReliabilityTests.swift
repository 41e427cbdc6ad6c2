import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation
import Testing

/// Ordinary accidents must never stop, duplicate or erase (issue 16): rows deleted in Bitable,
/// an oversized comment, a lost state database, a malformed detail, a stuck cursor, a trickling
/// server, SIGTERM mid-run, a checkpoint or a clock ahead of DingTalk's — each against the
/// sandbox, each ending with the tables exact and a clear line in the output.
extension MonitoringEndToEnd {
    @Suite(.serialized) struct ReliabilityTests {
        func mainRows(_ sandbox: SandboxProcess) throws -> [String: String] {
            Dictionary(
                try sandbox.rows(sandbox.mainTable).map { (($0.fields["instance_id"] as? String) ?? "", $0.id) },
                uniquingKeysWith: { a, _ in a })
        }

        func runningInstance(_ sandbox: SandboxProcess, skip: Set<String> = []) throws -> String {
            let running = try sandbox.instances(status: "RUNNING").compactMap { $0["id"] as? String }.filter {
                !skip.contains($0)
            }
            return try #require(running.first)
        }

        func query(_ sandbox: SandboxProcess, _ sql: String) throws -> [[SQLValue]] {
            let db = try SQLiteDatabase(path: sandbox.folder + "/dingsync.sqlite")
            return try db.query(sql)
        }

        // 1. a row deleted by hand, then its instance changes: recreated in the same run, others written
        @Test func rowDeletedInBitableIsRecreated() async throws {
            let sandbox = try SandboxProcess(["--instances", "60", "--days", "5"])
            let first = try await sandbox.run(["--init"])
            #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
            let target = try runningInstance(sandbox)
            let other = try runningInstance(sandbox, skip: [target])
            let mainRecord = try #require(try mainRows(sandbox)[target])
            try sandbox.admin("DELETE", "tables/\(sandbox.mainTable)/records/\(mainRecord)")
            let actionRecord = try #require(
                try sandbox.rows(sandbox.actionTable).first { $0.fields["instance_id"] as? String == target }?.id)
            try sandbox.admin("DELETE", "tables/\(sandbox.actionTable)/records/\(actionRecord)")
            // both finish (a change a plain run picks up): one whose rows were deleted by hand, one untouched
            try sandbox.admin("POST", "instances/\(target)/finish", ["result": "agree", "remark": "请补充发票"])
            try sandbox.admin("POST", "instances/\(other)/finish", ["result": "agree", "remark": "已核对"])

            let run = try await sandbox.run([])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            let instances = try sandbox.instances()
            #expect(
                Set(try mainRows(sandbox).keys) == Set(instances.compactMap { $0["id"] as? String }),
                "the deleted main row is back")
            let comments = try sandbox.rows(sandbox.actionTable).compactMap { $0.fields["comment"] as? String }
            #expect(comments.contains("请补充发票") && comments.contains("已核对"), "both instances' changes are written")
            // an unchanged action row deleted by hand is not looked at by a plain run: the full check restores it
            let full = try await sandbox.run(["--full-check"])
            #expect(full.status == 0, "\(full.stdout)\n\(full.stderr)")
            try assertTablesMatch(sandbox, instances: instances)
            // and a second run writes nothing more
            let writes = try sandbox.writeCalls()
            #expect(try await sandbox.run([]).status == 0)
            #expect(try sandbox.writeCalls() == writes)
        }

        // 2. a comment over Feishu's cell limit: capped with a marker, full text in the mirror
        @Test func hugeCommentIsCappedAndKeptWhole() async throws {
            let sandbox = try SandboxProcess(["--instances", "40", "--days", "5"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            let target = try runningInstance(sandbox)
            let comment = String(repeating: "长评论", count: 50_000)  // 150,000 characters
            try sandbox.admin("POST", "instances/\(target)/finish", ["result": "agree", "remark": comment])
            let run = try await sandbox.run([])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(
                run.stderr.contains("more than a Bitable cell holds")
                    || sandbox.log.contains("more than a Bitable cell holds"))
            try assertTablesMatch(sandbox, instances: try sandbox.instances())
            let cell = try #require(
                try sandbox.rows(sandbox.actionTable).compactMap { $0.fields["comment"] as? String }.first {
                    $0.hasPrefix("长评论长评论")
                })
            #expect(cell.utf16.count <= 100_000 && cell.contains("已截断"))
            let mirrored = try query(
                sandbox,
                "SELECT LENGTH(remark) FROM operation_records WHERE instance_id = '\(target)' ORDER BY LENGTH(remark) DESC LIMIT 1"
            )
            #expect(mirrored.first?.first?.int == 150_000, "the mirror keeps the full comment")
            #expect(try await sandbox.run([]).status == 0, "a capped row is not rewritten every run")
        }

        // 3. a deleted or emptied state database: rows adopted, never duplicated; full-check keeps the originals
        @Test(arguments: ["deleted", "emptied"]) func lostStateDatabaseAdoptsExistingRows(how: String) async throws {
            let sandbox = try SandboxProcess(["--instances", "50", "--days", "5"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            let original = try mainRows(sandbox)
            let originalActions = Set(try sandbox.rows(sandbox.actionTable).map(\.id))
            let path = sandbox.folder + "/dingsync.sqlite"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            if how == "emptied" { FileManager.default.createFile(atPath: path, contents: Data()) }

            let again = try await sandbox.run(["--init"])
            #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
            try assertTablesMatch(sandbox, instances: try sandbox.instances())
            #expect(try mainRows(sandbox) == original, "the original rows are kept, with their record ids")
            let full = try await sandbox.run(["--full-check"])
            #expect(full.status == 0, "\(full.stdout)\n\(full.stderr)")
            try assertTablesMatch(sandbox, instances: try sandbox.instances())
            #expect(try mainRows(sandbox) == original)
            #expect(
                Set(try sandbox.rows(sandbox.actionTable).map(\.id)) == originalActions,
                "no original action row deleted")
        }

        // 3b. duplicates made by hand: the repair keeps the oldest record
        @Test func fullCheckKeepsTheOldestDuplicate() async throws {
            let sandbox = try SandboxProcess(["--instances", "30", "--days", "5"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            let (id, record) = try #require(try mainRows(sandbox).first)
            try sandbox.admin("POST", "tables/\(sandbox.mainTable)/records/\(record)/duplicate")
            let full = try await sandbox.run(["--full-check"])
            #expect(full.status == 0, "\(full.stdout)\n\(full.stderr)")
            #expect(try mainRows(sandbox)[id] == record, "the original (oldest) record is kept")
            try assertTablesMatch(sandbox, instances: try sandbox.instances())
        }

        // 4. a name learnt in the full-check's own run is not "restored" to a user id
        @Test func fullCheckKeepsNamesLearntInTheSameRun() async throws {
            let sandbox = try SandboxProcess(["--instances", "30", "--days", "5"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            let db = try SQLiteDatabase(path: sandbox.folder + "/dingsync.sqlite")
            try db.execute("DELETE FROM users")
            let full = try await sandbox.run(["--full-check"])
            #expect(full.status == 0, "\(full.stdout)\n\(full.stderr)")
            #expect(!full.stdout.contains("restored applicant"), "\(full.stdout)")
            let userIds = Set(try sandbox.instances().compactMap { $0["originator_userid"] as? String })
            let applicants = try sandbox.rows(sandbox.mainTable).compactMap { $0.fields["applicant"] as? String }
            #expect(!applicants.isEmpty && applicants.allSatisfy { !userIds.contains($0) }, "names, not user ids")
        }

        // 5. a checkpoint a day ahead: corrected, said, alerted; new instances still arrive
        @Test func checkpointInTheFutureIsCorrected() async throws {
            let sandbox = try SandboxProcess(["--instances", "30", "--days", "5"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            try sandbox.writeCheckpoint(at: Date().addingTimeInterval(86_400))
            try sandbox.admin("POST", "instances", ["count": 3])
            try sandbox.admin("DELETE", "webhook/messages")
            let run = try await sandbox.run([])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("ahead of DingTalk's clock"), "\(run.stdout)")
            try assertTablesMatch(sandbox, instances: try sandbox.instances())
            let saved = try FileCheckpointStore(path: sandbox.folder + "/checkpoint.json", timeZone: .current).load()
            #expect(
                saved.values.allSatisfy { $0 < Date().addingTimeInterval(120) }, "the saved checkpoint is corrected")
            let cards = try sandbox.webhookMessages().compactMap(ReceivedCard.init)
            #expect(cards.contains { $0.text.contains("ahead of DingTalk's clock") }, "an alert is sent")
        }

        // 5b. the local clock a day ahead of DingTalk's: windows follow DingTalk's clock, nothing lost
        @Test func localClockAheadOfTheAPILosesNothing() async throws {
            let yesterday = Int64(Date().addingTimeInterval(-86_400).timeIntervalSince1970 * 1000)
            let sandbox = try SandboxProcess(["--instances", "30", "--days", "5", "--now", String(yesterday)])
            let first = try await sandbox.run(["--init"])
            #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
            #expect(first.stdout.contains("the local clock is ahead of DingTalk's"), "\(first.stdout)")
            let doctor = try await sandbox.run(["doctor"])
            #expect(
                doctor.status == 1 && doctor.stdout.contains("the local clock is ahead of DingTalk's"),
                "\(doctor.stdout)")
            try sandbox.admin("POST", "instances", ["count": 4])
            sleep(2)  // created "now" on DingTalk's clock: let the run start after them
            let run = try await sandbox.run([])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            try assertTablesMatch(sandbox, instances: try sandbox.instances())
        }

        // 6. a listing whose cursor does not advance: exit 1 naming it, checkpoint unmoved, next run completes
        @Test func stuckCursorKeepsTheCheckpoint() async throws {
            let sandbox = try SandboxProcess(["--instances", "60", "--days", "5"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            let before = try FileCheckpointStore(path: sandbox.folder + "/checkpoint.json", timeZone: .current).load()
            try sandbox.admin("POST", "instances", ["count": 25])
            try sandbox.admin(
                "POST", "faults", ["endpoint": "dingtalk.v1.instanceIds.query", "count": 1, "fault": "stuck_cursor"])
            let run = try await sandbox.run([])
            #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("did not finish"), "\(run.stdout)")
            let after = try FileCheckpointStore(path: sandbox.folder + "/checkpoint.json", timeZone: .current).load()
            #expect(before.contains { after[$0.key] == $0.value }, "the stuck template's checkpoint did not move")
            let next = try await sandbox.run([])
            #expect(next.status == 0, "\(next.stdout)\n\(next.stderr)")
            try assertTablesMatch(sandbox, instances: try sandbox.instances())
        }

        // 7. a 200 detail without title/originator: that instance fails alone, its row is kept
        @Test func malformedDetailFailsAloneAndWipesNothing() async throws {
            let sandbox = try SandboxProcess(["--instances", "40", "--days", "5"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            let rowsBefore = try sandbox.rows(sandbox.mainTable).map { $0.fields["title"] as? String ?? "" }.sorted()
            let actionsBefore = try sandbox.rows(sandbox.actionTable).count
            try sandbox.admin(
                "POST", "faults",
                [
                    "endpoint": "dingtalk.v1.processInstances.get", "count": 1, "fault": "custom", "status": 200,
                    "body": ["success": true, "result": ["status": "RUNNING"]]
                ])
            let run = try await sandbox.run(["--full-check"])
            #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("lacks the originator"), "\(run.stdout)")
            #expect(
                try sandbox.rows(sandbox.mainTable).map { $0.fields["title"] as? String ?? "" }.sorted() == rowsBefore)
            #expect(try sandbox.rows(sandbox.actionTable).count == actionsBefore)
            #expect(try await sandbox.run([]).status == 0, "retried and synced on the next run")
            try assertTablesMatch(sandbox, instances: try sandbox.instances())
        }

        // 8. a server that trickles its answer: cut off at the deadline, the instance fails alone
        @Test func tricklingServerDoesNotHangTheRun() async throws {
            let sandbox = try SandboxProcess(["--instances", "20", "--days", "5"])
            try sandbox.addToSection("sync", "request_timeout_seconds: 2")
            try sandbox.setValue("max_retries", "1")
            #expect(try await sandbox.run(["--init"]).status == 0)
            let target = try runningInstance(sandbox)
            try sandbox.admin("POST", "instances/\(target)/finish", ["result": "agree"])
            try sandbox.admin(
                "POST", "faults",
                ["endpoint": "dingtalk.v1.processInstances.get", "count": 50, "fault": "trickle", "interval_ms": 1000])
            let started = Date()
            let run = try await sandbox.run([])
            #expect(Date().timeIntervalSince(started) < 60, "the run ends")
            #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("no complete answer within 2 s"), "\(run.stdout)")
            try sandbox.admin("DELETE", "faults")
            #expect(try await sandbox.run([]).status == 0)
            try assertTablesMatch(sandbox, instances: try sandbox.instances())
        }

        // 9. an impossible checkpoint value: exit 2 with a clear message, no crash
        @Test func hugeCheckpointValueIsRefusedClearly() async throws {
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            #expect(try await sandbox.run(["--init"]).status == 0)
            let codes = sandbox.processCodesFromConfig
            let entries = Dictionary(
                uniqueKeysWithValues: codes.map { ($0, ["synced_until_ms": 1e20] as [String: Any]) })
            try JSONSerialization.data(withJSONObject: ["version": 1, "process_codes": entries])
                .write(to: URL(fileURLWithPath: sandbox.folder + "/checkpoint.json"))
            let run = try await sandbox.run([])
            #expect(run.status == 2, "\(run.stdout)\n\(run.stderr)")
            #expect((run.stdout + run.stderr).contains("not a time between 2000 and 2100"))
        }

        // 10. SIGTERM mid-run: stops at a safe point with summary, run record and notification; nothing lost
        @Test func sigtermStopsAtASafePoint() async throws {
            let sandbox = try SandboxProcess(["--instances", "400", "--days", "6", "--latency-ms", "40"])
            try sandbox.setValue("batch_size", "50")
            try sandbox.admin("DELETE", "webhook/messages")
            let process = Process()
            process.executableURL = CLIRunner.productsDirectory.appendingPathComponent("dingsync")
            process.arguments = ["--config", sandbox.configPath, "--init"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while try sandbox.rows(sandbox.mainTable).isEmpty, Date() < deadline { usleep(100_000) }
            process.terminate()  // SIGTERM
            let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 143, "\(output)")
            #expect(output.contains("stopped by SIGTERM"), "\(output)")
            let runs = try query(sandbox, "SELECT exit_code FROM runs")
            #expect(runs.last?.first?.int == 143, "the run is recorded")
            #expect(
                try sandbox.webhookMessages().compactMap(ReceivedCard.init).contains { $0.title.contains("stopped") })
            #expect(
                !FileManager.default.fileExists(atPath: sandbox.folder + "/checkpoint.json"),
                "the checkpoint did not move")
            let again = try await sandbox.run(["--init"])
            #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
            try assertTablesMatch(sandbox, instances: try sandbox.instances())
        }

        // 11. rows written before a later write failed are counted
        @Test func summaryCountsRowsWrittenBeforeAFailure() async throws {
            let sandbox = try SandboxProcess(["--instances", "60", "--days", "5"])
            try sandbox.setValue("batch_size", "20")
            try sandbox.admin("POST", "settings", ["row_limit": 45])
            let run = try await sandbox.run(["--init"])
            #expect(run.status == 2, "\(run.stdout)\n\(run.stderr)")
            let rows = try sandbox.rows(sandbox.mainTable).count
            #expect(rows > 0)
            #expect(run.stdout.contains("main rows  created \(rows) "), "\(run.stdout)")
        }

        // 12. unclear messages made clear
        @Test func clearMessagesForOrdinaryMistakes() async throws {
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            let future = try await sandbox.run(["--start-time", "2099-01-01"])
            #expect(future.status == 64 && future.stderr.contains("is in the future"), "\(future.stderr)")

            let fifo = sandbox.folder + "/fifo.yaml"
            #expect(mkfifo(fifo, 0o600) == 0)
            let pipe = try CLIRunner.run(["--config", fifo])
            #expect(pipe.status == 64 && pipe.stderr.contains("FIFO"), "\(pipe.stderr)")

            try sandbox.setValue("lock_file", "\"/proc/no/such/dingsync.lock\"")
            try sandbox.admin("DELETE", "webhook/messages")
            let lock = try await sandbox.run([])
            #expect(lock.status == 2 && lock.stderr.contains("cannot open the lock file"), "\(lock.stderr)")
            #expect(sandbox.log.contains("cannot open the lock file"), "logged")
            #expect(!(try sandbox.webhookMessages()).isEmpty, "notified")
            try sandbox.setValue("lock_file", "\"dingsync.lock\"")

            // a checkpoint that cannot be saved names its path and the reason (a full disk says "No space left on device")
            FileManager.default.createFile(atPath: sandbox.folder + "/blocker", contents: Data("x".utf8))
            try sandbox.setValue("checkpoint_file", "\"blocker/checkpoint.json\"")
            let unsaved = try await sandbox.run(["--init"])
            #expect(unsaved.status == 2, "\(unsaved.stdout)")
            #expect(
                (unsaved.stdout + unsaved.stderr).contains("blocker/checkpoint.json could not be written ("),
                "\(unsaved.stdout)")
            try sandbox.setValue("checkpoint_file", "\"checkpoint.json\"")

            try sandbox.setValue("api_base_url", "\"http://127.0.0.1:1\"")
            let refused = try await sandbox.run(["--init"])
            #expect(refused.status == 2, "\(refused.stdout)")
            #expect(
                (refused.stdout + refused.stderr).contains("check that this host reaches http://127.0.0.1:1"),
                "\(refused.stdout)")
            #expect(!(refused.stdout + refused.stderr).contains("lower dingtalk.qps"))
        }

        // 13. an amount written the European way is read, not mangled (1.234,56 was 1.23456)
        @Test func europeanAmountIsRead() async throws {
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            let created = try sandbox.admin("POST", "instances", ["template": "报销", "form": ["报销金额": "1.234,56"]])
            let id = try #require((created["instances"] as? [[String: Any]])?.first?["id"] as? String)
            let run = try await sandbox.run(["--init"])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            let row = try sandbox.rows(sandbox.mainTable).first { $0.fields["instance_id"] as? String == id }
            #expect((row?.fields["amount"] as? NSNumber)?.doubleValue == 1234.56)
        }

        // the official SDK types the new API's `success` as a string: the client reads either
        @Test func successAsAStringIsRead() async throws {
            let sandbox = try SandboxProcess(["--instances", "25", "--days", "5", "--new-api-success", "string"])
            let run = try await sandbox.run(["--init"])
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            try assertTablesMatch(sandbox, instances: try sandbox.instances())
        }

        // 14. files holding names and form contents are owner-only
        @Test func stateFilesAreOwnerOnly() async throws {
            let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
            let old = umask(0o022)
            defer { umask(old) }
            #expect(try await sandbox.run(["--init"]).status == 0)
            #expect(try await sandbox.run(["export", "-o", sandbox.folder + "/out.csv"]).status == 0)
            for file in ["dingsync.sqlite", "checkpoint.json", "out.csv"] {
                let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.folder + "/" + file)
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(file)")
            }
        }
    }
}
