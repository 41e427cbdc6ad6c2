import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// Doctor's checks of local things (files, state, quota), without any network.
@Suite struct DoctorLocalChecksTests {
    let folder: String
    let now = Date(timeIntervalSince1970: 1_743_566_400)  // 2025-04-02 12:00 +08:00

    init() throws {
        folder =
            FileManager.default.temporaryDirectory.appendingPathComponent("dingsync-doctor-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func doctor(_ edit: (inout Config) -> Void = { _ in }) -> Doctor {
        var config = Config()
        config.sourcePath = folder + "/config.yaml"
        config.dingtalk.processCodes = ["PROC-A", "PROC-B"]
        config.feishu.tables.main = "tblM"
        config.feishu.tables.action = "tblA"
        config.sync.stateDB = folder + "/dingsync.sqlite"
        config.sync.checkpointFile = folder + "/checkpoint.json"
        config.logging.file = folder + "/logs/sync.log"
        edit(&config)
        let unused = FakeServer { _, _ in HTTPResponse(status: 500, body: Data()) }
        return Doctor(config: config, transport: unused.transport, logger: quietLogger, now: now)
    }

    @Test func stateDatabaseMissingDamagedOrFine() throws {
        let (missing, warn) = doctor().openStore()
        #expect(missing == nil && warn.status == .warn && warn.fix.contains("dingsync --init"))
        #expect(
            !FileManager.default.fileExists(atPath: folder + "/dingsync.sqlite"), "doctor must not create the database")

        try Data("this is not a database, just text that is long enough to not be empty".utf8).write(
            to: URL(fileURLWithPath: folder + "/dingsync.sqlite"))
        let (_, damaged) = doctor().openStore()
        #expect(damaged.status == .fail)
        #expect(damaged.fix.contains("backup"))

        try FileManager.default.removeItem(atPath: folder + "/dingsync.sqlite")
        _ = try StateStore(path: folder + "/dingsync.sqlite")
        let (store, ok) = doctor().openStore()
        #expect(store != nil && ok.status == .ok && ok.detail.contains("0 instance(s)"))
    }

    @Test func lastCompletedRunMustNotBeStale() throws {
        let store = try StateStore(path: folder + "/dingsync.sqlite")
        #expect(doctor().stateChecks(store).first?.status == .warn)  // no run yet

        var old = RunSummary(mode: "incremental")
        old.started = now.addingTimeInterval(-30 * 3600)
        old.finished = old.started
        try store.recordRun(old.historyRow)
        let stale = try #require(doctor().stateChecks(store).first)
        #expect(stale.status == .warn)
        #expect(stale.detail.contains("30 h ago") && stale.detail.contains("sync.stale_after_hours (24 h)"))
        #expect(doctor { $0.sync.staleAfterHours = 48 }.stateChecks(store).first?.status == .ok)
        #expect(doctor { $0.sync.staleAfterHours = 0 }.stateChecks(store).first?.status == .ok)

        var failed = RunSummary(mode: "incremental")
        failed.started = now.addingTimeInterval(-600)
        failed.finished = failed.started
        failed.exitStatus = .failed
        try store.recordRun(failed.historyRow)
        let latestFailed = try #require(doctor { $0.sync.staleAfterHours = 48 }.stateChecks(store).first)
        #expect(latestFailed.status == .warn && latestFailed.detail.contains("failed with exit 2"))
    }

    @Test func rowsAgainstTheLimit() throws {
        let store = try StateStore(path: folder + "/dingsync.sqlite")
        let entries = (1...95).map {
            LedgerEntry(key: "k\($0)", instanceId: "k\($0)", recordId: "rec\($0)", contentHash: "h")
        }
        try store.recordWritten(.main, entries, at: now)
        #expect(doctor { $0.feishu.rowLimit = 200 }.rowCheck(store).status == .ok)
        let near = doctor { $0.feishu.rowLimit = 100 }.rowCheck(store)
        #expect(near.status == .warn)
        #expect(near.detail == "main 95 of 100 (95 %), action 0 of 100 (0 %) rows")
        #expect(doctor { $0.feishu.rowLimit = 95 }.rowCheck(store).status == .fail)
    }

    @Test func checkpointMissingCorruptStaleOrFine() throws {
        let path = folder + "/checkpoint.json"
        #expect(doctor().checkpointCheck(nil).status == .warn)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        let corrupt = doctor().checkpointCheck(nil)
        #expect(corrupt.status == .fail && corrupt.detail.contains("not valid JSON"))

        let manager = FileCheckpointStore(path: path, timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        try manager.save(["PROC-A": now.addingTimeInterval(-3600)])
        let missing = doctor().checkpointCheck(nil)
        #expect(missing.status == .warn && missing.detail.contains("PROC-B"))
        try manager.save(["PROC-A": now.addingTimeInterval(-3600), "PROC-B": now.addingTimeInterval(-50 * 3600)])
        let stale = doctor().checkpointCheck(nil)
        #expect(
            stale.status == .warn && stale.detail.contains("PROC-B 2 d 2 h old") && !stale.detail.contains("PROC-A"))
        try manager.save(["PROC-A": now.addingTimeInterval(-3600), "PROC-B": now.addingTimeInterval(-7200)])
        let fine = doctor().checkpointCheck(nil)
        #expect(fine.status == .ok && fine.detail.contains("2 template(s) synced"))
    }

    @Test func logFolderWritableCreatableOrNot() throws {
        #expect(doctor().logFolderCheck().detail.contains("will be created"))
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        #expect(doctor().logFolderCheck().status == .ok)
        try Data().write(to: URL(fileURLWithPath: folder + "/plainfile"))
        let blocked = doctor { $0.logging.file = folder + "/plainfile/logs/sync.log" }.logFolderCheck()
        #expect(blocked.status == .fail && blocked.detail.contains("a file, not a folder"))
        #expect(doctor { $0.logging.file = "" }.logFolderCheck().status == .ok)
    }

    @Test func diskSpaceIsReportedOncePerFileSystem() {
        let checks = doctor().diskChecks()
        #expect(checks.count == 1)
        #expect(checks.first?.detail.contains("free at \(folder)") == true)
    }

    @Test func quotaUsedProjectedOrUntracked() throws {
        let store = try StateStore(path: folder + "/dingsync.sqlite")
        try store.addCalls(
            month: "2025-04", platform: "dingtalk", calls: ["processinstance/get": 300, "user/get": 5000])
        let projected = doctor().quotaCheck(store)
        #expect(
            projected.status == .warn
                && projected.detail == "300 of 5000 calls used in 2025-04, 6000 projected for the month")
        #expect(doctor { $0.dingtalk.monthlyQuota = 6_000 }.quotaCheck(store).status == .ok)
        #expect(doctor { $0.dingtalk.monthlyQuota = 5_999 }.quotaCheck(store).status == .warn)
        #expect(doctor { $0.dingtalk.monthlyQuota = 300 }.quotaCheck(store).status == .fail)
        #expect(doctor { $0.dingtalk.monthlyQuota = 0 }.quotaCheck(store).detail.contains("not tracked"))
        #expect(doctor().quotaCheck(nil).detail.hasPrefix("0 of 5000"))
    }

    @Test func notificationChannelsAreDescribedNotSent() {
        #expect(doctor().notificationCheck().detail.hasPrefix("off"))
        let none = doctor { $0.notification.enabled = true }.notificationCheck()
        #expect(none.status == .warn)
        let both = doctor {
            $0.notification.enabled = true
            $0.notification.webhookURL = "https://open.feishu.cn/open-apis/bot/v2/hook/x"
            $0.notification.secret = "s"
            $0.notification.email.enabled = true
            $0.notification.email.smtpServer = "smtp.example.com"
            $0.notification.email.recipients = ["ops@example.com"]
        }.notificationCheck()
        #expect(both.status == .ok)
        #expect(both.detail.hasPrefix("Feishu bot (signed) + email to ops@example.com via smtp.example.com:587"))
    }
}
