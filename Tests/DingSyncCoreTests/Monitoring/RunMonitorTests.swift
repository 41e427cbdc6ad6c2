import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// A mailer that records instead of sending.
private final class RecordingMailer: Mailer, @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [EmailMessage] = []
    let answer: DeliveryResult
    init(answer: DeliveryResult = DeliveryResult(channel: "email", delivered: true, detail: "sent")) {
        self.answer = answer
    }
    func send(_ email: EmailMessage, config: EmailConfig) async -> DeliveryResult {
        lock.withLock { sent.append(email) }
        return answer
    }
    var emails: [EmailMessage] { lock.withLock { sent } }
}

/// After a run: history read without the run itself, alerts decided, one message per channel.
@Suite struct RunMonitorTests {
    let folder: String
    let store: StateStore
    let now = Date(timeIntervalSince1970: 1_743_566_400)

    init() throws {
        folder =
            FileManager.default.temporaryDirectory.appendingPathComponent("dingsync-monitor-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        store = try StateStore(path: folder + "/state.sqlite")
    }

    func config(email: Bool = false) -> Config {
        var c = Config()
        c.sourcePath = folder + "/config.yaml"
        c.dingtalk.processCodes = ["PROC-A"]
        c.feishu.tables.main = "tblM"
        c.sync.checkpointFile = folder + "/checkpoint.json"
        c.notification.enabled = true
        c.notification.webhookURL = "http://127.0.0.1:1/open-apis/bot/v2/hook/tok"
        c.notification.secret = "s3cret"
        if email {
            c.notification.email.enabled = true
            c.notification.email.sender = "dingsync@example.com"
            c.notification.email.recipients = ["ops@example.com"]
        }
        return c
    }

    func summary(_ exit: DingSyncBasics.ExitStatus, listed: Int = 5) -> RunSummary {
        var s = RunSummary(mode: "incremental")
        s.started = now
        s.finished = now.addingTimeInterval(10)
        s.exitStatus = exit
        s.listed = listed
        if exit == .failed { s.fatalError = "Feishu tables/list failed: 1254302" }
        return s
    }

    @Test func snapshotLeavesOutTheRunItself() throws {
        for hoursAgo in [48.0, 24.0] {
            var past = summary(.success, listed: 7)
            past.started = now.addingTimeInterval(-hoursAgo * 3600)
            try store.recordRun(past.historyRow)
        }
        try store.recordRun(summary(.success, listed: 99).historyRow)
        let snapshot = try RunMonitor.snapshot(
            store: store, config: config(), summary: summary(.success), processCodes: ["PROC-A"], now: now)
        #expect(snapshot.history.map(\.listed) == [7, 7])
        #expect(snapshot.tableRows == [.main: 0])
    }

    @Test func failedRunIsSentOnEveryChannelOnce() async throws {
        let server = FakeServer { _, _ in json(200, ["code": 0, "msg": "success"]) }
        let mailer = RecordingMailer()
        let c = config(email: true)
        let monitor = RunMonitor(
            config: c,
            notifier: Notifier(
                config: c.notification, transport: server.transport, mailer: mailer,
                logger: quietLogger, host: "sync01"), logger: quietLogger)
        let result = await monitor.afterRun(summary(.failed), store: store, processCodes: ["PROC-A"], now: now)
        #expect(result.exitStatus == .failed)
        #expect(server.requests.count == 1)
        let body = bodyObject(try #require(server.requests.first))
        #expect(body["msg_type"] as? String == "interactive")
        #expect(body["sign"] != nil)
        #expect(mailer.emails.count == 1)
        #expect(mailer.emails.first?.subject == "dingsync: the incremental run failed (exit 2) · 同步失败")
        #expect(mailer.emails.first?.to == ["ops@example.com"])
    }

    @Test func quietCleanRunDryRunAndDisabledNotificationsSendNothing() async {
        let server = FakeServer { _, _ in json(200, ["code": 0]) }
        let c = config()
        let monitor = RunMonitor(
            config: c, notifier: Notifier(config: c.notification, transport: server.transport, logger: quietLogger),
            logger: quietLogger)
        _ = await monitor.afterRun(summary(.success), store: store, processCodes: ["PROC-A"], now: now)
        var dry = summary(.failed)
        dry.dryRun = true
        _ = await monitor.afterRun(dry, store: store, processCodes: ["PROC-A"], now: now)
        var off = c
        off.notification.enabled = false
        let silent = RunMonitor(
            config: off, notifier: Notifier(config: off.notification, transport: server.transport, logger: quietLogger),
            logger: quietLogger)
        _ = await silent.afterRun(summary(.failed), store: store, processCodes: ["PROC-A"], now: now)
        #expect(server.requests.isEmpty)
    }

    @Test func alertsAreDecidedEvenWithoutAChannelAndNeverChangeTheExit() async throws {
        var c = config()
        c.notification.enabled = false
        c.feishu.rowLimit = 10
        let entries = (1...9).map {
            LedgerEntry(key: "k\($0)", instanceId: "k\($0)", recordId: "r\($0)", contentHash: "h")
        }
        try store.recordWritten(.main, entries, at: now)
        let server = FakeServer { _, _ in json(200, ["code": 0]) }
        let monitor = RunMonitor(
            config: c, notifier: Notifier(config: c.notification, transport: server.transport, logger: quietLogger),
            logger: quietLogger)
        let result = await monitor.afterRun(summary(.success), store: store, processCodes: ["PROC-A"], now: now)
        #expect(result.alerts.map(\.kind) == [.rowLimit])
        #expect(result.exitStatus == .success)
        #expect(
            result.text(timeZone: TimeZone(identifier: "Asia/Shanghai")!).contains(
                "alert      the main table is nearly full"))
        #expect(server.requests.isEmpty)
    }

    @Test func aChannelThatFailsDoesNotStopTheOther() async {
        let server = FakeServer { _, _ in
            json(200, ["code": 19001, "msg": "param invalid: incoming webhook access token invalid"])
        }
        let mailer = RecordingMailer()
        let c = config(email: true)
        let notifier = Notifier(
            config: c.notification, transport: server.transport, mailer: mailer, logger: quietLogger)
        let results = await notifier.deliver(
            NotificationMessage(severity: .failure, title: "dingsync: x", facts: [], fixes: [], footer: ""))
        #expect(results.map(\.delivered) == [false, true])
        #expect(mailer.emails.count == 1)
    }
}
